/**
 * Experiment-run worker benchmark (not a test), on the real stories260K model and real pg-boss:
 *   1. publish → result: one worker process, the five demo-style experiments queued one at a time;
 *      the time from the job being queued to the run's row showing `running` and then `done`
 *      (the first from a cold graph cache and a fresh process).
 *   2. throughput: N runs of the sentiment-direction experiment (diffmean + logistic with control
 *      task, 240 examples × 5 layers) on one queue, taken by 1 and then 2 worker processes;
 *      jobs per minute and examples per second (median of three rounds), and the mean time a run
 *      spends in the worker (the rest is queue and database overhead).
 * Writes bench/results/worker.json.
 *
 *   npm run bench -- worker            (WORKER_BENCH_JOBS sets N per round, default 30; three rounds, median)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inArray } from "drizzle-orm";
import { connect, type Database } from "../db/client";
import { dropDatabase, ensureDatabase } from "../db/create-database";
import { withDatabase } from "../db/database-url";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
import { PROJECT_ROOT } from "../db/local-database";
import { runMigrations } from "../db/migrate";
import { datasets, experimentVersions, experiments, models, runs, users } from "../db/schema";
import { startBoss } from "../server/jobs/boss";
import { createRunQueue, enqueueRun } from "../server/jobs/experiment-runs";
import { PROBE_ENGINE_VERSION } from "../server/probes/engine-version";
import { sha256File } from "../workers/runtime/formats/sha256";

const FIXTURE = path.resolve(process.env.MECHMAP_FIXTURES_DIR ?? path.join(PROJECT_ROOT, "..", "shared", "fixtures"), "stories260K.gguf");
const PAIRS = path.join(PROJECT_ROOT, "test", "probes", "data", "sentiment-pairs.json");
const JOBS = Number(process.env.WORKER_BENCH_JOBS ?? 30);

const anchors = {
  method: "anchors",
  first: { name: "good", prompts: ["The sun was warm and the flowers were pretty.", "Lily ate a sweet candy and smiled.", "Mom gave Tom a big warm hug.", "They played in the sunshine all day."] },
  second: { name: "bad", prompts: ["The monster was scary and the night was dark.", "Tom was afraid of the big scary wolf.", "The dark room was cold and scary.", "Sue saw a monster under her bed."] },
  queries: ["sunshine", "candy", "hug", "scared", "dark", "monster", "friend", "storm"].map((w) => ({ text: `Lily thought about the ${w}.`, label: w })),
};
const completions = { target: " happy", opposite: " sad" };
const DEMO_SPECS: Array<{ name: string; methods: unknown[] }> = [
  { name: "sentiment direction", methods: [{ method: "diffmean" }, { method: "logistic", l2: 0.01 }] },
  { name: "one direction or a subspace", methods: [{ method: "dimensionality", inlp: { maxDirections: 12 } }] },
  { name: "depth consistency", methods: [{ method: "consistency" }] },
  { name: "concept anchors", methods: [anchors] },
  { name: "steering and ablation", methods: [{ method: "steering", alphas: [-1, -0.5, 0.5, 1], prompts: ["Lily was very", "Tom felt", "The dog was", "Mom was"], completions }, { method: "ablation", completions, maxPrompts: 40 }] },
];

interface Setup {
  userId: string;
  modelId: number;
  sha256: string;
  datasetId: number;
}

async function setUp(db: Database): Promise<Setup> {
  const [user] = await db.insert(users).values({ email: "bench@mechmap.dev", name: "Bench" }).returning();
  const sha256 = await sha256File(FIXTURE);
  const [model] = await db.insert(models).values({ name: "stories260K", source: FIXTURE, localPath: FIXTURE, sha256, status: "ready", layers: 5, dModel: 64 }).returning();
  const content = JSON.parse(readFileSync(PAIRS, "utf8")) as { pairs: unknown[] };
  const [dataset] = await db
    .insert(datasets)
    .values({ contentHash: "bench", name: "sentiment pairs", kind: "pairs", format: "json", bytes: 0, rows: content.pairs.length, content: { kind: "pairs", pairs: content.pairs }, preview: {} })
    .returning();
  return { userId: user!.id, modelId: model!.id, sha256, datasetId: dataset!.id };
}

async function createVersion(db: Database, s: Setup, name: string, methods: unknown[]): Promise<number> {
  const [experiment] = await db.insert(experiments).values({ ownerId: s.userId, state: "published", publishedAt: new Date() }).returning();
  const spec = { version: 1, name, data: { kind: "dataset", datasetId: String(s.datasetId) }, methods, split: { kind: "kfold", k: 5 }, seed: 1 };
  const [version] = await db.insert(experimentVersions).values({ experimentId: experiment!.id, version: 1, authorId: s.userId, title: name, spec, datasetId: s.datasetId, publishedAt: new Date() }).returning();
  return version!.id;
}

let runCounter = 0;
async function createRun(db: Database, s: Setup, versionId: number): Promise<number> {
  const [run] = await db.insert(runs).values({ versionId, modelId: s.modelId, modelSha256: s.sha256, engineVersion: PROBE_ENGINE_VERSION, runKey: `bench-${versionId}`, attempt: runCounter++ }).returning();
  return run!.id;
}

async function waitFor(db: Database, ids: number[], statuses: string[], timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await db.select({ status: runs.status, error: runs.error }).from(runs).where(inArray(runs.id, ids));
    const failed = rows.find((r) => r.status === "failed" || r.status === "cancelled");
    if (failed) throw new Error(`a bench run ended ${failed.status}: ${failed.error}`);
    if (rows.every((r) => statuses.includes(r.status))) return;
    if (Date.now() > deadline) throw new Error("bench runs did not finish in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

function startWorker(url: string, cacheDir: string, extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "bench", "worker-process.ts")], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: url, MECHMAP_CACHE_DIR: cacheDir, MECHMAP_WORKER_CONCURRENCY: "1", ...extraEnv },
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`bench worker exited (${code})`)));
  });
}

function stopWorker(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

export async function runWorkerBench(): Promise<void> {
  const server = process.env.DATABASE_URL
    ? { url: withDatabase(process.env.DATABASE_URL, "postgres"), stop: async () => {} }
    : await startEmbeddedPostgres({ dataDir: path.join(PROJECT_ROOT, ".data", "bench-postgres"), port: 54349, quiet: true });
  const url = withDatabase(server.url, `mechmap_bench_worker_${Date.now()}`);
  await ensureDatabase(url);
  await runMigrations(url);
  const { db, close } = connect(url, { max: 4 });
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), "mechmap-bench-graphs-"));
  const producer = await startBoss(url, { supervise: false });
  await createRunQueue(producer);
  const children: ChildProcess[] = [];
  try {
    const s = await setUp(db);

    // 1. Publish → running → done, one experiment at a time, from a fresh process and graph cache.
    children.push(await startWorker(url, cacheDir));
    const latency: Array<{ experiment: string; toRunningMs: number; toDoneMs: number }> = [];
    for (const demo of DEMO_SPECS) {
      // Publish at a random moment of the idle worker's polling cycle, as a user would.
      await new Promise((r) => setTimeout(r, 1000 + Math.random() * 500));
      const runId = await createRun(db, s, await createVersion(db, s, demo.name, demo.methods));
      const t0 = performance.now();
      await enqueueRun(producer, runId);
      await waitFor(db, [runId], ["running", "done"]);
      const running = performance.now() - t0;
      await waitFor(db, [runId], ["done"]);
      latency.push({ experiment: demo.name, toRunningMs: Math.round(running), toDoneMs: Math.round(performance.now() - t0) });
      console.log(`publish → result: ${demo.name}: running after ${Math.round(running)} ms, done after ${Math.round(performance.now() - t0)} ms`);
    }

    // 2. Throughput with 1 and 2 worker processes on one queue.
    const sentiment = await createVersion(db, s, "sentiment direction (throughput)", DEMO_SPECS[0]!.methods);
    const examples = 2 * (JSON.parse(readFileSync(PAIRS, "utf8")) as { pairs: unknown[] }).pairs.length;
    const throughput: Array<{ processes: number; ortThreads: string; jobs: number; seconds: number; jobsPerMinute: number; examplesPerSecond: number; meanRunMs: number; roundsSeconds: number[] }> = [];
    const configs = [
      { processes: 1, ortThreads: "" },
      { processes: 2, ortThreads: "" },
      { processes: 2, ortThreads: "1" },
    ];
    for (const { processes, ortThreads } of configs) {
      while (children.length > 0) await stopWorker(children.pop()!);
      for (let i = 0; i < processes; i++) children.push(await startWorker(url, cacheDir, ortThreads ? { MECHMAP_ORT_THREADS: ortThreads } : {}));
      // Warm every process's model and sessions first, so both settings measure steady state.
      const warm = [];
      for (let i = 0; i < processes * 2; i++) warm.push(await createRun(db, s, sentiment));
      for (const id of warm) await enqueueRun(producer, id);
      await waitFor(db, warm, ["done"]);
      // Median of three rounds: the machine may be shared, and one round can be unlucky.
      const rounds: Array<{ seconds: number; runMs: number }> = [];
      for (let round = 0; round < 3; round++) {
        const ids = [];
        for (let i = 0; i < JOBS; i++) ids.push(await createRun(db, s, sentiment));
        const t0 = performance.now();
        for (const id of ids) await enqueueRun(producer, id);
        await waitFor(db, ids, ["done"]);
        const seconds = (performance.now() - t0) / 1000;
        const durations = await db.select({ ms: runs.durationMs }).from(runs).where(inArray(runs.id, ids));
        rounds.push({ seconds, runMs: durations.reduce((a, r) => a + (r.ms ?? 0), 0) / durations.length });
      }
      rounds.sort((a, b) => a.seconds - b.seconds);
      const { seconds, runMs } = rounds[1]!;
      const row = { processes, ortThreads: ortThreads || `default (${Math.min(4, os.cpus().length)})`, jobs: JOBS, seconds: Number(seconds.toFixed(2)), jobsPerMinute: Number(((JOBS / seconds) * 60).toFixed(1)), examplesPerSecond: Math.round((JOBS * examples) / seconds), meanRunMs: Math.round(runMs), roundsSeconds: rounds.map((r) => Number(r.seconds.toFixed(2))) };
      throughput.push(row);
      console.log(`${processes} worker process${processes > 1 ? "es" : ""} (onnxruntime threads ${row.ortThreads}): ${JOBS} runs in ${row.seconds} s — ${row.jobsPerMinute} runs/min, ${row.examplesPerSecond} examples/s (median of rounds ${row.roundsSeconds.join(", ")} s; ${row.meanRunMs} ms in the worker per run)`);
    }
    const report = {
      date: new Date().toISOString(),
      cpus: os.cpus().length,
      model: "stories260K",
      examplesPerRun: examples,
      latency,
      throughput,
      scaling: Number((throughput[1]!.jobsPerMinute / throughput[0]!.jobsPerMinute).toFixed(2)),
    };
    console.table(latency);
    console.table(throughput);
    mkdirSync(path.join(PROJECT_ROOT, "bench", "results"), { recursive: true });
    writeFileSync(path.join(PROJECT_ROOT, "bench", "results", "worker.json"), JSON.stringify(report, null, 2));
  } finally {
    for (const child of children) await stopWorker(child);
    await producer.stop({ graceful: false, wait: true });
    await close();
    await dropDatabase(url);
    await server.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
