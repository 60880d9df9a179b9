import type PgBoss from "pg-boss";
import { connect } from "~/db/client";
import { startBoss } from "~/server/jobs/boss";
import { QUEUES } from "~/server/jobs/queues";
import { prepareModel } from "./jobs/prepare-model";

export interface JobLoop {
  boss: PgBoss;
  stop: () => Promise<void>;
}

/**
 * Takes jobs from PostgreSQL (pg-boss). Any number of these loops, in any number of processes on
 * any number of machines, can share one database: each job is locked by the worker that takes it,
 * and a job whose worker died is handed out again once it expires.
 */
export async function startJobLoop(
  databaseUrl: string,
  options: { cacheDir?: string; log?: (line: string) => void; maintenanceIntervalSeconds?: number } = {},
): Promise<JobLoop> {
  const log = options.log ?? ((line: string) => console.log(`[worker] ${line}`));
  const { db, close } = connect(databaseUrl, { max: 4 });
  const boss = await startBoss(databaseUrl, { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds });
  await boss.work(QUEUES.prepareModel.name, { batchSize: 1, pollingIntervalSeconds: 2 }, async (jobs) => {
    for (const job of jobs) {
      const payload = QUEUES.prepareModel.payload.parse(job.data);
      const outcome = await prepareModel(db, payload, { cacheDir: options.cacheDir });
      log(`model ${payload.modelId}: ${outcome}`);
    }
  });
  return {
    boss,
    stop: async () => {
      await boss.stop({ graceful: true, wait: true, timeout: 30_000 });
      await close();
    },
  };
}
