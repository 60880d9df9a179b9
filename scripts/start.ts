/**
 * One command for the whole platform: database (embedded unless DATABASE_URL is set), migrations,
 * demo data, the web app (production build, or `--dev`), and the worker.
 *
 * Supervised (scripts/lib/supervisor.ts): the embedded PostgreSQL, the web server and the worker
 * are restarted with backoff when they die; SIGINT, SIGTERM or SIGHUP (or npm, which launched us,
 * going away) stop everything, web and worker first, the database last.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { connect } from "../db/client";
import { releaseSignalHandlers, startEmbeddedPostgres } from "../db/embedded-postgres";
import { INSTALLATION_ENV } from "../db/installation";
import { EMBEDDED_DATA_DIR, PROJECT_ROOT, preparePlatformDatabase } from "../db/local-database";
import { DEMO_EXPERIMENT_OWNER, DEMO_USERS } from "../db/seed/demo-users";
import { seedDemo } from "../db/seed/seed";
import { startBoss } from "../server/jobs/boss";
import { enqueuePrepareModel } from "../server/jobs/enqueue";
import { seedDemoExperiments } from "../server/services/experiments/demo-seed";
import { readyZooModels, registerZooModels } from "../workers/models/demo-models";
import { ensurePrecisionVariant } from "../workers/models/precision-variant";
import { type ModelRow, registerDemoModel } from "../workers/models/registry";
import { onLauncherGone, spawnGroup, stopOnSignals, superviseService, type Running, type Service } from "./lib/supervisor";
import { buildIsStale, buildWebApp, startWebServer, type WebServer } from "./lib/web-app";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const services: Service[] = [];
const log = (line: string) => console.error(`[platform] ${line}`);

// We stop the database ourselves, after the processes that use it.
releaseSignalHandlers();
let stopUnsupervisedDatabase = async () => {};
const shutdown = stopOnSignals(() => services, { log, beforeExit: () => stopUnsupervisedDatabase() });
onLauncherGone(() => {
  log("npm, which started the platform, has exited");
  void shutdown(0);
});

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

const asRunning = (web: WebServer): Running => ({ exited: web.exited, stop: web.stop });

try {
  const database = await preparePlatformDatabase();
  const server = database.server;
  if (server) {
    console.log(`Database: embedded PostgreSQL (.data/postgres, port ${server.port}, role mechmap_app)`);
    // A postmaster that dies is started again on the same port, which every process already uses.
    services.push(
      superviseService(
        {
          name: "PostgreSQL",
          initial: { exited: server.exited.then(() => "exited"), stop: server.stop },
          start: async () => {
            const again = await startEmbeddedPostgres({ dataDir: EMBEDDED_DATA_DIR, port: server.port, requirePort: true });
            log(`PostgreSQL is back on port ${again.port}`);
            return { exited: again.exited.then(() => "exited"), stop: again.stop };
          },
        },
        log,
      ),
    );
  } else {
    console.log("Database: DATABASE_URL");
    stopUnsupervisedDatabase = database.stop;
  }

  {
    const { db, close } = connect(database.url, { max: 2 });
    const report = await seedDemo(db);
    console.log(`Demo data: ${report.techniquesAdded} techniques, ${report.papersAdded} papers, ${report.usersAdded} users added (existing rows kept).`);
    const demoModel = await registerDemoModel(db);
    console.log(`Demo model: ${demoModel.message}`);
    const zoo = await registerZooModels(db);
    console.log(`Model zoo: ${zoo.message}`);
    // One precision variant, so "does the finding survive quantisation?" has an answer in the demo.
    let quantised: ModelRow | null = null;
    if (demoModel.registered) {
      try {
        quantised = await ensurePrecisionVariant(db, "stories260K", "q8_0");
        console.log(`Precision variant: ${quantised.name} (${quantised.precision ?? "?"}) is ${quantised.status}.`);
      } catch (e) {
        console.log(`Precision variant: stories260K-q8_0 not made (${e instanceof Error ? e.message : String(e)}).`);
      }
    }
    const boss = await startBoss(database.url, { supervise: false });
    try {
      // The worker compiles the demo and zoo models' graphs in the background.
      if (demoModel.registered && demoModel.model) await enqueuePrepareModel(boss, demoModel.model.id);
      for (const model of readyZooModels(zoo)) await enqueuePrepareModel(boss, model.id);
      if (quantised?.status === "ready") await enqueuePrepareModel(boss, quantised.id);
      // Published demo experiments; their runs on every ready model are queued for the worker.
      const demo = await seedDemoExperiments(db, boss, DEMO_EXPERIMENT_OWNER);
      console.log(`Demo experiments: ${demo.skipped ?? `${demo.created} created, ${demo.existing} kept, ${demo.runsQueued} runs queued`}`);
      for (const problem of demo.problems) console.log(`  ${problem}`);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
    await close();
  }

  const url = process.env.NEXTAUTH_URL ?? `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    [INSTALLATION_ENV]: database.installationId,
    NEXTAUTH_URL: url,
    NEXTAUTH_SECRET: secret(),
    PORT: String(port),
  };
  const next = path.join(PROJECT_ROOT, "node_modules", ".bin", "next");
  const tsx = path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx");

  if (dev) {
    const startDev = async () => spawnGroup(next, ["dev", "-p", String(port)], { cwd: PROJECT_ROOT, env: { ...env, NODE_ENV: "development" } });
    services.push(superviseService({ name: "next dev", start: startDev }, log));
  } else {
    if (buildIsStale()) {
      console.log("Building the web app (production)…");
      await buildWebApp(env);
    }
    const startWeb = async () => asRunning(await startWebServer({ port, host: "0.0.0.0", env }));
    // The first start fails loudly (a broken build is not fixed by retrying); later ones are retried.
    services.push(superviseService({ name: "web server", initial: await startWeb(), start: startWeb }, log));
  }
  if (existsSync(path.join(PROJECT_ROOT, "workers", "main.ts"))) {
    const startWorker = async () => spawnGroup(tsx, ["workers/main.ts"], { cwd: PROJECT_ROOT, env });
    services.push(superviseService({ name: "worker", start: startWorker }, log));
  }

  console.log(`\nMechMap is running at ${url} (health: ${url}/api/health)`);
  for (const u of DEMO_USERS) console.log(`  demo ${u.role}: ${u.email} / ${u.password}`);
  console.log("Promote the first admin with: npm run user -- promote <email> admin\n");
} catch (error) {
  console.error(`MechMap could not start: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
}
