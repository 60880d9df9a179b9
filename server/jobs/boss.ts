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
  boss.on("error", (error: Error) => console.error("[queue]", error.message));
  await boss.start();
  for (const queue of Object.values(QUEUES)) {
    await boss.createQueue(queue.name, { name: queue.name, expireInSeconds: queue.expireInSeconds, retryLimit: queue.retryLimit, retryDelay: 5, retryBackoff: true });
  }
  return boss;
}
