import type { Metadata } from "next";
import Link from "next/link";
import { api } from "~/server/trpc/server-caller";
import { NewPaperForm } from "./new-paper-form";

export const metadata: Metadata = { title: "Add a paper" };

export default async function NewPaperPage() {
  const caller = await api();
  const me = await caller.users.me();
  if (!me) {
    return (
      <div className="page page--narrow">
        <h1>Add a paper</h1>
        <p className="notice notice--info">
          <Link href="/signin?callbackUrl=%2Fpapers%2Fnew">Sign in</Link> or <Link href="/signup">create an account</Link> to add papers to MechMap.
        </p>
      </div>
    );
  }
  const options = await caller.taxonomy.options();
  return (
    <div className="page" style={{ maxWidth: 860 }}>
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/papers">Papers</Link>
      </nav>
      <h1>Add a paper</h1>
      <p className="lede" style={{ marginBottom: "1.25rem" }}>
        Enter a paper by its identifiers, or paste BibTeX for one or many. Papers already on MechMap (same arXiv id or DOI) are not added twice.
      </p>
      <NewPaperForm options={options} />
    </div>
  );
}
