import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { INSTALLATION_ENV } from "../../../db/installation";
import { PROJECT_ROOT, preparePlatformDatabase, type ResolvedDatabase } from "../../../db/local-database";
import { buildIsStale, buildWebApp, freePort, startWebServer, type WebServer } from "../../../scripts/lib/web-app";

export interface Platform {
  database: ResolvedDatabase & { installationId: string };
  dataDir: string;
  web: WebServer;
  /** The environment the web server runs with (the worker gets the same). */
  env: NodeJS.ProcessEnv;
  dispose: () => Promise<void>;
}

/**
 * A platform of the test's own, as `npm start` makes it: an embedded PostgreSQL in a temp folder
 * (own password, least-privilege role, installation id) and the production web server on it.
 * Builds the app first when the build is stale (run under the /tmp/mechmap-e2e.lock flock).
 */
export async function startPlatform(options: { webConcurrency?: number } = {}): Promise<Platform> {
  const root = mkdtempSync(path.join(tmpdir(), "mechmap-platform-"));
  // PostgreSQL runs as the `postgres` system user when tests run as root: it must reach the data.
  chmodSync(root, 0o755);
  const dataDir = path.join(root, "postgres");
  const database = await preparePlatformDatabase({ dataDir, port: await freePort(), quiet: true, env: {} });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    [INSTALLATION_ENV]: database.installationId,
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
    NEXT_TELEMETRY_DISABLED: "1",
    ...(options.webConcurrency ? { WEB_CONCURRENCY: String(options.webConcurrency) } : {}),
  };
  try {
    await buildOnce(env);
    const web = await startWebServer({ port, env, quiet: true });
    return {
      database,
      dataDir,
      web,
      env,
      dispose: async () => {
        await web.stop();
        await database.stop();
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await database.stop();
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Test files run in parallel: only one may run `next build` at a time, and the others then reuse
 * its build. A directory is the lock (mkdir is atomic); a lock whose holder died is taken over.
 */
async function buildOnce(env: NodeJS.ProcessEnv): Promise<void> {
  const lock = path.join(PROJECT_ROOT, ".data", "test-build.lock");
  mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, "pid"), String(process.pid));
      break;
    } catch {
      let holder = 0;
      try {
        holder = Number(readFileSync(path.join(lock, "pid"), "utf8"));
        process.kill(holder, 0);
      } catch {
        if (holder) rmSync(lock, { recursive: true, force: true }); // its holder is gone
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (buildIsStale()) await buildWebApp(env, { quiet: true });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000, log?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}${log ? `\n${log()}` : ""}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function trpcGet(procedure: string, input?: unknown): string {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return `/api/trpc/${procedure}${query}`;
}

export interface PlainResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One GET on a connection of its own: fetch keeps connections alive, and node:cluster hands out
 * connections, not requests, so only fresh connections reach every web process.
 */
export function getFresh(url: string, timeoutMs = 20_000): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}
