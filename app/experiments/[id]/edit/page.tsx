import type { Metadata } from "next";
import Link from "next/link";
import { claimSchema } from "~/server/experiments/claims";
import { api } from "~/server/trpc/server-caller";
import { claimRowFromClaim } from "../../../_experiments/claim-rows";
import { ExperimentForm } from "../../../_experiments/experiment-form";
import type { Json } from "../../../_experiments/spec-draft";
import { loadExperiment } from "../load";

export const metadata: Metadata = { title: "Edit experiment" };

export default async function EditExperimentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const data = await loadExperiment(id, undefined);
  const { experiment, version, permissions } = data;
  if (!permissions.canEdit) {
    return (
      <div className="page page--narrow">
        <h1>Edit “{version.title}”</h1>
        <p className="notice notice--info">
          Only the experiment’s author can edit it. <Link href={`/experiments/${experiment.id}`}>Back to the experiment</Link>
        </p>
      </div>
    );
  }
  const caller = await api();
  const options = await caller.taxonomy.options();
  const claims = (Array.isArray(version.claims) ? version.claims : []).flatMap((c, i) => {
    const parsed = claimSchema.safeParse(c);
    return parsed.success ? [claimRowFromClaim(parsed.data, i)] : [];
  });
  return (
    <div className="page page--wide">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/experiments">Experiments</Link> / <Link href={`/experiments/${experiment.id}`}>{version.title}</Link>
      </nav>
      <h1>Edit experiment</h1>
      {experiment.state === "published" && (
        <p className="notice notice--info">This experiment is published: saving makes version {experiment.latestVersion + 1} and queues its runs. Version {experiment.latestVersion} and its runs stay as they are.</p>
      )}
      <ExperimentForm
        options={options}
        initial={{
          id: experiment.id,
          state: experiment.state,
          latestVersion: experiment.latestVersion,
          title: version.title,
          question: version.question,
          techniques: data.techniques.map((t) => t.slug),
          papers: data.papers.map((p) => ({ id: p.id, title: p.title, year: p.year })),
          spec: version.spec as Json,
          dataset: data.dataset ? { id: data.dataset.id, name: data.dataset.name, preview: data.dataset.preview, avgChars: null } : null,
          claims,
        }}
      />
    </div>
  );
}
