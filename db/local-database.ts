import path from "node:path";
import { ensureDatabase } from "./create-database";
import { withDatabase } from "./database-url";
import { startEmbeddedPostgres } from "./embedded-postgres";

export const PROJECT_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
export const EMBEDDED_PORT = 54329;

/**
 * The database the platform uses: DATABASE_URL when set, otherwise an embedded PostgreSQL
 * with its data under .data/postgres (started here, or reused when already running).
 */
export async function resolveDatabaseUrl(): Promise<{ url: string; embedded: boolean; stop: () => Promise<void> }> {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    await ensureDatabase(configured);
    return { url: configured, embedded: false, stop: async () => {} };
  }
  const server = await startEmbeddedPostgres({ dataDir: path.join(PROJECT_ROOT, ".data", "postgres"), port: EMBEDDED_PORT });
  const url = withDatabase(server.url, "mechmap");
  await ensureDatabase(url);
  return { url, embedded: true, stop: server.stop };
}
