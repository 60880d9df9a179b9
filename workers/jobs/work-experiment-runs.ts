/**
 * Registers this process's experiment-run workers on the run queue: `concurrency` pg-boss pollers,
 * each computing one run at a time, sharing the memory budget. Any number of processes on any
 * number of machines may do the same on one database; pg-boss locks each job to one of them.
 */
import os from "node:os";
import type PgBoss from "pg-boss";
import type { Database } from "~/db/client";
import { RUN_QUEUE, createRunQueue } from "~/server/jobs/experiment-runs";
import { type WorkerSettings, workerSettings } from "../settings";
import { type RunExperimentHooks, type RunOutcome, runExperiment } from "./run-experiment";
import { reconcileOrphanedRuns } from "./run-experiment/reconcile";

export interface WorkExperimentRunsOptions {
  /** Default: from the environment (workers/settings.ts). */
  settings?: WorkerSettings;
  /** Graph cache directory (default: the runtime's). */
  cacheDir?: string;
  log?: (line: string) => void;
  /** Default hostname:pid. */
  workerId?: string;
  progressIntervalMs?: number;
  batchSize?: number;
  /** Test seams (see run-experiment.ts). */
  hooks?: RunExperimentHooks;
  /** How often to fail runs whose job ended without them (default 60 s; 0 turns the sweep off). */
  reconcileIntervalMs?: number;
  /** Called after each job with its outcome (benchmarks, tests). */
  onOutcome?: (runId: number, outcome: RunOutcome | "error") => void;
}

export interface ExperimentRunWorkers {
  workerId: string;
  /** Runs being computed right now (for the worker heartbeat). */
  active(): number;
  /**
   * Stops taking runs; runs in progress stop at their next batch and their jobs fail back to the
   * queue, to be retried by another worker. Call before boss.stop().
   */
  stop(): Promise<void>;
}

export async function workExperimentRuns(boss: PgBoss, db: Database, options: WorkExperimentRunsOptions = {}): Promise<ExperimentRunWorkers> {
  const settings = options.settings ?? workerSettings();
  const workerId = options.workerId ?? `${os.hostname()}:${process.pid}`;
  const log = options.log ?? ((line: string) => console.log(`[worker] ${line}`));
  const stopping = new AbortController();
  let active = 0;
  await createRunQueue(boss);

  const handler = async (jobs: PgBoss.JobWithMetadata<unknown>[]) => {
    for (const job of jobs) {
      const payload = RUN_QUEUE.payload.safeParse(job.data);
      if (!payload.success) {
        log(`job ${job.id}: malformed payload ${JSON.stringify(job.data)}; dropped`);
        continue;
      }
      const runId = payload.data.runId;
      active++;
      try {
        const outcome = await runExperiment(
          db,
          { id: job.id, runId, retryCount: job.retryCount, retryLimit: job.retryLimit },
          {
            workerId,
            maxActivationBytes: Math.floor(settings.memoryBytes / settings.concurrency),
            runTimeLimitMs: settings.runTimeLimitMs,
            cacheDir: options.cacheDir,
            log,
            signal: stopping.signal,
            progressIntervalMs: options.progressIntervalMs,
            batchSize: options.batchSize,
            hooks: options.hooks,
            isJobLive: async (id) => {
              const other = await boss.getJobById(RUN_QUEUE.name, id);
              return other !== null && ["created", "retry", "active"].includes(other.state);
            },
          },
        );
        options.onOutcome?.(runId, outcome);
      } catch (error) {
        options.onOutcome?.(runId, "error");
        throw error;
      } finally {
        active--;
      }
    }
  };
  for (let i = 0; i < settings.concurrency; i++) {
    let pollerId = "";
    pollerId = await boss.work(RUN_QUEUE.name, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: settings.pollingIntervalSeconds }, async (jobs) => {
      try {
        await handler(jobs);
      } finally {
        // Ask for the next run at once instead of waiting out the polling interval (a short run
        // would otherwise cap a worker at one run per interval).
        boss.notifyWorker(pollerId);
      }
    });
  }
  const sweep = async () => {
    try {
      for (const id of await reconcileOrphanedRuns(boss, db)) log(`run ${id}: failed (its job ended without it)`);
    } catch (error) {
      log(`sweeping orphaned runs failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const reconcileMs = options.reconcileIntervalMs ?? 60_000;
  const sweeper = reconcileMs > 0 ? setInterval(() => void sweep(), reconcileMs) : null;
  sweeper?.unref();
  log(`taking experiment runs (${settings.concurrency} at a time, ${Math.round(settings.memoryBytes / 2 ** 20)} MiB of activations, time limit ${settings.runTimeLimitMs / 1000} s)`);

  return {
    workerId,
    active: () => active,
    stop: async () => {
      if (sweeper) clearInterval(sweeper);
      stopping.abort();
      await boss.offWork(RUN_QUEUE.name);
    },
  };
}
