import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { models } from "../../db/schema";
import type PgBoss from "pg-boss";
import { startBoss } from "../../server/jobs/boss";
import { QUEUES } from "../../server/jobs/queues";
import { enqueuePrepareModel } from "../../server/jobs/enqueue";
import { startJobLoop, type JobLoop } from "../../workers/job-loop";
import { addModel } from "../../workers/models/registry";
import { FIXTURES_DIR } from "../runtime/fixtures";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";

let t: TestDatabase;
let loop: JobLoop;
let cacheDir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  cacheDir = mkdtempSync(path.join(tmpdir(), "mechmap-graphs-"));
  loop = await startJobLoop(t.url, { cacheDir, log: () => {} });
});
afterAll(async () => {
  await loop.stop();
  await t.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

async function waitForStatus(id: number, wanted: string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await t.db.select().from(models).where(eq(models.id, id));
    if (row && wanted.includes(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`model ${id} still ${row?.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function waitForJob(boss: PgBoss, id: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await boss.getJobById(QUEUES.prepareModel.name, id);
    if (job?.state === "completed") return;
    if (job?.state === "failed") throw new Error(`job failed: ${JSON.stringify(job.output)}`);
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job?.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("worker job loop (pg-boss on real PostgreSQL)", () => {
  it("takes a prepare job from the queue and compiles the model's graph into the cache", async () => {
    const model = await addModel(t.db, { source: path.join(FIXTURES_DIR, "stories260K.gguf"), name: "stories260K" });
    // Enqueued by another pg-boss instance, as the web app or `npm start` would.
    const producer = await startBoss(t.url, { supervise: false });
    const jobId = await enqueuePrepareModel(producer, model.id);
    expect(jobId).toBeTruthy();
    await waitForJob(producer, jobId!);
    await producer.stop({ graceful: false, wait: true });
    const [row] = await t.db.select().from(models).where(eq(models.id, model.id));
    if (!row) throw new Error("model row vanished");
    expect(row.statusReason).toBeNull();
    expect(row.status).toBe("ready");
    expect(readdirSync(cacheDir).some((f) => f.endsWith(".onnx"))).toBe(true);
  });

  it("marks a model whose weights are gone as failed with a reason, and keeps working", async () => {
    const [row] = await t.db.insert(models).values({ name: "vanished", source: "/nowhere/model.gguf", localPath: "/nowhere/model.gguf", status: "ready" }).returning();
    await enqueuePrepareModel(loop.boss, row!.id);
    const failed = await waitForStatus(row!.id, ["failed"]);
    expect(failed.statusReason).toMatch(/^Compiling failed: .*nowhere/);
  });
});
