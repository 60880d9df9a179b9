import { createHash } from "node:crypto";
import { and, eq, inArray, isNotNull, isNull, lt } from "drizzle-orm";
import type PgBoss from "pg-boss";
import type { Database } from "~/db/client";
import { models, runs } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { enqueueRun } from "../../jobs/experiment-runs";
import { PROBE_ENGINE_VERSION } from "../../probes/engine-version";

/**
 * Run rows and their jobs. A run is keyed by (version, model sha256, engine version); attempt 0 is
 * inserted with `on conflict do nothing`, so however often a version is published or a model is
 * registered, the same key is computed once. Rows are written first and jobs sent after commit,
 * so a job always names a run that exists.
 */
export function runKey(versionId: number, modelSha256: string, engineVersion: string = PROBE_ENGINE_VERSION): string {
  return createHash("sha256").update(`${versionId}:${modelSha256}:${engineVersion}`).digest("hex");
}

export interface ReadyModel {
  id: number;
  sha256: string;
}

/** Models runs can be queued on now: ready, with their weights' hash known. */
export async function readyModels(db: Queryable): Promise<ReadyModel[]> {
  const rows = await db.select({ id: models.id, sha256: models.sha256 }).from(models).where(and(eq(models.status, "ready"), isNotNull(models.sha256)));
  return rows.flatMap((r) => (r.sha256 ? [{ id: r.id, sha256: r.sha256 }] : []));
}

/** Attempt-0 pairs among these that have no run yet (for quota checks before inserting). */
export async function missingFirstRuns(db: Queryable, pairs: Array<{ versionId: number; model: ReadyModel }>): Promise<Array<{ versionId: number; model: ReadyModel; key: string }>> {
  const keyed = pairs.map((p) => ({ ...p, key: runKey(p.versionId, p.model.sha256) }));
  if (keyed.length === 0) return [];
  const existing = await db
    .select({ key: runs.runKey })
    .from(runs)
    .where(and(inArray(runs.runKey, keyed.map((k) => k.key)), eq(runs.attempt, 0)));
  const have = new Set(existing.map((e) => e.key));
  return keyed.filter((k) => !have.has(k.key));
}

/** Inserts attempt-0 runs; returns the ids of the rows that are new (existing keys are left alone). */
export async function insertFirstRuns(db: Queryable, pairs: Array<{ versionId: number; model: ReadyModel }>, requestedById: string | null): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < pairs.length; i += 500) {
    const values = pairs.slice(i, i + 500).map((p) => ({
      versionId: p.versionId,
      modelId: p.model.id,
      modelSha256: p.model.sha256,
      engineVersion: PROBE_ENGINE_VERSION,
      runKey: runKey(p.versionId, p.model.sha256),
      attempt: 0,
      requestedById,
    }));
    const rows = await db.insert(runs).values(values).onConflictDoNothing({ target: [runs.runKey, runs.attempt] }).returning({ id: runs.id });
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/**
 * Sends one job per run and records its id (used to cancel it). A failed send leaves the run
 * queued without a job; `enqueueOrphanRuns` sends it later.
 */
export async function enqueueRuns(db: Database, boss: PgBoss, runIds: readonly number[]): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  for (const runId of runIds) {
    try {
      const jobId = await enqueueRun(boss, runId);
      if (jobId) await db.update(runs).set({ jobId }).where(and(eq(runs.id, runId), isNull(runs.jobId)));
      sent++;
    } catch (error) {
      // The run is committed; it waits for enqueueOrphanRuns rather than failing the request.
      failed++;
      console.error(`[runs] could not enqueue run ${runId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { sent, failed };
}

/**
 * Queued runs that never got a job (the web process died between commit and send, or the queue
 * was unreachable) and are older than `olderThanMs`: sends their jobs. Safe to call from any
 * process now and then; returns how many were sent.
 */
export async function enqueueOrphanRuns(db: Database, boss: PgBoss, olderThanMs = 60_000): Promise<number> {
  const before = new Date(Date.now() - olderThanMs);
  const orphans = await db
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.status, "queued"), isNull(runs.jobId), lt(runs.createdAt, before)))
    .limit(1000);
  await enqueueRuns(db, boss, orphans.map((o) => o.id));
  return orphans.length;
}
