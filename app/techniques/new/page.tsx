import type { Metadata } from "next";
import Link from "next/link";
import { api } from "~/server/trpc/server-caller";
import { NewTechniqueForm } from "./new-technique-form";

export const metadata: Metadata = { title: "Propose a new technique" };

/** A member proposes a technique the map is missing; it appears once a moderator accepts it. */
export default async function NewTechniquePage() {
  const caller = await api();
  const me = await caller.users.me();
  if (!me) {
    return (
      <div className="page page--narrow">
        <h1>Propose a new technique</h1>
        <p className="notice notice--info">
          <Link href="/signin?callbackUrl=%2Ftechniques%2Fnew">Sign in</Link> or <Link href="/signup">create an account</Link> to propose techniques for the map.
        </p>
      </div>
    );
  }
  const options = await caller.taxonomy.options();
  return (
    <div className="page" style={{ maxWidth: 860 }}>
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/">Map</Link>
      </nav>
      <h1>Propose a new technique</h1>
      <p className="lede" style={{ marginBottom: "1.25rem" }}>
        A technique the map is missing: its name, where it sits in the hierarchy, and the papers behind it. Check the map first (search by name and aliases) so it is
        not there under another name. Preview it, then submit it: a moderator reviews it before it appears.
      </p>
      <NewTechniqueForm options={options} />
    </div>
  );
}
