import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { models } from "../../db/schema";
import { startBoss } from "../../server/jobs/boss";
import { enqueuePrepareModel } from "../../server/jobs/enqueue";
import { QUEUES } from "../../server/jobs/queues";
import { startJobLoop, type JobLoop } from "../../workers/job-loop";
import { addModel } from "../../workers/models/registry";
import { FIXTURES_DIR } from "../runtime/fixtures";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";

const ROOT = path.resolve(import.meta.dirname, "../..");
let t: TestDatabase;
let producer: PgBoss;
let loop: JobLoop | null = null;
const cacheDir = mkdtempSync(path.join(tmpdir(), "mechmap-crash-"));

beforeAll(async () => {
  t = await createTestDatabase();
  producer = await startBoss(t.url, { supervise: false });
});
afterAll(async () => {
  await loop?.stop();
  await producer.stop({ graceful: false, wait: true });
  await t.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

/** Runs the hanging worker until it has taken a job, then kills it with SIGKILL (no cleanup of any kind). */
function takeJobAndDie(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(import.meta.dirname, "processes", "take-job-and-hang.ts")], {
      env: { ...process.env, DATABASE_URL: t.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      const id = /took (\S+)/.exec(d.toString())?.[1];
      if (id) {
        child.kill("SIGKILL");
        child.once("exit", () => resolve(id));
      }
    });
    child.once("exit", (code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`the hanging worker exited early (${code}): ${stderr}`));
    });
  });
}

describe("a worker dies mid-job", () => {
  it("leaves the job to be handed out again, and another worker finishes it", async () => {
    const model = await addModel(t.db, { source: path.join(FIXTURES_DIR, "stories260K.gguf"), name: "stories260K" });
    await t.db.update(models).set({ status: "registered" }).where(eq(models.id, model.id));
    const jobId = await enqueuePrepareModel(producer, model.id, { expireInSeconds: 2 });
    expect(jobId).toBeTruthy();

    expect(await takeJobAndDie()).toBe(jobId);
    expect((await producer.getJobById(QUEUES.prepareModel.name, jobId!))?.state).toBe("active");

    // A healthy worker, with frequent maintenance so the expired job is noticed within seconds.
    loop = await startJobLoop(t.url, { cacheDir, log: () => {}, maintenanceIntervalSeconds: 1 });
    const deadline = Date.now() + 60_000;
    let state: string | undefined;
    while (Date.now() < deadline) {
      state = (await producer.getJobById(QUEUES.prepareModel.name, jobId!))?.state;
      if (state === "completed") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(state).toBe("completed");
    const [row] = await t.db.select().from(models).where(eq(models.id, model.id));
    expect(row?.status).toBe("ready");
  }, 90_000);
});
