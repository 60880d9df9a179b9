import PgBoss from "pg-boss";
import { QUEUES } from "./queues";

/** A started pg-boss on the platform database, with every queue created (idempotent). */
export async function startBoss(databaseUrl: string, options: { supervise?: boolean; maintenanceIntervalSeconds?: number } = {}): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: "pgboss",
    max: 4,
    supervise: options.supervise ?? true,
    // Maintenance is what hands out again the jobs of workers that died.
    ...(options.maintenanceIntervalSeconds ? { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds } : {}),
  });
  // pg-boss reports lost connections here (e.g. while the database restarts) and keeps polling;
  // without a listener an 'error' event would crash the process.
  boss.on("error", (error: Error) => console.error("[queue]", error.message));
  await boss.start();
  for (const queue of Object.values(QUEUES)) {
    const options = { name: queue.name, expireInSeconds: queue.expireInSeconds, retryLimit: queue.retryLimit, retryDelay: queue.retryDelaySeconds, retryBackoff: true };
    await boss.createQueue(queue.name, options);
    // createQueue keeps an existing queue's settings: bring queues made by older versions up to date.
    await boss.updateQueue(queue.name, options);
  }
  return boss;
}
