/**
 * Arranging real runs for page tests: zoo models registered like `npm start` does, and runs
 * computed by the platform's own worker (an in-process job loop), never inserted as results.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inArray } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { runs } from "../../../db/schema";
import { enqueueRuns } from "../../../server/services/runs/queue";
import { startJobLoop } from "../../../workers/job-loop";
import { ZOO_MODELS, zooDir } from "../../../workers/models/demo-models";
import { addModel, getModel, type ModelRow } from "../../../workers/models/registry";

/** A zoo model, registered from ../shared/fixtures/zoo (sha256-checked, with the zoo's facts) unless an earlier file did. */
export async function ensureZooModel(db: Database, name: string): Promise<ModelRow & { sha256: string }> {
  const zoo = ZOO_MODELS.find((z) => z.name === name);
  if (!zoo) throw new Error(`e2e: ${name} is not a zoo model`);
  const row =
    (await getModel(db, name)) ??
    (await addModel(db, { source: path.join(zooDir(), `${name}.gguf`), name, licence: zoo.licence, recipe: zoo.recipe, heldOutLoss: zoo.heldOutLoss }, { expectedSha256: zoo.sha256 }));
  if (row.status !== "ready" || !row.sha256) throw new Error(`e2e: ${name} is ${row.status}`);
  return { ...row, sha256: row.sha256 };
}

/** Waits until the worker has finished these runs (it writes the status; a failure ends the wait with the reason). */
async function waitForDone(db: Database, ids: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await db.select({ id: runs.id, status: runs.status, error: runs.error }).from(runs).where(inArray(runs.id, ids));
    const bad = rows.find((r) => r.status === "failed" || r.status === "cancelled");
    if (bad) throw new Error(`run ${bad.id} ended ${bad.status}: ${bad.error}`);
    if (rows.length === ids.length && rows.every((r) => r.status === "done")) return;
    if (Date.now() > deadline) throw new Error(`runs not done in time: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Queues the runs and lets a job loop (graphs compiled into a temporary cache) compute them all. */
export async function computeRuns(databaseUrl: string, db: Database, runIds: number[], timeoutMs: number): Promise<void> {
  const cacheDir = mkdtempSync(path.join(tmpdir(), "mechmap-e2e-runs-"));
  const loop = await startJobLoop(databaseUrl, { cacheDir, log: () => {} });
  try {
    await enqueueRuns(db, loop.boss, runIds);
    await waitForDone(db, runIds, timeoutMs);
  } finally {
    await loop.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
