import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installation, models, workerHeartbeats } from "../../db/schema";
import { startBoss } from "../../server/jobs/boss";
import { enqueuePrepareModel } from "../../server/jobs/enqueue";
import { QUEUES } from "../../server/jobs/queues";
import { startJobLoop, type JobLoop } from "../../workers/job-loop";
import { addModel } from "../../workers/models/registry";
import { FIXTURES_DIR } from "../runtime/fixtures";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";

let t: TestDatabase;
const loops: JobLoop[] = [];
const cacheDir = mkdtempSync(path.join(tmpdir(), "mechmap-recovery-"));
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  for (const loop of loops) await loop.stop();
  await t.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const status = async (id: number) => (await t.db.select().from(models).where(eq(models.id, id)))[0];

describe("worker recovery", () => {
  it("finishes a model left compiling with no job, marks failed one whose tries ran out, and reports a heartbeat", async () => {
    const orphan = await addModel(t.db, { source: path.join(FIXTURES_DIR, "stories260K.gguf"), name: "orphan" });
    // A worker died mid-compile and its job is gone: the row says compiling, nothing will change it.
    await t.db.update(models).set({ status: "compiling", updatedAt: sql`now() - interval '1 hour'` }).where(eq(models.id, orphan.id));

    const exhausted = await addModel(t.db, { source: path.join(FIXTURES_DIR, "stories260K.gguf"), name: "exhausted" });
    const producer = await startBoss(t.url, { supervise: false });
    const jobId = await enqueuePrepareModel(producer, exhausted.id);
    // Its job failed for good (every try expired with its worker), leaving the row compiling.
    await t.db.execute(sql`update pgboss.job set state = 'failed', retry_count = 3 where id = ${jobId}`);
    await t.db.update(models).set({ status: "compiling", updatedAt: sql`now() - interval '1 hour'` }).where(eq(models.id, exhausted.id));
    await producer.stop({ graceful: false, wait: true });

    const loop = await startJobLoop(t.url, { cacheDir, log: () => {}, heartbeatIntervalMs: 200 });
    loops.push(loop);
    const ready = await until("the orphan to be compiled", async () => {
      const row = await status(orphan.id);
      return row?.status === "ready" && row;
    });
    expect(ready.statusReason).toBeNull();
    const failed = await status(exhausted.id);
    expect(failed?.status).toBe("failed");
    expect(failed?.statusReason).toMatch(/interrupted 4 times/);

    const [beat] = await t.db.select().from(workerHeartbeats).where(eq(workerHeartbeats.id, loop.workerId));
    expect(beat?.pid).toBe(process.pid);
    expect(Date.now() - (beat?.seenAt.getTime() ?? 0)).toBeLessThan(30_000);
    // The queue's settings fit the job: a lost prepare job is handed out again within minutes.
    const queue = await loop.boss.getQueue(QUEUES.prepareModel.name);
    expect(queue?.expireInSeconds).toBeLessThanOrEqual(600);
  });

  it("stops taking jobs when the database turns out to be another installation's", async () => {
    await t.db.insert(installation).values({ id: "someone-else" });
    let refused = null as Error | null;
    const loop = await startJobLoop(t.url, { cacheDir, log: () => {}, installationId: "mine", heartbeatIntervalMs: 200, onWrongDatabase: (e) => (refused = e) });
    loops.push(loop);
    const error = await until("the refusal", async () => refused ?? undefined);
    expect(error.message).toMatch(/belongs to MechMap installation someone-else, not to this one \(mine\)/);
  });
});
