import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { connect } from "./client";

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/** Applies every pending migration; safe to run from several processes (drizzle takes a lock-free journal, so we serialise with an advisory lock). */
export async function runMigrations(url: string): Promise<void> {
  const { db, close } = connect(url, { max: 1 });
  try {
    await db.execute("select pg_advisory_lock(727274)");
    await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
    await db.execute("select pg_advisory_unlock(727274)");
  } finally {
    await close();
  }
}
