/**
 * One command for the whole platform: database (embedded unless DATABASE_URL is set), migrations,
 * demo data, the web app (production build, or `--dev`), and the worker.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { connect } from "../db/client";
import { PROJECT_ROOT, resolveDatabaseUrl } from "../db/local-database";
import { runMigrations } from "../db/migrate";
import { DEMO_USERS } from "../db/seed/demo-users";
import { seedDemo } from "../db/seed/seed";
import { startBoss } from "../server/jobs/boss";
import { enqueuePrepareModel } from "../server/jobs/enqueue";
import { registerDemoModel } from "../workers/models/registry";
import { buildIsStale, buildWebApp, startWebServer } from "./lib/web-app";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const children: ChildProcess[] = [];

function secret(): string {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  // A stable local secret so sessions survive restarts of the demo.
  const file = path.join(PROJECT_ROOT, ".data", "nextauth-secret");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, name: string): ChildProcess {
  const child = spawn(command, args, { cwd: PROJECT_ROOT, env, stdio: "inherit" });
  child.on("exit", (code, signal) => {
    if (!shuttingDown) {
      console.error(`${name} exited (${signal ?? code}); stopping the platform.`);
      void shutdown(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

let shuttingDown = false;
let stopDatabase = async () => {};
let stopWeb = async () => {};
async function shutdown(code: number) {
  shuttingDown = true;
  await stopWeb();
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
  await stopDatabase();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

const database = await resolveDatabaseUrl();
stopDatabase = database.stop;
console.log(database.embedded ? "Database: embedded PostgreSQL (.data/postgres)" : "Database: DATABASE_URL");
await runMigrations(database.url);
{
  const { db, close } = connect(database.url, { max: 2 });
  const report = await seedDemo(db);
  console.log(`Demo data: ${report.techniquesAdded} techniques, ${report.papersAdded} papers, ${report.usersAdded} users added (existing rows kept).`);
  const demoModel = await registerDemoModel(db);
  console.log(`Demo model: ${demoModel.message}`);
  if (demoModel.registered && demoModel.model) {
    // The worker compiles its graph in the background.
    const boss = await startBoss(database.url, { supervise: false });
    await enqueuePrepareModel(boss, demoModel.model.id);
    await boss.stop({ graceful: false, wait: true });
  }
  await close();
}

const url = process.env.NEXTAUTH_URL ?? `http://localhost:${port}`;
const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database.url, NEXTAUTH_URL: url, NEXTAUTH_SECRET: secret(), PORT: String(port) };
const next = path.join(PROJECT_ROOT, "node_modules", ".bin", "next");

if (dev) {
  run(next, ["dev", "-p", String(port)], { ...env, NODE_ENV: "development" }, "next dev");
} else {
  if (buildIsStale()) {
    console.log("Building the web app (production)…");
    await buildWebApp(env);
  }
  const web = await startWebServer({ port, host: "0.0.0.0", env });
  web.process.on("exit", (code, signal) => {
    if (!shuttingDown) {
      console.error(`next start exited (${signal ?? code}); stopping the platform.`);
      void shutdown(code ?? 1);
    }
  });
  stopWeb = web.stop;
}
if (existsSync(path.join(PROJECT_ROOT, "workers", "main.ts"))) {
  run(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), ["workers/main.ts"], env, "worker");
}

console.log(`\nMechMap is running at ${url}`);
for (const u of DEMO_USERS) console.log(`  demo ${u.role}: ${u.email} / ${u.password}`);
console.log("Promote the first admin with: npm run user -- promote <email> admin\n");
