import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { connect } from "../../../db/client";
import { dropDatabase, ensureDatabase } from "../../../db/create-database";
import { withDatabase } from "../../../db/database-url";
import { startEmbeddedPostgres } from "../../../db/embedded-postgres";
import { runMigrations } from "../../../db/migrate";
import { seedDemo } from "../../../db/seed/seed";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the production server under test answers, e.g. http://127.0.0.1:41234 */
    e2eBaseUrl: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, "../../..");

const NEXT_BIN = path.join(ROOT, "node_modules", ".bin", "next");

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
function buildIsStale(): boolean {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  if (process.env.CI || !existsSync(buildId)) return true;
  const sources = ["app", "server", "db", "next.config.js", "package.json", "package-lock.json", "tsconfig.json"].map((p) => newestMtime(path.join(ROOT, p)));
  return Math.max(...sources) > statSync(buildId).mtimeMs;
}

function freePort(): Promise<number> {
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

function runToCompletion(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(command)} ${args.join(" ")} failed (exit ${code}):\n${output.slice(-8000)}`))));
  });
}

async function waitUntilAnswering(url: string, child: ChildProcess, log: () => string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited (code ${child.exitCode}) before answering:\n${log()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The server did not answer ${url} within ${timeoutMs / 1000}s:\n${log()}`);
}

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

  let server: ChildProcess | null = null;
  const teardown = async () => {
    if (server && server.exitCode === null && server.pid) {
      const exited = new Promise((r) => server?.once("exit", r));
      try {
        process.kill(-server.pid, "SIGTERM"); // the whole group: next start and its workers
      } catch {
        server.kill("SIGTERM");
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null) {
        try {
          process.kill(-server.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    await dropDatabase(databaseUrl).catch((error: unknown) => console.error("e2e: could not drop the test database:", error));
    await stopPostgres();
  };

  try {
    await runMigrations(databaseUrl);
    const { db, close } = connect(databaseUrl, { max: 2 });
    try {
      await seedDemo(db);
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

    if (buildIsStale()) {
      console.log("e2e: building the web app (next build)…");
      // `next build` rewrites tsconfig.json (adds .next/dev/types to "include"); leave the file as we found it.
      const tsconfigPath = path.join(ROOT, "tsconfig.json");
      const tsconfig = readFileSync(tsconfigPath, "utf8");
      try {
        await runToCompletion(NEXT_BIN, ["build"], { ...env, NODE_ENV: "production" });
      } finally {
        if (readFileSync(tsconfigPath, "utf8") !== tsconfig) writeFileSync(tsconfigPath, tsconfig);
      }
    } else {
      console.log("e2e: reusing the production build in .next (newer than every source)");
    }

    let log = "";
    const child = spawn(NEXT_BIN, ["start", "-p", String(port), "-H", "127.0.0.1"], {
      cwd: ROOT,
      env: { ...env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    server = child;
    const append = (d: Buffer) => {
      log = (log + d.toString()).slice(-20_000);
    };
    child.stdout?.on("data", append);
    child.stderr?.on("data", append);
    await waitUntilAnswering(`${baseUrl}/api/auth/providers`, child, () => log);
    project.provide("e2eBaseUrl", baseUrl);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
