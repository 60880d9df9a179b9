import type PgBoss from "pg-boss";
import { connect } from "~/db/client";
import { startBoss } from "~/server/jobs/boss";
import { QUEUES } from "~/server/jobs/queues";
import { startHeartbeat } from "./heartbeat";
import { prepareModel } from "./jobs/prepare-model";
import { recoverStuckModels } from "./jobs/recover-stuck-models";

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
  const { db, close } = connect(databaseUrl, { max: 4 });
  const boss = await startBoss(databaseUrl, { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds });
  let active = 0;
  let stopping = false;

  const recover = async () => {
    try {
      const { requeued, failed } = await recoverStuckModels(db, boss, { staleSeconds: options.recoveryStaleSeconds });
      for (const id of requeued) log(`model ${id} was left compiling by a worker that stopped; queued again`);
      for (const id of failed) log(`model ${id} was left compiling and its tries ran out; marked failed`);
    } catch (error) {
      log(`could not check for stuck models: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const heartbeat = startHeartbeat(db, {
    databaseUrl,
    activeJobs: () => active,
    installationId: options.installationId,
    intervalMs: options.heartbeatIntervalMs,
    log,
    onWrongDatabase: (error) => {
      log(error.message);
      // Take no further job from a database that is not ours.
      void boss.offWork(QUEUES.prepareModel.name).catch(() => {});
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
      } finally {
        active--;
      }
    }
  });
  await recover();
  const recovery = setInterval(() => {
    if (!stopping) void recover();
  }, options.recoveryIntervalMs ?? 60_000);

  return {
    boss,
    workerId: heartbeat.id,
    stop: async () => {
      stopping = true;
      clearInterval(recovery);
      // Within the supervisor's stop timeout (15 s); an unfinished job is handed out again when it expires.
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
      await heartbeat.stop();
      await close();
    },
  };
}
