import { and, asc, desc, eq, inArray, lt, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "~/db/client";
import { experiments, experimentVersions, models, runArtifacts, runs, users } from "~/db/schema";
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
    .select({ run: runs, ownerId: experiments.ownerId, state: experiments.state, experimentId: experiments.id, title: experimentVersions.title, version: experimentVersions.version, latestVersion: experiments.latestVersion })
    .from(runs)
    .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
    .innerJoin(experiments, eq(experiments.id, experimentVersions.experimentId))
    .where(eq(runs.id, id));
  if (!row || !canView(viewer, row)) throw notFound(`Run #${id}`);
  return row;
}

export type Determinism = "byte-identical" | "different" | "pending" | null;

export async function getRun(db: Database, viewer: SessionUser | null, id: number) {
  const { run, ownerId, experimentId, title, version, latestVersion } = await visibleRun(db, viewer, id);
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
  const { jobId: _job, requestedById: _req, ...shown } = run;
  return {
    run: shown,
    model: model ?? null,
    requestedBy: requestedBy?.name ?? null,
    experiment: { id: experimentId, title, version, latestVersion, versionId: run.versionId },
    artifacts: artifacts.map((a, i) => ({ ...a, downloadName: names[i]! })),
    previous: previous ?? null,
    determinism,
    permissions: { canControl: canControlRuns(viewer, { ownerId }) },
  };
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
