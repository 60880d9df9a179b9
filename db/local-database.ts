import path from "node:path";
import { ensureAppRole, isSuperuser } from "./app-role";
import { ensureDatabase } from "./create-database";
import { readState, randomSecret, updateState } from "./embedded-state";
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "./embedded-postgres";
import { ensureInstallation, INSTALLATION_ENV, verifyInstallation } from "./installation";
import { runMigrations } from "./migrate";

export const PROJECT_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
export const EMBEDDED_PORT = 54329;
export const EMBEDDED_DATA_DIR = path.join(PROJECT_ROOT, ".data", "postgres");
const DATABASE = "mechmap";

export interface ResolvedDatabase {
  /** The app's connection URL (on the embedded server: the least-privilege role). */
  url: string;
  embedded: boolean;
  /** The embedded server, when this process started or found it. */
  server: EmbeddedPostgresHandle | null;
  stop: () => Promise<void>;
}

/**
 * The database the platform uses: DATABASE_URL when set (as given; a superuser role gets a
 * warning), otherwise an embedded PostgreSQL with its data under `dataDir` (started here, or
 * reused when already running), reached through the `mechmap_app` role.
 */
export interface DatabaseOptions {
  dataDir?: string;
  port?: number;
  quiet?: boolean;
  /** Where DATABASE_URL and MECHMAP_INSTALLATION_ID are read (process.env unless given). */
  env?: Record<string, string | undefined>;
}

export async function resolveDatabaseUrl(options: DatabaseOptions = {}): Promise<ResolvedDatabase> {
  const configured = (options.env ?? process.env).DATABASE_URL;
  if (configured) {
    await ensureDatabase(configured);
    if (await isSuperuser(configured)) {
      console.warn("Warning: DATABASE_URL signs in as a superuser, which can run shell commands on the database server (COPY … TO PROGRAM). Use a role that only owns the MechMap database.");
    }
    return { url: configured, embedded: false, server: null, stop: async () => {} };
  }
  const dataDir = options.dataDir ?? EMBEDDED_DATA_DIR;
  const server = await startEmbeddedPostgres({ dataDir, port: options.port ?? EMBEDDED_PORT, quiet: options.quiet });
  const state = readState(dataDir);
  const appPassword = state?.appPassword ?? updateState(dataDir, { appPassword: randomSecret() }).appPassword;
  if (!appPassword) throw new Error("no app password recorded");
  const url = await ensureAppRole(server.url, DATABASE, appPassword);
  return { url, embedded: true, server, stop: server.stop };
}

/**
 * The database, migrated, with this installation's id checked. `npm start` ("ensure") records the
 * id when the database has none: the one kept beside the embedded data, else (DATABASE_URL) the
 * given MECHMAP_INSTALLATION_ID or a new one. Processes it starts ("verify": web, worker) only
 * compare, before touching anything, and refuse a database that is not theirs.
 */
export async function preparePlatformDatabase(options: DatabaseOptions & { installation?: "ensure" | "verify" } = {}): Promise<ResolvedDatabase & { installationId: string }> {
  const database = await resolveDatabaseUrl(options);
  try {
    const dataDir = options.dataDir ?? EMBEDDED_DATA_DIR;
    const given = (options.env ?? process.env)[INSTALLATION_ENV] || undefined;
    if (options.installation === "verify") {
      if (!given) throw new Error(`${INSTALLATION_ENV} is not set: nothing to verify the database against.`);
      await verifyInstallation(database.url, given);
      await runMigrations(database.url);
      return { ...database, installationId: given };
    }
    await runMigrations(database.url);
    const expected = given ?? (database.embedded ? readState(dataDir)?.installationId : undefined);
    const installationId = await ensureInstallation(database.url, expected);
    // The server we started from this data directory is ours by construction: remember its id.
    if (database.embedded && !expected) updateState(dataDir, { installationId });
    return { ...database, installationId };
  } catch (error) {
    await database.stop();
    throw error;
  }
}
