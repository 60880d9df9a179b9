import type PgBoss from "pg-boss";
import { connect } from "~/db/client";
import { startBoss } from "~/server/jobs/boss";
import { RUN_QUEUE } from "~/server/jobs/experiment-runs";
import { QUEUES } from "~/server/jobs/queues";
import { queueRunsForModel } from "~/server/services/experiments/publish";
import { enqueueOrphanRuns } from "~/server/services/runs/queue";
import { backfillRunSummaries } from "~/server/services/runs/verdict-columns";
import { STEER_QUEUE } from "~/server/services/steer/queue";
import { startHeartbeat } from "./heartbeat";
import { prepareModel } from "./jobs/prepare-model";
import { recoverStuckModels } from "./jobs/recover-stuck-models";
import { workSteerJobs } from "./jobs/steer-generate";
import { workExperimentRuns } from "./jobs/work-experiment-runs";
import { workerSettings } from "./settings";

export interface JobLoop {
  boss: PgBoss;
  /** This worker's id in worker_heartbeats. */
  workerId: string;
  stop: () => Promise<void>;
}

export interface JobLoopOptions {
  cacheDir?: string;
  log?: (line: string) => void;
  maintenanceIntervalSeconds?: number;
  /** When given, the loop stops taking jobs as soon as the database is not this installation's. */
  installationId?: string;
  /** Called (once) when the database turns out not to be this installation's; the loop has stopped taking jobs. */
  onWrongDatabase?: (error: Error) => void;
  heartbeatIntervalMs?: number;
  /** How often models stuck in `compiling` are looked for (also once at start). */
  recoveryIntervalMs?: number;
  /** How long a model must have been `compiling` before it counts as stuck. */
  recoveryStaleSeconds?: number;
}

/**
 * Takes jobs from PostgreSQL (pg-boss). Any number of these loops, in any number of processes on
 * any number of machines, can share one database: each job is locked by the worker that takes it,
 * and a job whose worker died is handed out again once it expires. Each loop reports a heartbeat
 * and repairs models left `compiling` by workers that died.
 */
export async function startJobLoop(databaseUrl: string, options: JobLoopOptions = {}): Promise<JobLoop> {
  const log = options.log ?? ((line: string) => console.log(`[worker] ${line}`));
  // Each concurrent run holds a connection for progress and its final save; a few more for the rest.
  const { db, close } = connect(databaseUrl, { max: workerSettings().concurrency + 4 });
  const boss = await startBoss(databaseUrl, { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds });
  let active = 0;
  let stopping = false;

  const recover = async () => {
    try {
      const { requeued, failed } = await recoverStuckModels(db, boss, { staleSeconds: options.recoveryStaleSeconds });
      for (const id of requeued) log(`model ${id} was left compiling by a worker that stopped; queued again`);
      for (const id of failed) log(`model ${id} was left compiling and its tries ran out; marked failed`);
      // Runs committed by the web app whose job could not be sent (e.g. the queue was briefly unreachable).
      const orphans = await enqueueOrphanRuns(db, boss);
      if (orphans > 0) log(`sent ${orphans} queued run(s) that had no job`);
    } catch (error) {
      log(`could not check for stuck models: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  let experimentRuns: Awaited<ReturnType<typeof workExperimentRuns>> | null = null;
  const heartbeat = startHeartbeat(db, {
    databaseUrl,
    activeJobs: () => active + (experimentRuns?.active() ?? 0),
    installationId: options.installationId,
    intervalMs: options.heartbeatIntervalMs,
    log,
    onWrongDatabase: (error) => {
      log(error.message);
      // Take no further job from a database that is not ours.
      void boss.offWork(QUEUES.prepareModel.name).catch(() => {});
      void boss.offWork(RUN_QUEUE.name).catch(() => {});
      void boss.offWork(STEER_QUEUE.name).catch(() => {});
      options.onWrongDatabase?.(error);
    },
  });

  await boss.work(QUEUES.prepareModel.name, { batchSize: 1, pollingIntervalSeconds: 2 }, async (jobs) => {
    for (const job of jobs) {
      const payload = QUEUES.prepareModel.payload.parse(job.data);
      active++;
      try {
        const outcome = await prepareModel(db, payload, { cacheDir: options.cacheDir });
        log(`model ${payload.modelId}: ${outcome}`);
        if (outcome === "ready") {
          const runIds = await queueRunsForModel(db, boss, payload.modelId);
          if (runIds.length > 0) log(`model ${payload.modelId}: queued ${runIds.length} published experiment(s)`);
        }
      } finally {
        active--;
      }
    }
  });
  experimentRuns = await workExperimentRuns(boss, db, { cacheDir: options.cacheDir, log });
  const steer = await workSteerJobs(boss, db, { cacheDir: options.cacheDir, log });
  await recover();
  // Runs finished before verdicts were stored get theirs (in the background; idempotent across workers).
  const backfill = backfillRunSummaries(db, { shouldStop: () => stopping })
    .then((n) => n > 0 && log(`checked the claims of ${n} earlier run(s)`))
    .catch((error: unknown) => log(`could not fill in earlier runs' verdicts: ${error instanceof Error ? error.message : String(error)}`));
  const recovery = setInterval(() => {
    if (!stopping) void recover();
  }, options.recoveryIntervalMs ?? 60_000);

  return {
    boss,
    workerId: heartbeat.id,
    stop: async () => {
      stopping = true;
      clearInterval(recovery);
      // Runs in progress stop at their next batch; their jobs go back to the queue for another worker.
      await experimentRuns?.stop();
      await steer.stop();
      // Within the supervisor's stop timeout (15 s); an unfinished job is handed out again when it expires.
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
      await heartbeat.stop();
      await backfill;
      await close();
    },
  };
}
