import { and, asc, desc, eq, isNotNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "~/db/client";
import { experiments, experimentVersions, models, runs, type RunStatus } from "~/db/schema";
import { type Claim, claimSchema } from "../../experiments/claims";
import { notFound } from "../../errors";
import type { SessionUser } from "../../trpc/context";
import { canView } from "../experiments/permissions";

/**
 * What both across-models views start from: one experiment version the viewer may see (drafts
 * only for their author and moderators, reported as missing otherwise, as on the experiment page)
 * and, per model, the latest run of that version that is done.
 */

export interface VersionContext {
  experiment: { id: number; state: "draft" | "published"; latestVersion: number };
  version: { id: number; version: number; title: string; publishedAt: Date | null; claims: Claim[] };
  /** Every version, newest first, for the version picker. */
  versions: Array<{ version: number; publishedAt: Date | null }>;
}

/**
 * The experiment version `version`, or by default the latest published one (a draft's only
 * version when nothing is published). NOT_FOUND for an unknown experiment or version, and for a
 * draft the viewer may not see.
 */
export async function visibleVersion(db: Database, viewer: SessionUser | null, experimentId: number, version: number | null | undefined): Promise<VersionContext> {
  const [experiment] = await db
    .select({ id: experiments.id, ownerId: experiments.ownerId, state: experiments.state, latestVersion: experiments.latestVersion })
    .from(experiments)
    .where(eq(experiments.id, experimentId));
  if (!experiment || !canView(viewer, experiment)) throw notFound(`Experiment #${experimentId}`);
  const rows = await db
    .select({ id: experimentVersions.id, version: experimentVersions.version, title: experimentVersions.title, publishedAt: experimentVersions.publishedAt, claims: experimentVersions.claims })
    .from(experimentVersions)
    .where(eq(experimentVersions.experimentId, experimentId))
    .orderBy(desc(experimentVersions.version));
  const chosen =
    version === null || version === undefined
      ? (rows.find((r) => r.publishedAt !== null) ?? rows.find((r) => r.version === experiment.latestVersion) ?? rows[0])
      : rows.find((r) => r.version === version);
  if (!chosen) throw notFound(version ? `Version ${version} of experiment #${experimentId}` : `Experiment #${experimentId}`);
  // Claims were validated when saved; one that no longer parses is left out rather than failing the page.
  const claims = (Array.isArray(chosen.claims) ? chosen.claims : []).flatMap((c) => {
    const parsed = claimSchema.safeParse(c);
    return parsed.success ? [parsed.data] : [];
  });
  const { ownerId: _owner, ...shown } = experiment;
  return {
    experiment: shown,
    version: { id: chosen.id, version: chosen.version, title: chosen.title, publishedAt: chosen.publishedAt, claims },
    versions: rows.map((r) => ({ version: r.version, publishedAt: r.publishedAt })),
  };
}

export interface DoneRun {
  runId: number;
  attempt: number;
  engineVersion: string;
  model: string;
  modelId: number;
  recipe: string | null;
  /** Blocks of the model, from the run's own metrics (the model row's count when missing). */
  nLayers: number;
  metrics: Record<string, unknown>;
  finishedAt: Date | null;
}

const nLayersOf = z.looseObject({ model: z.looseObject({ nLayers: z.number().int().positive() }) });

/**
 * Per model, the latest done run of the version: the most recently queued one, so a rerun
 * (attempt 1, 2, …) wins over attempt 0 and a run of a newer engine over an older engine's run.
 * Sorted by model name. Runs of removed models (no model row) are left out.
 */
export async function latestDoneRuns(db: Database, versionId: number): Promise<DoneRun[]> {
  const rows = await db
    .selectDistinctOn([runs.modelId], {
      runId: runs.id,
      attempt: runs.attempt,
      engineVersion: runs.engineVersion,
      model: models.name,
      modelId: models.id,
      recipe: models.recipe,
      modelLayers: models.layers,
      metrics: runs.metrics,
      finishedAt: runs.finishedAt,
    })
    .from(runs)
    .innerJoin(models, eq(models.id, runs.modelId))
    .where(and(eq(runs.versionId, versionId), eq(runs.status, "done"), isNotNull(runs.metrics)))
    .orderBy(asc(runs.modelId), desc(runs.id));
  return rows
    .flatMap(({ modelLayers, metrics, ...r }) => {
      if (metrics === null) return [];
      const nLayers = nLayersOf.safeParse(metrics).data?.model.nLayers ?? modelLayers;
      return nLayers ? [{ ...r, metrics, nLayers }] : [];
    })
    .sort((a, b) => a.model.localeCompare(b.model));
}

/** Models with a run of the version still to finish (queued or running) and no done run: for "still running" notes. */
export async function waitingModels(db: Database, versionId: number): Promise<Array<{ model: string; status: RunStatus }>> {
  const rows = await db
    .select({ model: models.name, status: runs.status, done: sql<boolean>`bool_or(${runs.status} = 'done') over (partition by ${runs.modelId})` })
    .from(runs)
    .innerJoin(models, eq(models.id, runs.modelId))
    .where(eq(runs.versionId, versionId))
    .orderBy(asc(models.name), desc(runs.id));
  const out = new Map<string, RunStatus>();
  for (const r of rows) {
    if (r.done || out.has(r.model)) continue;
    if (r.status === "queued" || r.status === "running") out.set(r.model, r.status);
  }
  return [...out.entries()].map(([model, status]) => ({ model, status }));
}
