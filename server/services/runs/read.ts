import { and, asc, desc, eq, inArray, lt, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "~/db/client";
import { experiments, experimentVersions, models, runArtifacts, runs, users, type RunVerdict } from "~/db/schema";
import { claimSchema, describeClaim } from "../../experiments/claims";
import { type ClaimCheck, checkClaims, readClaimChecks } from "../../experiments/verdicts";
import { notFound } from "../../errors";
import type { SessionUser } from "../../trpc/context";
import { optionalPublicName } from "../display-name";
import { canControlRuns, canView } from "../experiments/permissions";
import { artifactNames } from "./artifact-names";
import { runProgressColumns } from "./columns";

/** Reading runs: the run page's data, and a cheap progress query for polling. */

/** The run with its experiment's owner and state, or NOT_FOUND when the viewer may not see it. */
export async function visibleRun(db: Database, viewer: SessionUser | null, id: number) {
  const [row] = await db
    .select({
      run: runs,
      ownerId: experiments.ownerId,
      state: experiments.state,
      experimentId: experiments.id,
      title: experimentVersions.title,
      version: experimentVersions.version,
      latestVersion: experiments.latestVersion,
      claims: experimentVersions.claims,
    })
    .from(runs)
    .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
    .innerJoin(experiments, eq(experiments.id, experimentVersions.experimentId))
    .where(eq(runs.id, id));
  if (!row || !canView(viewer, row)) throw notFound(`Run #${id}`);
  return row;
}

export type Determinism = "byte-identical" | "different" | "pending" | null;

export async function getRun(db: Database, viewer: SessionUser | null, id: number) {
  const { run, ownerId, experimentId, title, version, latestVersion, claims } = await visibleRun(db, viewer, id);
  const requester = alias(users, "requester");
  const [[model], [requestedBy], artifacts, [previous]] = await Promise.all([
    run.modelId === null
      ? Promise.resolve([])
      : db.select({ id: models.id, name: models.name, layers: models.layers, dModel: models.dModel, architecture: models.architecture, sha256: models.sha256 }).from(models).where(eq(models.id, run.modelId)),
    run.requestedById === null ? Promise.resolve([]) : db.select({ name: optionalPublicName(requester) }).from(requester).where(eq(requester.id, run.requestedById)),
    db
      .select({ id: runArtifacts.id, name: runArtifacts.name, methodIndex: runArtifacts.methodIndex, hook: runArtifacts.hook, layer: runArtifacts.layer, shape: runArtifacts.shape, bytes: sql<number>`octet_length(${runArtifacts.data})` })
      .from(runArtifacts)
      .where(eq(runArtifacts.runId, run.id))
      // The same order as the downloads, so the names match theirs.
      .orderBy(asc(runArtifacts.methodIndex), asc(runArtifacts.name), asc(runArtifacts.hook), asc(runArtifacts.layer), asc(runArtifacts.id)),
    // The attempt before this one with the same key: its metrics are compared for the determinism check.
    db
      .select({ id: runs.id, attempt: runs.attempt, status: runs.status, metricsSha256: runs.metricsSha256, finishedAt: runs.finishedAt })
      .from(runs)
      .where(and(eq(runs.runKey, run.runKey), lt(runs.attempt, run.attempt)))
      .orderBy(desc(runs.attempt))
      .limit(1),
  ]);
  const names = artifactNames(artifacts);
  let determinism: Determinism = null;
  if (previous) {
    if (run.metricsSha256 === null || previous.metricsSha256 === null) determinism = "pending";
    else determinism = run.metricsSha256 === previous.metricsSha256 ? "byte-identical" : "different";
  }
  const { jobId: _job, requestedById: _req, verdictDetails: _details, ...shown } = run;
  const checked = run.status === "done" ? runChecks(run, claims, model?.layers ?? null) : null;
  return {
    run: { ...shown, verdict: checked?.verdict ?? null },
    /** The version's claims, each with its check against this run (null until the run is done). */
    claims: describeClaims(claims).map((c) => ({ ...c, check: checked?.checks.find((k) => k.claimIndex === c.index) ?? null })),
    model: model ?? null,
    requestedBy: requestedBy?.name ?? null,
    experiment: { id: experimentId, title, version, latestVersion, versionId: run.versionId },
    artifacts: artifacts.map((a, i) => ({ ...a, downloadName: names[i]! })),
    previous: previous ?? null,
    determinism,
    permissions: { canControl: canControlRuns(viewer, { ownerId }) },
  };
}

/** The depth of the model a run's metrics come from: as the engine recorded it, else the model row's. */
function metricsDepth(metrics: unknown, modelLayers: number | null): number {
  const n = (metrics as { model?: { nLayers?: unknown } } | null)?.model?.nLayers;
  return typeof n === "number" ? n : (modelLayers ?? 0);
}

/**
 * A done run's checks: as stored by the worker, or (for a run finished before verdicts were stored
 * and not yet filled in by a worker) computed now from its metrics, the same way.
 */
function runChecks(run: { verdict: RunVerdict | null; verdictDetails: unknown; metrics: unknown }, claims: unknown[], modelLayers: number | null): { verdict: RunVerdict; checks: ClaimCheck[] } {
  if (run.verdict !== null) return { verdict: run.verdict, checks: readClaimChecks(run.verdictDetails) };
  return checkClaims(claims, run.metrics, metricsDepth(run.metrics, modelLayers));
}

/** A version's stored claims for display: readable ones described, others flagged. */
function describeClaims(claims: unknown[]) {
  return claims.map((raw, index) => {
    const parsed = claimSchema.safeParse(raw);
    return parsed.success
      ? { index, text: describeClaim(parsed.data), metric: parsed.data.metric, model: parsed.data.model === "any" ? null : parsed.data.model, note: parsed.data.note }
      : { index, text: null, metric: null, model: null, note: "" };
  });
}

/**
 * The verdict on every model of one version: per model, its latest done run (reruns supersede
 * earlier attempts) with its claims' checks. For the experiment page's claims.
 */
export async function versionVerdicts(db: Database, viewer: SessionUser | null, versionId: number) {
  const [version] = await db
    .select({ ownerId: experiments.ownerId, state: experiments.state, claims: experimentVersions.claims })
    .from(experimentVersions)
    .innerJoin(experiments, eq(experiments.id, experimentVersions.experimentId))
    .where(eq(experimentVersions.id, versionId));
  if (!version || !canView(viewer, version)) throw notFound(`Experiment version #${versionId}`);
  const modelKey = sql`coalesce(${runs.modelId}::text, ${runs.modelSha256})`;
  const rows = await db
    .selectDistinctOn([modelKey], {
      runId: runs.id,
      attempt: runs.attempt,
      model: sql<string>`coalesce(${models.name}, 'removed model ' || left(${runs.modelSha256}, 8))`,
      modelLayers: models.layers,
      verdict: runs.verdict,
      verdictDetails: runs.verdictDetails,
      // The metrics only for a run whose checks are not stored yet (they are computed then).
      metrics: sql<unknown>`case when ${runs.verdict} is null then ${runs.metrics} end`,
    })
    .from(runs)
    .leftJoin(models, eq(models.id, runs.modelId))
    .where(and(eq(runs.versionId, versionId), eq(runs.status, "done")))
    .orderBy(modelKey, desc(runs.id));
  return rows
    .map((r) => ({ runId: r.runId, attempt: r.attempt, model: r.model, ...runChecks(r, version.claims, r.modelLayers) }))
    .sort((a, b) => a.model.localeCompare(b.model, "en"));
}

/** Progress of up to 100 runs (one poll for a whole experiment page); runs the viewer may not see are left out. */
export async function runProgress(db: Database, viewer: SessionUser | null, ids: readonly number[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .select({
      ...runProgressColumns,
      ownerId: experiments.ownerId,
      state: experiments.state,
    })
    .from(runs)
    .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
    .innerJoin(experiments, eq(experiments.id, experimentVersions.experimentId))
    .where(inArray(runs.id, [...new Set(ids)]))
    .orderBy(asc(runs.id));
  return rows.filter((r) => canView(viewer, r)).map(({ ownerId: _o, state: _s, ...r }) => r);
}
