import { randomBytes } from "node:crypto";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { connect } from "../../../db/client";
import { dropDatabase, ensureDatabase } from "../../../db/create-database";
import { withDatabase } from "../../../db/database-url";
import { startEmbeddedPostgres } from "../../../db/embedded-postgres";
import { runMigrations } from "../../../db/migrate";
import { seedDemo } from "../../../db/seed/seed";
import { registerDemoModel } from "../../../workers/models/registry";
import { buildIsStale, buildWebApp, freePort, startWebServer, type WebServer } from "../../../scripts/lib/web-app";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the production server under test answers, e.g. http://127.0.0.1:41234 */
    e2eBaseUrl: string;
    /** The server's database, for tests that must arrange state no page can (e.g. the first admin). */
    e2eDatabaseUrl: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, "../../..");

/**
 * Fresh database (migrated and seeded with the demo content and accounts), a production build,
 * and `next start` on a free port; the base URL is provided to the tests. Teardown stops the
 * server and drops the database.
 */
export default async function setup(project: TestProject) {
  let serverUrl: string;
  let stopPostgres = async () => {};
  if (process.env.DATABASE_URL) {
    serverUrl = withDatabase(process.env.DATABASE_URL, "postgres");
  } else {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(ROOT, ".data", "test-postgres"), port: 54339, quiet: true });
    serverUrl = pg.url;
    stopPostgres = pg.stop;
  }
  const databaseUrl = withDatabase(serverUrl, `mechmap_e2e_${randomBytes(5).toString("hex")}`);
  await ensureDatabase(databaseUrl);

  let server: WebServer | null = null;
  const teardown = async () => {
    await server?.stop();
    await dropDatabase(databaseUrl).catch((error: unknown) => console.error("e2e: could not drop the test database:", error));
    await stopPostgres();
  };

  try {
    await runMigrations(databaseUrl);
    const { db, close } = connect(databaseUrl, { max: 2 });
    try {
      await seedDemo(db);
      // The demo model is ready (as after `npm start`), so publishing queues a run on it; tests
      // that need a worker start one themselves (workers/job-loop.ts), so runs stay queued otherwise.
      const demoModel = await registerDemoModel(db);
      if (!demoModel.registered) throw new Error(`e2e: ${demoModel.message}`);
    } finally {
      await close();
    }

    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      NEXTAUTH_URL: baseUrl,
      NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
    };

    // CI always builds from its clean clone; locally a build newer than every source is reused.
    if (process.env.CI || buildIsStale()) {
      console.log("e2e: building the web app (next build)…");
      await buildWebApp(env, { quiet: true });
    } else {
      console.log("e2e: reusing the production build in .next (newer than every source)");
    }
    server = await startWebServer({ port, env, quiet: true });
    project.provide("e2eBaseUrl", baseUrl);
    project.provide("e2eDatabaseUrl", databaseUrl);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
