import type { Metadata } from "next";
import Link from "next/link";
import { api } from "~/server/trpc/server-caller";
import { SteerForm } from "./steer-form";

export const metadata: Metadata = { title: "Steer" };

export default async function SteerPage() {
  const caller = await api();
  const [me, models] = await Promise.all([caller.users.me(), caller.steer.models()]);
  return (
    <div className="page page--wide">
      <h1>Steer a model</h1>
      <p className="lede">
        Add a direction to a model&apos;s residual stream after one layer and read what it writes: its own continuation, the steered one, and one steered along a random direction of the
        same length — the baseline a steering effect has to beat. Each result is stored under its parameters and has a permalink to share.
      </p>
      {!me ? (
        <p className="notice notice--info">
          <Link href="/signin?callbackUrl=%2Fsteer">Sign in</Link> or <Link href="/signup">create an account</Link> to generate. Anyone can open a result&apos;s permalink.
        </p>
      ) : models.length === 0 ? (
        <p className="empty">No model is ready yet. Once one is hosted and compiled, it can be steered here.</p>
      ) : (
        <SteerForm models={models} />
      )}
    </div>
  );
}
