/**
 * The experiment-run worker on real PostgreSQL, real pg-boss and the real stories260K model: runs
 * are queued by a separate pg-boss (as the web app does) and taken by workExperimentRuns.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasets, runs } from "../../db/schema";
import { startBoss } from "../../server/jobs/boss";
import { RUN_QUEUE, createRunQueue, enqueueRun } from "../../server/jobs/experiment-runs";
import { PROBE_ENGINE_VERSION } from "../../server/probes/engine-version";
import { type RunJob, runExperiment } from "../../workers/jobs/run-experiment";
import { reconcileOrphanedRuns } from "../../workers/jobs/run-experiment/reconcile";
import { type ExperimentRunWorkers, workExperimentRuns } from "../../workers/jobs/work-experiment-runs";
import type { ProbeProgress } from "../../workers/probes/progress";
import { STORIES_SHA256, hasStoriesFixtures } from "../runtime/fixtures";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";
import { sentimentPairs } from "../probes/real-spec";
import { type Fixture, artifactsOf, createFixture, createRun, createVersion, norm, runRow, waitForRun, workerSpec } from "./run-experiment-fixtures";

let t: TestDatabase;
let f: Fixture;
let producer: PgBoss;
let consumer: PgBoss;
let workers: ExperimentRunWorkers;
const cacheDir = mkdtempSync(path.join(tmpdir(), "mechmap-runs-"));
const logLines: string[] = [];
/** Per-run behaviour of the test seams. */
const onProgress = new Map<number, (p: ProbeProgress) => Promise<void>>();
const beforeSave = new Map<number, (job: RunJob) => Promise<void>>();
const outcomes: Array<{ runId: number; outcome: string }> = [];

const settings = { concurrency: 1, memoryBytes: 256 * 2 ** 20, runTimeLimitMs: 5 * 60_000, pollingIntervalSeconds: 1 };

beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.db);
  producer = await startBoss(t.url, { supervise: false });
  await createRunQueue(producer);
  consumer = await startBoss(t.url, { supervise: false });
  workers = await workExperimentRuns(consumer, t.db, {
    settings,
    cacheDir,
    log: (line) => logLines.push(line),
    progressIntervalMs: 0,
    hooks: {
      afterProgress: async (runId, p) => onProgress.get(runId)?.(p),
      beforeSave: async (runId, job) => beforeSave.get(runId)?.(job),
    },
    onOutcome: (runId, outcome) => outcomes.push({ runId, outcome }),
  });
});
afterAll(async () => {
  await workers?.stop();
  await consumer?.stop({ graceful: false, wait: true });
  await producer?.stop({ graceful: false, wait: true });
  await t?.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

/** Queues a run with a fast retry (the queue's own delay is 10 s and grows). */
function send(runId: number, options: PgBoss.SendOptions = {}): Promise<string | null> {
  return producer.send(RUN_QUEUE.name, { runId }, { retryDelay: 1, retryBackoff: false, ...options });
}

async function waitForJob(id: string, states: string[], timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await producer.getJobById(RUN_QUEUE.name, id);
    if (job && states.includes(job.state)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job?.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!hasStoriesFixtures())("experiment-run worker", () => {
  let doneRunId = 0;

  it("computes a queued run: metrics, facts, float32 artifacts, live progress, worker log", async () => {
    const versionId = await createVersion(t.db, f, workerSpec(f.datasetId));
    const runId = await createRun(t.db, f, versionId);
    const seen: Array<{ status: string; stage: string | null; percent: number; examplesDone: number; examplesTotal: number | null; currentLayer: number | null }> = [];
    onProgress.set(runId, async () => {
      const row = await runRow(t.db, runId);
      seen.push({ status: row.status, stage: row.stage, percent: row.percent, examplesDone: row.examplesDone, examplesTotal: row.examplesTotal, currentLayer: row.currentLayer });
    });
    const jobId = await enqueueRun(producer, runId);
    expect(jobId).toBeTruthy();
    const row = await waitForRun(t.db, runId, ["done", "failed", "cancelled"]);
    expect(row.error).toBeNull();
    expect(row.status).toBe("done");
    doneRunId = runId;

    // Metrics exactly as the engine returns them, with their hash.
    const metrics = row.metrics as { engine: string; methods: Array<{ method: string; perLayer: Array<{ layer: number; accuracy?: number }> }>; data: { examples: number } };
    expect(metrics.engine).toBe("mechmap-probes");
    expect(metrics.methods.map((m) => m.method)).toEqual(["diffmean", "logistic", "dimensionality", "consistency", "anchors", "neuronMap"]);
    const examples = 2 * sentimentPairs().length;
    expect(metrics.data.examples).toBe(examples);
    expect(Math.max(...metrics.methods[0]!.perLayer.map((r) => r.accuracy!))).toBeGreaterThan(0.75);
    expect(row.metricsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(row.worker).toBe(`${hostname()}:${process.pid}`);
    expect(row.jobId).toBe(jobId);
    expect(row.startedAt).not.toBeNull();
    expect(row.finishedAt!.getTime()).toBeGreaterThanOrEqual(row.startedAt!.getTime());
    expect(row).toMatchObject({ percent: 100, examplesDone: examples, examplesTotal: examples, stage: "done" });

    const facts = row.facts as Record<string, unknown>;
    expect(facts).toMatchObject({ engineVersion: PROBE_ENGINE_VERSION, seed: 7, worker: row.worker, jobId, attempt: 1, model: { name: "stories260K", sha256: STORIES_SHA256, nLayers: 5, dModel: 64 } });
    expect(facts.onnxruntimeVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(facts.compilerVersion).toMatch(/^mechmap-onnx/);
    expect(typeof facts.durationMs).toBe("number");
    const details = facts.artifactDetails as Array<unknown>;
    expect(details).toHaveLength(6);
    expect((details[5] as { neurons: Array<{ index: number; top: unknown[] }> }).neurons[0]!.top.length).toBeGreaterThan(0);

    // Artifacts: unit directions of length d_model = 64, as float32 bytes with their shape.
    const arts = await artifactsOf(t.db, runId);
    const byName = (name: string) => arts.filter((a) => a.name === name).sort((a, b) => (a.layer ?? 0) - (b.layer ?? 0));
    for (const name of ["diffmean.direction", "logistic.direction"]) {
      const dirs = byName(name);
      expect(dirs.map((d) => d.layer)).toEqual([0, 1, 2, 3, 4]);
      for (const d of dirs) {
        expect(d.shape).toEqual([64]);
        expect(d.data.byteLength).toBe(64 * 4);
        expect(norm(d.values)).toBeCloseTo(1, 4);
      }
    }
    const components = byName("dimensionality.components");
    expect(components).toHaveLength(5);
    for (const c of components) {
      expect(c.shape).toEqual([3, 64]);
      for (let k = 0; k < 3; k++) expect(norm(c.values.subarray(k * 64, (k + 1) * 64))).toBeCloseTo(1, 4);
    }
    const inlp = byName("dimensionality.inlpDirections");
    expect(inlp.length).toBeGreaterThan(0);
    for (const c of inlp) expect(c.shape[1]).toBe(64);
    const cos = byName("consistency.cosines");
    expect(cos).toHaveLength(1);
    expect(cos[0]!.shape).toEqual([5, 5]);
    expect(cos[0]!.values[0]).toBeCloseTo(1, 5);
    const embedding = byName("neuronMap.embedding");
    expect(embedding).toHaveLength(1);
    expect(embedding[0]).toMatchObject({ layer: 2, hook: "blocks.2.mlp.hook_post", shape: [172, 2] });

    // Progress rows were written while it ran: stages, layers, partial and growing percent.
    const running = seen.filter((s) => s.status === "running");
    expect(running.length).toBeGreaterThan(5);
    expect(running.some((s) => s.stage === "reading" && s.percent > 0 && s.percent < 100 && s.currentLayer !== null && s.examplesDone > 0)).toBe(true);
    expect(new Set(running.map((s) => s.stage))).toEqual(new Set(["loading model", "reading", "computing", "anchors", "neuron map", "done"]));
    expect(running.filter((s) => s.stage === "computing").map((s) => s.currentLayer)).toEqual([0, 1, 2, 3, 4]);
    for (let i = 1; i < running.length; i++) expect(running[i]!.percent).toBeGreaterThanOrEqual(running[i - 1]!.percent);
    // And the worker log has a line per stage.
    expect(logLines.some((l) => new RegExp(`^run ${runId}: reading blocks\\.0\\.hook_resid_post.* \\(\\d+%\\)$`).test(l))).toBe(true);
    expect(logLines.some((l) => new RegExp(`^run ${runId}: computing diffmean, logistic, dimensionality, consistency at blocks\\.3\\.hook_resid_post \\(\\d+%\\)$`).test(l))).toBe(true);
    expect(logLines.some((l) => new RegExp(`^run ${runId}: done in \\d+ ms$`).test(l))).toBe(true);
  });

  it("is deterministic: a rerun of the same version gives byte-identical metrics", async () => {
    const first = await runRow(t.db, doneRunId);
    const rerun = await createRun(t.db, f, first.versionId, 1);
    await enqueueRun(producer, rerun);
    const row = await waitForRun(t.db, rerun, ["done", "failed", "cancelled"]);
    expect(row.status).toBe("done");
    expect(row.metricsSha256).toBe(first.metricsSha256);
    expect(row.metrics).toEqual(first.metrics);
  });

  it("never computes a finished run again when its job is delivered again", async () => {
    const before = await runRow(t.db, doneRunId);
    const artifactsBefore = (await artifactsOf(t.db, doneRunId)).map((a) => a.id);
    const jobId = await send(doneRunId);
    const job = await waitForJob(jobId!, ["completed", "failed"]);
    expect(job.state).toBe("completed");
    expect(outcomes).toContainEqual({ runId: doneRunId, outcome: "skipped" });
    const after = await runRow(t.db, doneRunId);
    expect(after.finishedAt).toEqual(before.finishedAt);
    expect(after.jobId).toBe(before.jobId);
    expect((await artifactsOf(t.db, doneRunId)).map((a) => a.id)).toEqual(artifactsBefore);
  });

  it("stores one complete run when two deliveries of a job compute it at the same time", async () => {
    const versionId = await createVersion(t.db, f, workerSpec(f.datasetId, { methods: [{ method: "diffmean" }] }));
    const runId = await createRun(t.db, f, versionId);
    const options = { workerId: "test:1", maxActivationBytes: 2 ** 26, runTimeLimitMs: 60_000, cacheDir };
    const job = { id: "dup", runId, retryCount: 0, retryLimit: 3 };
    const results = await Promise.all([runExperiment(t.db, job, options), runExperiment(t.db, job, { ...options, workerId: "test:2" })]);
    expect(results.sort()).toEqual(["done", "skipped"]);
    const arts = await artifactsOf(t.db, runId);
    // One set of artifacts (a direction and the examples' scores per layer), never two.
    for (const name of ["diffmean.direction", "diffmean.scores"]) {
      expect(arts.filter((a) => a.name === name).map((a) => a.layer).sort(), name).toEqual([0, 1, 2, 3, 4]);
    }
    expect(arts).toHaveLength(10);
    expect((await runRow(t.db, runId)).status).toBe("done");
  });

  it("skips a second job for a run that another live job is computing", async () => {
    const versionId = await createVersion(t.db, f, workerSpec(f.datasetId, { methods: [{ method: "diffmean" }] }));
    const runId = await createRun(t.db, f, versionId);
    const first = await producer.send(RUN_QUEUE.name, { runId }, { startAfter: new Date(Date.now() + 3_600_000) });
    await t.db.update(runs).set({ status: "running", jobId: first, worker: "elsewhere:1" }).where(eq(runs.id, runId));
    const second = await send(runId);
    expect((await waitForJob(second!, ["completed", "failed"])).state).toBe("completed");
    expect(outcomes).toContainEqual({ runId, outcome: "skipped" });
    expect(await runRow(t.db, runId)).toMatchObject({ status: "running", jobId: first, worker: "elsewhere:1" });
    expect(logLines).toContain(`run ${runId}: already being computed by job ${first}; skipped`);
    // Once that job is gone, a new job computes the run.
    await producer.cancel(RUN_QUEUE.name, first!);
    await send(runId);
    expect((await waitForRun(t.db, runId, ["done", "failed"])).status).toBe("done");
  });

  it("fails bad input at once with the reason, and does not retry", async () => {
    const cases: Array<{ spec: Record<string, unknown>; reason: RegExp }> = [
      { spec: workerSpec(f.datasetId, { readout: { layers: [1, 9] } }), reason: /layer 9 does not exist — the model has 5 blocks/ },
      { spec: { ...workerSpec(f.datasetId), version: 3 }, reason: /^the probe spec is invalid:\nversion: this engine reads version 1 and 2 specs/ },
      { spec: workerSpec(987654), reason: /^data set 987654 does not exist/ },
      { spec: workerSpec("not-a-number"), reason: /"not-a-number" is not the id of an uploaded data set/ },
    ];
    // A malformed upload (one class only) is refused by the engine's data set checks.
    const oneClass = { kind: "labelled", examples: Array.from({ length: 6 }, (_, i) => ({ text: `Tom ran ${i}.`, label: "happy" })) };
    const [bad] = await t.db.insert(datasets).values({ contentHash: "bad-one-class", name: "bad", kind: "labelled", format: "csv", bytes: 10, rows: 6, content: oneClass, preview: {} }).returning();
    cases.push({ spec: workerSpec(bad!.id, { methods: [{ method: "diffmean" }] }), reason: new RegExp(`data set "${bad!.id}" is malformed`) });
    for (const c of cases) {
      const runId = await createRun(t.db, f, await createVersion(t.db, f, c.spec));
      const jobId = await send(runId);
      const row = await waitForRun(t.db, runId, ["done", "failed", "cancelled"]);
      expect(row.status).toBe("failed");
      expect(row.error).toMatch(c.reason);
      const job = await waitForJob(jobId!, ["completed", "failed"]);
      expect(job.state).toBe("completed");
      expect(job.retryCount).toBe(0);
      expect(await artifactsOf(t.db, runId)).toEqual([]);
    }
  });

  it("fails a run whose model is gone or was replaced, with the reason", async () => {
    const versionId = await createVersion(t.db, f, workerSpec(f.datasetId, { methods: [{ method: "diffmean" }] }));
    const [replaced] = await t.db.insert(runs).values({ versionId, modelId: f.modelId, modelSha256: "0".repeat(64), engineVersion: PROBE_ENGINE_VERSION, runKey: "replaced" }).returning();
    const [orphan] = await t.db.insert(runs).values({ versionId, modelId: null, modelSha256: STORIES_SHA256, engineVersion: PROBE_ENGINE_VERSION, runKey: "orphan" }).returning();
    await send(replaced!.id);
    await send(orphan!.id);
    expect((await waitForRun(t.db, replaced!.id, ["failed", "done"])).error).toMatch(/^model "stories260K" was replaced since the run was queued/);
    expect((await waitForRun(t.db, orphan!.id, ["failed", "done"])).error).toMatch(/^the model was removed from the platform/);
  });

  it("retries a transient failure with backoff and then stores the run", async () => {
    const versionId = await createVersion(t.db, f, workerSpec(f.datasetId, { methods: [{ method: "diffmean" }, { method: "logistic" }] }));
    const runId = await createRun(t.db, f, versionId);
    const attempts: number[] = [];
    let queuedBetween: { status: string; error: string | null } | null = null;
    beforeSave.set(runId, async (job) => {
      attempts.push(job.retryCount);
      if (job.retryCount === 0) throw new Error("connection terminated unexpectedly");
      const row = await runRow(t.db, runId);
      queuedBetween ??= { status: row.status, error: row.error };
    });
    const jobId = await send(runId);
    const row = await waitForRun(t.db, runId, ["done", "failed", "cancelled"]);
    expect(row.status).toBe("done");
    expect(attempts).toEqual([0, 1]);
    expect(row.error).toBeNull();
    expect((row.facts as { attempt: number }).attempt).toBe(2);
    expect(logLines).toContain(`run ${runId}: attempt 1 failed, will retry: connection terminated unexpectedly`);
    const job = await waitForJob(jobId!, ["completed"]);
    expect(job.retryCount).toBe(1);
    expect((await artifactsOf(t.db, runId)).filter((a) => a.name === "diffmean.direction")).toHaveLength(5);
    // The second attempt claimed the row again: running, the first attempt's error cleared.
    expect(queuedBetween).toEqual({ status: "running", error: null });
  });

  it("fails the run with the reason when the retries are used up", async () => {
    const versionId = await createVersion(t.db, f, workerSpec(f.datasetId, { methods: [{ method: "diffmean" }] }));
    const runId = await createRun(t.db, f, versionId);
    beforeSave.set(runId, async () => {
      throw new Error("the database went away");
    });
    const jobId = await send(runId, { retryLimit: 1 });
    const job = await waitForJob(jobId!, ["failed"]);
    expect(job.retryCount).toBe(1);
    const row = await runRow(t.db, runId);
    expect(row.status).toBe("failed");
    expect(row.error).toBe("the database went away (gave up after 2 attempts)");
    expect(await artifactsOf(t.db, runId)).toEqual([]);
  });

  it("stops a running run at the next batch when it is cancelled", async () => {
    const versionId = await createVersion(t.db, f, workerSpec(f.datasetId));
    const runId = await createRun(t.db, f, versionId);
    let reportsAfterCancel = 0;
    let cancelled = false;
    onProgress.set(runId, async (p) => {
      if (cancelled) reportsAfterCancel++;
      // The author cancels once the worker is reading (what the API's cancel does to a running run).
      if (!cancelled && p.stage === "reading" && p.examplesDone > 0) {
        cancelled = true;
        await t.db.update(runs).set({ cancelRequested: true }).where(eq(runs.id, runId));
      }
    });
    const jobId = await send(runId);
    const row = await waitForRun(t.db, runId, ["done", "failed", "cancelled"]);
    expect(row.status).toBe("cancelled");
    expect(row.metrics).toBeNull();
    expect(row.percent).toBeLessThan(100);
    expect(reportsAfterCancel).toBeLessThanOrEqual(1);
    expect(await artifactsOf(t.db, runId)).toEqual([]);
    expect((await waitForJob(jobId!, ["completed", "failed"])).state).toBe("completed");
    expect(logLines).toContain(`run ${runId}: cancelled`);
  });

  it("cancels a queued run whose cancel was requested before a worker took it, without computing", async () => {
    const versionId = await createVersion(t.db, f, workerSpec(f.datasetId));
    const runId = await createRun(t.db, f, versionId);
    await t.db.update(runs).set({ cancelRequested: true }).where(eq(runs.id, runId));
    await send(runId);
    const row = await waitForRun(t.db, runId, ["done", "failed", "cancelled"]);
    expect(row.status).toBe("cancelled");
    expect(row.startedAt).toBeNull();
  });

  it("fails a run that exceeds the time limit", async () => {
    const versionId = await createVersion(t.db, f, workerSpec(f.datasetId));
    const runId = await createRun(t.db, f, versionId);
    const outcome = await runExperiment(
      t.db,
      { id: "slow", runId, retryCount: 0, retryLimit: 3 },
      {
        workerId: "test:slow",
        maxActivationBytes: 2 ** 26,
        runTimeLimitMs: 1,
        cacheDir,
        progressIntervalMs: 0,
        // Each batch takes longer than the limit: the limit's timer has fired by the next check.
        hooks: { afterProgress: () => new Promise((r) => setTimeout(r, 20)) },
      },
    );
    expect(outcome).toBe("failed");
    const row = await runRow(t.db, runId);
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/^took longer than 1 ms \(the per-run time limit\)/);
  });

  it("fails a run left running when its job has ended for good (a worker killed on the last attempt)", async () => {
    const versionId = await createVersion(t.db, f, workerSpec(f.datasetId));
    const later = new Date(Date.now() + 3_600_000); // never taken by the test's worker
    const make = async (options: PgBoss.SendOptions) => {
      const runId = await createRun(t.db, f, versionId, 100 + (await t.db.select().from(runs)).length);
      const jobId = await producer.send(RUN_QUEUE.name, { runId }, { startAfter: later, retryLimit: 0, ...options });
      await t.db.update(runs).set({ status: "running", jobId, worker: "gone:1" }).where(eq(runs.id, runId));
      return { runId, jobId: jobId! };
    };
    const waiting = await make({});
    const failed = await make({});
    const cancelled = await make({});
    await producer.fail(RUN_QUEUE.name, failed.jobId, { message: "expired" });
    await producer.cancel(RUN_QUEUE.name, cancelled.jobId);
    expect((await producer.getJobById(RUN_QUEUE.name, failed.jobId))?.state).toBe("failed");

    const swept = await reconcileOrphanedRuns(producer, t.db);
    expect(swept.sort()).toEqual([failed.runId, cancelled.runId].sort());
    expect(await runRow(t.db, waiting.runId)).toMatchObject({ status: "running", error: null });
    expect(await runRow(t.db, failed.runId)).toMatchObject({ status: "failed", error: expect.stringMatching(/stopped responding and its retries are used up/) });
    expect(await runRow(t.db, cancelled.runId)).toMatchObject({ status: "failed", error: "the run's job was cancelled in the queue" });
    // Finished runs are never touched.
    const before = await runRow(t.db, doneRunId);
    expect(await reconcileOrphanedRuns(producer, t.db)).toEqual([]);
    expect(await runRow(t.db, doneRunId)).toEqual(before);
    await producer.cancel(RUN_QUEUE.name, waiting.jobId);
  });
});
