import { and, eq, sql } from "drizzle-orm";
import type PgBoss from "pg-boss";
import type { Database } from "~/db/client";
import { models, runs } from "~/db/schema";
import { DomainError } from "../../errors";
import { RUN_QUEUE } from "../../jobs/experiment-runs";
import type { SessionUser } from "../../trpc/context";
import { assertCanControlRuns } from "../experiments/permissions";
import { assertRunsAllowed, lockUserQuota } from "../quotas";
import { enqueueRuns } from "./queue";
import { visibleRun } from "./read";

/**
 * Reruns and cancellation, by the experiment's author or a moderator. A rerun is a new attempt of
 * the same key (attempt = max + 1), so the page can compare its metrics with the previous one.
 */

export async function rerun(db: Database, boss: PgBoss, user: SessionUser, runId: number) {
  const { run, ownerId } = await visibleRun(db, user, runId);
  assertCanControlRuns(user, { ownerId });
  const [model] = run.modelId === null ? [] : await db.select({ sha256: models.sha256, status: models.status, name: models.name }).from(models).where(eq(models.id, run.modelId));
  if (!model) throw new DomainError("CONFLICT", "The model of this run is no longer hosted, so it cannot be run again.");
  if (model.sha256 !== run.modelSha256) throw new DomainError("CONFLICT", `The model ${model.name} has different weights now; the new weights get runs of their own.`);
  if (model.status !== "ready") throw new DomainError("CONFLICT", `The model ${model.name} is not ready; try again when it is.`);
  const created = await db.transaction(async (tx) => {
    await lockUserQuota(tx, user.id);
    await assertRunsAllowed(tx, user.id, 1);
    // Concurrent reruns of one key take turns, so each gets its own attempt number.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('run-key:' || ${run.runKey}))`);
    const [max] = await tx.select({ attempt: sql<number>`max(${runs.attempt})::int` }).from(runs).where(eq(runs.runKey, run.runKey));
    const [row] = await tx
      .insert(runs)
      .values({
        versionId: run.versionId,
        modelId: run.modelId,
        modelSha256: run.modelSha256,
        engineVersion: run.engineVersion,
        runKey: run.runKey,
        attempt: (max?.attempt ?? 0) + 1,
        requestedById: user.id,
      })
      .returning({ id: runs.id, attempt: runs.attempt });
    if (!row) throw new Error("insert returned no row");
    return row;
  });
  await enqueueRuns(db, boss, [created.id]);
  return { id: created.id, attempt: created.attempt };
}

/**
 * A queued run is cancelled at once (and its job withdrawn); a running one is asked to stop, and
 * its worker stops at the next batch and marks it cancelled.
 */
export async function cancelRun(db: Database, boss: PgBoss, user: SessionUser, runId: number): Promise<{ id: number; status: "cancelled" | "running"; cancelRequested: boolean }> {
  const { ownerId } = await visibleRun(db, user, runId);
  assertCanControlRuns(user, { ownerId });
  const now = new Date();
  const [queued] = await db
    .update(runs)
    .set({ status: "cancelled", cancelRequested: true, finishedAt: now, stage: "cancelled" })
    .where(and(eq(runs.id, runId), eq(runs.status, "queued")))
    .returning({ jobId: runs.jobId });
  if (queued) {
    if (queued.jobId) {
      try {
        await boss.cancel(RUN_QUEUE.name, queued.jobId);
      } catch (error) {
        // The row says cancelled; a worker that takes the job anyway sees that and skips it.
        console.error(`[runs] could not cancel job ${queued.jobId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { id: runId, status: "cancelled", cancelRequested: true };
  }
  const [running] = await db
    .update(runs)
    .set({ cancelRequested: true })
    .where(and(eq(runs.id, runId), eq(runs.status, "running")))
    .returning({ id: runs.id });
  if (running) return { id: runId, status: "running", cancelRequested: true };
  const [now2] = await db.select({ status: runs.status }).from(runs).where(eq(runs.id, runId));
  throw new DomainError("CONFLICT", `Run #${runId} has already ${now2?.status === "done" ? "finished" : now2?.status === "failed" ? "failed" : "been cancelled"}; there is nothing to cancel.`);
}
