import PgBoss from "pg-boss";
import type { Database } from "~/db/client";
import { requireDatabaseUrl } from "../env";
import { createRunQueue } from "./experiment-runs";

/**
 * The web process's pg-boss, used only to enqueue and cancel jobs: started lazily on the first
 * publish, without supervision or scheduling (workers do maintenance), with a small pool.
 * Tests and scripts with a database of their own register their boss for that database.
 */
const globalForBoss = globalThis as unknown as { mechmapPublisher?: Promise<PgBoss>; mechmapPublishers?: WeakMap<Database, PgBoss> };

function registered(): WeakMap<Database, PgBoss> {
  globalForBoss.mechmapPublishers ??= new WeakMap();
  return globalForBoss.mechmapPublishers;
}

/** Makes `boss` the publisher for jobs about rows in `db` (tests, seed scripts). */
export function registerPublisher(db: Database, boss: PgBoss): void {
  registered().set(db, boss);
}

export function unregisterPublisher(db: Database): void {
  registered().delete(db);
}

async function startPublisher(): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: requireDatabaseUrl(), schema: "pgboss", max: 2, supervise: false, schedule: false });
  boss.on("error", (error: Error) => console.error("[queue publisher]", error.message));
  await boss.start();
  await createRunQueue(boss);
  return boss;
}

/** The publisher for `db`: a registered one, else this process's own (started once). */
export function publisherFor(db: Database): Promise<PgBoss> {
  const own = registered().get(db);
  if (own) return Promise.resolve(own);
  // A failed start is forgotten, so the next request tries again rather than failing forever.
  globalForBoss.mechmapPublisher ??= startPublisher().catch((error: unknown) => {
    globalForBoss.mechmapPublisher = undefined;
    throw error;
  });
  return globalForBoss.mechmapPublisher;
}
