/**
 * A worker SIGKILLed in the middle of an experiment run loses nothing: the job is handed out again
 * when it expires, another worker computes the run, and exactly one complete run is stored.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runs } from "../../db/schema";
import { startBoss } from "../../server/jobs/boss";
import { RUN_QUEUE, createRunQueue } from "../../server/jobs/experiment-runs";
import { type ExperimentRunWorkers, workExperimentRuns } from "../../workers/jobs/work-experiment-runs";
import { hasStoriesFixtures } from "../runtime/fixtures";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";
import { artifactsOf, createFixture, createRun, createVersion, norm, runRow, waitForRun, workerSpec } from "./run-experiment-fixtures";

const ROOT = path.resolve(import.meta.dirname, "../..");
const cacheDir = mkdtempSync(path.join(tmpdir(), "mechmap-run-crash-"));
let t: TestDatabase;
let producer: PgBoss;
let consumer: PgBoss | null = null;
let workers: ExperimentRunWorkers | null = null;
let child: ChildProcess | null = null;

beforeAll(async () => {
  t = await createTestDatabase();
  producer = await startBoss(t.url, { supervise: false });
  await createRunQueue(producer);
});
afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await workers?.stop();
  await consumer?.stop({ graceful: false, wait: true });
  await producer?.stop({ graceful: false, wait: true });
  await t?.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe.skipIf(!hasStoriesFixtures())("an experiment worker dies mid-run", () => {
  it("is handed out again and exactly one complete run is stored", async () => {
    const f = await createFixture(t.db);
    const versionId = await createVersion(t.db, f, workerSpec(f.datasetId, { methods: [{ method: "diffmean" }, { method: "logistic" }, { method: "dimensionality", components: 2 }] }));
    const runId = await createRun(t.db, f, versionId);
    // Short expiry so the dead worker's job is noticed within seconds (long enough for a healthy run).
    const jobId = await producer.send(RUN_QUEUE.name, { runId }, { expireInSeconds: 20, retryDelay: 1, retryBackoff: false });
    expect(jobId).toBeTruthy();

    let output = "";
    // node itself (tsx as a loader, not the tsx CLI wrapper), so the pid killed is the worker's own.
    const proc = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "processes", "run-experiment-and-hang.ts")], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: t.url, MECHMAP_CACHE_DIR: cacheDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    proc.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    proc.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.once("exit", (_code, signal) => resolve(signal)));

    // Kill it once its progress shows it is running (polled from the row).
    const deadline = Date.now() + 90_000;
    let row = await runRow(t.db, runId);
    while (!(row.status === "running" && row.examplesDone > 0)) {
      if (proc.exitCode !== null) throw new Error(`the worker exited early: ${output}`);
      if (Date.now() > deadline) throw new Error(`the worker never got going: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
      row = await runRow(t.db, runId);
    }
    expect(row.worker).toBe(`${hostname()}:${proc.pid}`);
    expect(row.percent).toBeLessThan(100);
    proc.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect((await producer.getJobById(RUN_QUEUE.name, jobId!))?.state).toBe("active");
    expect((await runRow(t.db, runId)).status).toBe("running");

    // A healthy worker, with frequent maintenance so the expired job is handed out again.
    consumer = await startBoss(t.url, { maintenanceIntervalSeconds: 1 });
    workers = await workExperimentRuns(consumer, t.db, {
      settings: { concurrency: 1, memoryBytes: 2 ** 28, runTimeLimitMs: 10 * 60_000, pollingIntervalSeconds: 1 },
      cacheDir,
      log: () => {},
    });
    const done = await waitForRun(t.db, runId, ["done", "failed", "cancelled"], 120_000);
    expect(done.error).toBeNull();
    expect(done.status).toBe("done");
    expect(done.worker).toBe(`${hostname()}:${process.pid}`);
    expect((done.facts as { attempt: number }).attempt).toBe(2);
    let job = await producer.getJobById(RUN_QUEUE.name, jobId!);
    for (let i = 0; job?.state !== "completed" && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = await producer.getJobById(RUN_QUEUE.name, jobId!);
    }
    expect(job?.state).toBe("completed");

    // Exactly one run for the version, with one set of artifacts.
    expect(await t.db.select({ id: runs.id, status: runs.status }).from(runs).where(eq(runs.versionId, versionId))).toEqual([{ id: runId, status: "done" }]);
    const arts = await artifactsOf(t.db, runId);
    const count = (name: string) => arts.filter((a) => a.name === name).length;
    expect(count("diffmean.direction")).toBe(5);
    expect(count("logistic.direction")).toBe(5);
    expect(count("diffmean.scores")).toBe(5);
    expect(count("dimensionality.components")).toBe(5);
    expect(arts.length).toBe(5 * 4 + count("dimensionality.inlpDirections"));
    for (const a of arts.filter((x) => x.name.endsWith(".direction"))) expect(norm(a.values)).toBeCloseTo(1, 4);
  }, 180_000);
});
