import path from "node:path";
import type { TestProject } from "vitest/node";
import { dropDatabase, ensureDatabase } from "../../db/create-database";
import { withDatabase } from "../../db/database-url";
import { startEmbeddedPostgres } from "../../db/embedded-postgres";
import { runMigrations } from "../../db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    /** A PostgreSQL server URL on which tests may create their own databases. */
    databaseServerUrl: string;
  }
}

/**
 * Starts a real PostgreSQL for the run (embedded, unless DATABASE_URL names a server),
 * and hands test files the server URL; each file creates its own fresh database.
 */
export default async function setup(project: TestProject) {
  let serverUrl: string;
  let stopServer = async () => {};
  if (process.env.DATABASE_URL) {
    serverUrl = withDatabase(process.env.DATABASE_URL, "postgres");
  } else {
    const dataDir = path.resolve(".data", "test-postgres");
    const server = await startEmbeddedPostgres({ dataDir, port: 54339, quiet: true });
    serverUrl = server.url;
    stopServer = server.stop;
  }
  // Fail fast with a clear message when the server is unreachable or migrations are broken.
  const probe = withDatabase(serverUrl, `mechmap_probe_${process.pid}`);
  await ensureDatabase(probe);
  await runMigrations(probe);
  await dropDatabase(probe);
  project.provide("databaseServerUrl", serverUrl);
  return async () => {
    await stopServer();
  };
}
