/** Experiments, versions and runs inserted directly (no queue needed) for the discussion and evidence tests. */
import type { Database } from "../../db/client";
import { experiments, experimentVersions, experimentVersionTechniques, models, runs, type RunStatus } from "../../db/schema";

let counter = 0;

export async function insertModel(db: Database, name = `model-${counter + 1}`) {
  const n = ++counter;
  const [row] = await db
    .insert(models)
    .values({ name, source: `/tmp/${name}.gguf`, sha256: `${n}`.padStart(64, "0"), status: "ready", layers: 4, dModel: 16 })
    .returning({ id: models.id, name: models.name, sha256: models.sha256 });
  return { id: row!.id, name: row!.name, sha256: row!.sha256 ?? "" };
}

/** An experiment with one version exercising these techniques (ids); published unless said. */
export async function insertExperiment(db: Database, ownerId: string, options: { title?: string; state?: "draft" | "published"; techniqueIds?: number[]; claims?: unknown[] } = {}) {
  const state = options.state ?? "published";
  const now = new Date();
  const [experiment] = await db
    .insert(experiments)
    .values({ ownerId, state, publishedAt: state === "published" ? now : null })
    .returning({ id: experiments.id });
  const [version] = await db
    .insert(experimentVersions)
    .values({
      experimentId: experiment!.id,
      version: 1,
      authorId: ownerId,
      title: options.title ?? `Experiment ${++counter}`,
      spec: { version: 1, methods: [{ method: "diffmean" }] },
      claims: options.claims ?? [],
      publishedAt: state === "published" ? now : null,
    })
    .returning({ id: experimentVersions.id });
  if (options.techniqueIds?.length) await db.insert(experimentVersionTechniques).values(options.techniqueIds.map((techniqueId) => ({ versionId: version!.id, techniqueId })));
  return { id: experiment!.id, versionId: version!.id };
}

/** diffmean accuracy per layer (the headline is their maximum). */
export function diffmeanMetrics(accuracies: number[]) {
  return {
    engine: "mechmap-probes",
    methods: [
      { method: "diffmean", perLayer: accuracies.map((accuracy, layer) => ({ hook: `blocks.${layer}.hook_resid_post`, layer, accuracy, auroc: accuracy })) },
      { method: "logistic", perLayer: accuracies.map((accuracy, layer) => ({ hook: `blocks.${layer}.hook_resid_post`, layer, accuracy: accuracy / 2 })) },
    ],
  };
}

export async function insertRun(
  db: Database,
  versionId: number,
  model: { id: number; sha256: string },
  options: { status?: RunStatus; attempt?: number; metrics?: Record<string, unknown> | null; finishedAt?: Date } = {},
) {
  const status = options.status ?? "done";
  const [row] = await db
    .insert(runs)
    .values({
      versionId,
      modelId: model.id,
      modelSha256: model.sha256,
      engineVersion: "test",
      runKey: `${versionId}-${model.sha256}`,
      attempt: options.attempt ?? 0,
      status,
      metrics: options.metrics ?? (status === "done" ? diffmeanMetrics([0.5, 0.7, 0.9, 0.8]) : null),
      finishedAt: status === "done" ? (options.finishedAt ?? new Date()) : null,
    })
    .returning({ id: runs.id });
  return row!.id;
}
