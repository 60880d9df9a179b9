/**
 * Building and serving the production web app: shared by `npm start`, the end-to-end tests and
 * the web benchmark, so all three run the app the same way.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../../db/local-database";
import { LIFELINE_ENV } from "./supervisor";

const NEXT_BIN = path.join(PROJECT_ROOT, "node_modules", ".bin", "next");
const TSX_BIN = path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx");
const BUILD_INPUTS = ["app", "server", "db", "proxy.ts", "next.config.js", "package.json", "package-lock.json", "tsconfig.json"];

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

/** A build is reused only when it is newer than every source the web app is built from. */
export function buildIsStale(): boolean {
  const buildId = path.join(PROJECT_ROOT, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  return Math.max(...BUILD_INPUTS.map((p) => newestMtime(path.join(PROJECT_ROOT, p)))) > statSync(buildId).mtimeMs;
}

/** A port the OS says is free on 127.0.0.1 (the same finder the embedded database uses). */
export { freePort } from "../../db/embedded-postgres";

/** `next build`; its output is shown live, or kept and included in the error when quiet. */
export function buildWebApp(env: NodeJS.ProcessEnv, options: { quiet?: boolean } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(NEXT_BIN, ["build"], { cwd: PROJECT_ROOT, env: { ...env, NODE_ENV: "production" }, stdio: options.quiet ? ["ignore", "pipe", "pipe"] : "inherit" });
    let output = "";
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-8_000));
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build failed (exit ${code})${output ? `:\n${output}` : ""}`))));
  });
}

export interface WebServer {
  url: string;
  process: ChildProcess;
  /** Resolves with a description once the server process has exited. */
  exited: Promise<string>;
  /** The last lines the server printed (when started quietly). */
  log: () => string;
  stop: () => Promise<void>;
}

async function waitUntilAnswering(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the web server exited (code ${child.exitCode}) before answering:\n${log()}`);
    try {
      // serve.ts listens once Next.js is prepared, and answers /api/health itself: any answer means
      // ready (503 included: the database may be down, and pages then say so).
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (response.ok || response.status === 503) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`The server did not answer ${url} within ${timeoutMs / 1000}s:\n${log()}`);
}

/**
 * The production server (scripts/serve.ts: Next.js on every core) in its own process group,
 * resolved once it answers HTTP. Its stdin is a lifeline: it exits when this process does.
 */
export async function startWebServer(options: { port: number; host?: string; env: NodeJS.ProcessEnv; quiet?: boolean; timeoutMs?: number }): Promise<WebServer> {
  const host = options.host ?? "127.0.0.1";
  const child = spawn(TSX_BIN, [path.join(PROJECT_ROOT, "scripts", "serve.ts"), "--port", String(options.port), "--host", host], {
    cwd: PROJECT_ROOT,
    env: { ...options.env, NODE_ENV: "production", PORT: String(options.port), [LIFELINE_ENV]: "stdin" },
    stdio: options.quiet ? ["pipe", "pipe", "pipe"] : ["pipe", "inherit", "inherit"],
    detached: true,
  });
  child.stdin?.on("error", () => {});
  const exited = new Promise<string>((resolve) => child.once("exit", (code, signal) => resolve(signal ? `was killed (${signal})` : `exited (${code})`)));
  let output = "";
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const stop = async () => {
    if (!child.pid) return;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-(child.pid ?? 0), signal); // next start and its workers
      } catch {
        child.kill(signal);
      }
    };
    signalGroup("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    // Web processes that outlived serve.ts's primary are in its group too.
    signalGroup("SIGKILL");
    await exited;
  };
  const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${options.port}`;
  try {
    await waitUntilAnswering(`${url}/api/health`, child, () => output, options.timeoutMs ?? 90_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, process: child, exited, log: () => output, stop };
}
