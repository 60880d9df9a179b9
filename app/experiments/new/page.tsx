import type { Metadata } from "next";
import Link from "next/link";
import { api } from "~/server/trpc/server-caller";
import { ExperimentForm } from "../../_experiments/experiment-form";
import { initialSpec } from "../../_experiments/spec-draft";

export const metadata: Metadata = { title: "New experiment" };

export default async function NewExperimentPage() {
  const caller = await api();
  const me = await caller.users.me();
  if (!me) {
    return (
      <div className="page page--narrow">
        <h1>New experiment</h1>
        <p className="notice notice--info">
          <Link href="/signin?callbackUrl=%2Fexperiments%2Fnew">Sign in</Link> or <Link href="/signup">create an account</Link> to propose an experiment.
        </p>
      </div>
    );
  }
  const options = await caller.taxonomy.options();
  return (
    <div className="page page--wide">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/experiments">Experiments</Link>
      </nav>
      <h1>New experiment</h1>
      <p className="lede">Ask a question of the hosted models: choose data, describe the probes, say what you expect. Publishing runs it on every hosted model.</p>
      <ExperimentForm
        options={options}
        initial={{ id: null, state: null, latestVersion: null, title: "", question: "", techniques: [], papers: [], spec: initialSpec(null), dataset: null, claims: [] }}
      />
    </div>
  );
}
