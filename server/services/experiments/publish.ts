import { and, eq, sql } from "drizzle-orm";
import type PgBoss from "pg-boss";
import type { Database } from "~/db/client";
import { experiments, experimentVersions, models } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { DomainError, notFound } from "../../errors";
import type { SessionUser } from "../../trpc/context";
import { assertRunsAllowed, lockUserQuota } from "../quotas";
import { enqueueRuns, insertFirstRuns, missingFirstRuns, readyModels } from "../runs/queue";
import { assertCanEdit } from "./permissions";

/**
 * Publishing: a draft's version gets its publication time and one run per ready model, each
 * counted against the author's quotas; jobs are sent after the transaction commits. Publishing
 * again, or a model becoming ready again, never adds a second attempt-0 run of the same key.
 */

/** Inserts the attempt-0 runs of a version on every ready model, within the author's quotas. Call in a transaction. */
export async function createRunsForVersion(tx: Queryable, versionId: number, authorId: string): Promise<number[]> {
  const ready = await readyModels(tx);
  await lockUserQuota(tx, authorId);
  const missing = await missingFirstRuns(tx, ready.map((model) => ({ versionId, model })));
  await assertRunsAllowed(tx, authorId, missing.length);
  return insertFirstRuns(tx, missing, authorId);
}

export async function publishExperiment(db: Database, boss: PgBoss, user: SessionUser, experimentId: number) {
  const result = await db.transaction(async (tx) => {
    const [experiment] = await tx.select().from(experiments).where(eq(experiments.id, experimentId)).for("update");
    if (!experiment) throw notFound(`Experiment #${experimentId}`);
    assertCanEdit(user, experiment);
    const [version] = await tx
      .select({ id: experimentVersions.id, version: experimentVersions.version, publishedAt: experimentVersions.publishedAt })
      .from(experimentVersions)
      .where(and(eq(experimentVersions.experimentId, experimentId), eq(experimentVersions.version, experiment.latestVersion)));
    if (!version) throw new Error(`experiment ${experimentId} has no version ${experiment.latestVersion}`);
    const now = new Date();
    if (experiment.state === "draft") {
      await tx.update(experiments).set({ state: "published", publishedAt: now, updatedAt: now }).where(eq(experiments.id, experimentId));
      await tx.update(experimentVersions).set({ publishedAt: now }).where(eq(experimentVersions.id, version.id));
    }
    // Publishing again queues only what is missing (e.g. a model that became ready meanwhile).
    const runIds = await createRunsForVersion(tx, version.id, experiment.ownerId);
    return { id: experimentId, version: version.version, versionId: version.id, runIds, alreadyPublished: experiment.state === "published" };
  });
  const queue = await enqueueRuns(db, boss, result.runIds);
  return { ...result, runsQueued: result.runIds.length, jobsSent: queue.sent };
}

/**
 * A model became ready: every published experiment's latest version gets a run on it (attempt 0,
 * requested by nobody, so it counts against no one's quota). Returns the new run ids.
 */
export async function queueRunsForModel(db: Database, boss: PgBoss, modelId: number): Promise<number[]> {
  const [model] = await db.select({ id: models.id, sha256: models.sha256, status: models.status }).from(models).where(eq(models.id, modelId));
  if (!model) throw notFound(`Model #${modelId}`);
  if (model.status !== "ready" || !model.sha256) throw new DomainError("CONFLICT", `Model #${modelId} is not ready yet; runs are queued when it is.`);
  const sha256 = model.sha256;
  const latest = await db
    .select({ versionId: experimentVersions.id })
    .from(experiments)
    .innerJoin(experimentVersions, and(eq(experimentVersions.experimentId, experiments.id), eq(experimentVersions.version, experiments.latestVersion)))
    .where(and(eq(experiments.state, "published"), sql`${experimentVersions.publishedAt} is not null`));
  const runIds = await insertFirstRuns(db, latest.map((v) => ({ versionId: v.versionId, model: { id: model.id, sha256 } })), null);
  await enqueueRuns(db, boss, runIds);
  return runIds;
}
