/**
 * One experiment run: load the run, its version's spec (and uploaded data set) and the model (from
 * the process's model cache), read activations in batches, run the probe engine, then store metrics,
 * facts and float32 artifacts with status `done` in one transaction that first locks the row and
 * re-checks it is not already finished — a job delivered twice stores exactly one complete run.
 *
 * Outcomes: bad input fails the run at once (the job completes, no retry); cancellation and the
 * time limit stop at the next batch; any other error is thrown so pg-boss retries it with backoff,
 * and the last attempt's error fails the run.
 */
import { createHash } from "node:crypto";
import { and, eq, notInArray } from "drizzle-orm";
import type { Database } from "~/db/client";
import { datasets, experimentVersions, models, runArtifacts, runs } from "~/db/schema";
import { PROBE_ENGINE_VERSION } from "~/server/probes/engine-version";
import { parseProbeSpec } from "~/server/probes/spec";
import { runSummaryColumns } from "~/server/services/runs/verdict-columns";
import { HostedActivationSource } from "../probes/hosted-activation-source";
import type { ProbeProgress } from "../probes/progress";
import { type ProbeRun, runProbe } from "../probes/run-probe";
import { toStableJson } from "../probes/serialize";
import { collectArtifacts } from "./run-experiment/artifacts";
import { RunCancelledError, RunInputError, errorMessage, isPermanent } from "./run-experiment/errors";
import { jobAbort } from "./run-experiment/job-abort";
import { runtimeVersions } from "./run-experiment/facts";
import { loadRunModel } from "./run-experiment/model-cache";
import { ProgressWriter } from "./run-experiment/progress-writer";
import { runDirectionResolver } from "./run-experiment/resolve-direction";

export type RunOutcome = "done" | "failed" | "cancelled" | "skipped";

export interface RunJob {
  id: string;
  runId: number;
  /** pg-boss's retry count of this delivery (0 the first time) and the queue's limit. */
  retryCount: number;
  retryLimit: number;
}

/** Test seams: the tests use them to fail an attempt, or to hold a run mid-way. */
export interface RunExperimentHooks {
  /** After each progress row is written. */
  afterProgress?: (runId: number, p: ProbeProgress) => Promise<void>;
  /** After the probe ran, before the result is stored. */
  beforeSave?: (runId: number, job: RunJob) => Promise<void>;
}

export interface RunExperimentOptions {
  /** hostname:pid. */
  workerId: string;
  /** Activation bytes this run may hold at once. */
  maxActivationBytes: number;
  runTimeLimitMs: number;
  /** Graph cache directory (default: the runtime's). */
  cacheDir?: string;
  log?: (line: string) => void;
  /** Aborted when the worker shuts down: the run stops at the next batch and the job is retried. */
  signal?: AbortSignal;
  /** Least time between progress writes (default 500 ms). */
  progressIntervalMs?: number;
  /** Prompts per forward batch (default 32). */
  batchSize?: number;
  hooks?: RunExperimentHooks;
  /** Whether a job is still queued or active (pg-boss), to skip duplicate jobs of a run in progress. */
  isJobLive?: (jobId: string) => Promise<boolean>;
}

const FINISHED = ["done", "cancelled"] as const;

export async function runExperiment(db: Database, job: RunJob, options: RunExperimentOptions): Promise<RunOutcome> {
  const log = options.log ?? (() => {});
  const { runId } = job;
  const [run] = await db.select().from(runs).where(eq(runs.id, runId));
  if (!run) {
    log(`run ${runId}: no such run (deleted since it was queued); skipped`);
    return "skipped";
  }
  if (run.status === "done" || run.status === "cancelled") {
    log(`run ${runId}: already ${run.status}; skipped`);
    return "skipped";
  }
  if (run.cancelRequested) return markCancelled(db, runId, log);
  if (run.status === "running" && run.jobId && run.jobId !== job.id && (await options.isJobLive?.(run.jobId))) {
    // A second job for the run while another job computes it: let that one finish. (Its own
    // redelivery after a crash has the same job id, so it is never skipped here.)
    log(`run ${runId}: already being computed by job ${run.jobId}; skipped`);
    return "skipped";
  }

  const started = Date.now();
  const [claimed] = await db
    .update(runs)
    .set({
      status: "running",
      worker: options.workerId,
      jobId: job.id,
      startedAt: new Date(started),
      finishedAt: null,
      error: null,
      stage: "starting",
      percent: 0,
      examplesDone: 0,
      currentLayer: null,
    })
    .where(and(eq(runs.id, runId), notInArray(runs.status, [...FINISHED])))
    .returning({ id: runs.id });
  if (!claimed) return "skipped";

  const abort = jobAbort(options.signal, options.runTimeLimitMs);
  const progress = new ProgressWriter(db, runId, {
    intervalMs: options.progressIntervalMs ?? 500,
    log,
    onCancelRequested: () => abort.stop(new RunCancelledError()),
    afterWrite: options.hooks?.afterProgress ? (p) => options.hooks!.afterProgress!(runId, p) : undefined,
  });

  try {
    if (run.engineVersion !== PROBE_ENGINE_VERSION) {
      // Another worker version may hold the right engine: let the queue retry elsewhere.
      throw new Error(`this worker runs ${PROBE_ENGINE_VERSION}, the run was queued for ${run.engineVersion}`);
    }
    const [version] = await db.select({ spec: experimentVersions.spec }).from(experimentVersions).where(eq(experimentVersions.id, run.versionId));
    if (!version) throw new RunInputError("the experiment version no longer exists");
    const parsed = parseProbeSpec(version.spec);
    if (!parsed.ok) throw new RunInputError(`the probe spec is invalid:\n${parsed.errors.join("\n")}`);
    const spec = parsed.spec;

    await progress.stage("loading model");
    const model = await loadModelRow(db, run.modelId, run.modelSha256, options.cacheDir);
    abort.signal.throwIfAborted();

    const source = new HostedActivationSource(model, { batchSize: options.batchSize ?? 32 });
    const result = await runProbe(spec, {
      source,
      resolveDataset: (id) => readDataset(db, id),
      maxActivationBytes: options.maxActivationBytes,
      batchSize: options.batchSize ?? 32,
      onProgress: (p) => progress.report(p),
      signal: abort.signal,
      // The causal methods (spec version 2) run on the hosted model itself.
      model,
      resolveDirection: runDirectionResolver(db, runId),
    });
    await options.hooks?.beforeSave?.(runId, job);
    const outcome = await saveRun(db, job, result, {
      workerId: options.workerId,
      durationMs: Date.now() - started,
      model: { name: model.name, sha256: model.weights.sha256 },
      batchSize: options.batchSize ?? 32,
      maxActivationBytes: options.maxActivationBytes,
    });
    log(`run ${runId}: ${outcome === "done" ? `done in ${Date.now() - started} ms` : `${outcome} (finished elsewhere); result discarded`}`);
    return outcome;
  } catch (error) {
    if (error instanceof RunCancelledError) return markCancelled(db, runId, log);
    if (isPermanent(error)) return markFailed(db, runId, errorMessage(error), started, log);
    const attempts = job.retryCount + 1;
    if (job.retryCount >= job.retryLimit) {
      await markFailed(db, runId, `${errorMessage(error)} (gave up after ${attempts} attempt${attempts === 1 ? "" : "s"})`, started, log);
    } else {
      // Back in the queue until pg-boss hands the job out again.
      await db
        .update(runs)
        .set({ status: "queued", stage: null, error: `attempt ${attempts} failed: ${errorMessage(error)} — retrying` })
        .where(and(eq(runs.id, runId), eq(runs.status, "running")))
        .catch(() => {}); // the database may be what failed; the retry sets the row right
      log(`run ${runId}: attempt ${attempts} failed, will retry: ${errorMessage(error)}`);
    }
    throw error;
  } finally {
    abort.dispose();
  }
}

async function loadModelRow(db: Database, modelId: number | null, sha256: string, cacheDir: string | undefined) {
  const [row] = modelId === null ? [] : await db.select().from(models).where(eq(models.id, modelId));
  if (!row) throw new RunInputError("the model was removed from the platform since the run was queued");
  if (!row.localPath) throw new RunInputError(`model "${row.name}" has no local weights on this platform — add it again with \`npm run model -- add\``);
  if (row.sha256 !== sha256) {
    throw new RunInputError(`model "${row.name}" was replaced since the run was queued (sha256 ${row.sha256 ?? "unknown"}, the run was for ${sha256}) — rerun on the model as it is now`);
  }
  return loadRunModel({ name: row.name, localPath: row.localPath, sha256, cacheDir });
}

/** The engine's DatasetResolver over datasets.content. */
async function readDataset(db: Database, id: string): Promise<unknown> {
  const n = /^[1-9][0-9]{0,9}$/.test(id) ? Number(id) : NaN;
  if (!Number.isSafeInteger(n) || n > 2 ** 31 - 1) throw new RunInputError(`data.datasetId: "${id}" is not the id of an uploaded data set`);
  const [row] = await db.select({ content: datasets.content }).from(datasets).where(eq(datasets.id, n));
  if (!row) throw new RunInputError(`data set ${id} does not exist (deleted?) — choose another data set`);
  return row.content;
}

interface SaveFacts {
  workerId: string;
  durationMs: number;
  model: { name: string; sha256: string };
  batchSize: number;
  maxActivationBytes: number;
}

/** Stores the complete run, exactly once: the row is locked and re-checked first. */
async function saveRun(db: Database, job: RunJob, result: ProbeRun, f: SaveFacts): Promise<RunOutcome> {
  const metricsJson = toStableJson(result.metrics);
  const metricsSha256 = createHash("sha256").update(metricsJson).digest("hex");
  const { rows, details } = collectArtifacts(result);
  const facts = {
    ...runtimeVersions(),
    seed: result.metrics.seed,
    model: { ...f.model, nLayers: result.metrics.model.nLayers, dModel: result.metrics.model.dModel },
    durationMs: f.durationMs,
    worker: f.workerId,
    jobId: job.id,
    attempt: job.retryCount + 1,
    batchSize: f.batchSize,
    maxActivationBytes: f.maxActivationBytes,
    examples: result.metrics.data?.examples ?? 0,
    /** Non-numeric parts of the artifacts (names, snippets, clusters), per method in spec order. */
    artifactDetails: details,
  };
  return db.transaction(async (tx) => {
    const [current] = await tx.select({ status: runs.status, cancelRequested: runs.cancelRequested }).from(runs).where(eq(runs.id, job.runId)).for("update");
    if (!current || current.status === "done" || current.status === "cancelled") return "skipped";
    if (current.cancelRequested) {
      await tx.update(runs).set({ status: "cancelled", stage: null, error: null, finishedAt: new Date() }).where(eq(runs.id, job.runId));
      return "cancelled";
    }
    // Nothing should be there (artifacts are only written here), but a stray row must not double a set.
    await tx.delete(runArtifacts).where(eq(runArtifacts.runId, job.runId));
    for (let i = 0; i < rows.length; i += 500) {
      await tx.insert(runArtifacts).values(rows.slice(i, i + 500).map((r) => ({ runId: job.runId, ...r })));
    }
    // The claims of the run's version, checked against the metrics as stored (rounded as users see them).
    const [version] = await tx.select({ claims: experimentVersions.claims }).from(runs).innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId)).where(eq(runs.id, job.runId));
    await tx
      .update(runs)
      .set({
        ...runSummaryColumns(version?.claims ?? [], JSON.parse(metricsJson), result.metrics.model.nLayers),
        status: "done",
        metrics: JSON.parse(metricsJson) as Record<string, unknown>,
        metricsSha256,
        facts,
        stage: "done",
        percent: 100,
        examplesDone: result.metrics.data?.examples ?? 0,
        examplesTotal: result.metrics.data?.examples ?? 0,
        currentLayer: null,
        error: null,
        worker: f.workerId,
        jobId: job.id,
        finishedAt: new Date(),
        durationMs: f.durationMs,
      })
      .where(eq(runs.id, job.runId));
    return "done";
  });
}

async function markCancelled(db: Database, runId: number, log: (line: string) => void): Promise<RunOutcome> {
  await db
    .update(runs)
    .set({ status: "cancelled", stage: null, finishedAt: new Date() })
    .where(and(eq(runs.id, runId), notInArray(runs.status, [...FINISHED])));
  log(`run ${runId}: cancelled`);
  return "cancelled";
}

async function markFailed(db: Database, runId: number, reason: string, started: number, log: (line: string) => void): Promise<RunOutcome> {
  await db
    .update(runs)
    .set({ status: "failed", error: reason, stage: null, finishedAt: new Date(), durationMs: Date.now() - started })
    .where(and(eq(runs.id, runId), notInArray(runs.status, [...FINISHED])));
  log(`run ${runId}: failed: ${reason.split("\n")[0]}`);
  return "failed";
}
