import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type DatabaseConnection } from "../../db/client";
import { models } from "../../db/schema";
import { seedDemo } from "../../db/seed/seed";
import { startBoss } from "../../server/jobs/boss";
import { enqueuePrepareModel } from "../../server/jobs/enqueue";
import { spawnGroup } from "../../scripts/lib/supervisor";
import { addModel } from "../../workers/models/registry";
import { STORIES_GGUF } from "../runtime/fixtures";
import { startPlatform, trpcGet, until, type Platform } from "./helpers/platform";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CONNECTIONS = 50;
const DURATION_SECONDS = 15;

let platform: Platform;
let database: DatabaseConnection;
let worker: ReturnType<typeof spawnGroup> | null = null;
let workerOutput = "";
const cacheDir = mkdtempSync(path.join(tmpdir(), "mechmap-load-cache-"));

beforeAll(async () => {
  platform = await startPlatform();
  database = connect(platform.database.url, { max: 2 });
  await seedDemo(database.db);
  worker = spawnGroup(path.join(ROOT, "node_modules", ".bin", "tsx"), ["workers/main.ts"], { cwd: ROOT, env: { ...platform.env, MECHMAP_CACHE_DIR: cacheDir }, output: "pipe" });
  worker.child.stdout?.on("data", (d: Buffer) => (workerOutput += d.toString()));
  worker.child.stderr?.on("data", (d: Buffer) => (workerOutput += d.toString()));
}, 600_000);
afterAll(async () => {
  await worker?.stop();
  await database?.close();
  await platform?.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

function load(): Promise<autocannon.Result> {
  let n = 0;
  const signUp = (): string => JSON.stringify({ json: { email: `load-${Date.now()}-${n++}@example.org`, password: "a long enough password", name: "Load" } });
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: platform.web.url,
        connections: CONNECTIONS,
        duration: DURATION_SECONDS,
        timeout: 20,
        requests: [
          { method: "GET", path: "/" },
          { method: "GET", path: trpcGet("taxonomy.graph") },
          { method: "GET", path: trpcGet("papers.list", { page: 1, pageSize: 20 }) },
          // Writes beyond the per-address sign-up limit answer 429: expected, and not a 5xx.
          { method: "POST", path: "/api/trpc/users.signUp", headers: { "content-type": "application/json" }, setupRequest: (request) => ({ ...request, body: signUp() }) },
        ],
      },
      (error: Error | null, result: autocannon.Result) => (error ? reject(error) : resolve(result)),
    );
  });
}

describe("load while a worker runs", () => {
  it(`serves ${CONNECTIONS} connections for ${DURATION_SECONDS} s of reads and writes with no 5xx`, async () => {
    await until("the worker's heartbeat", async () => {
      const health = (await (await fetch(`${platform.web.url}/api/health`)).json()) as { worker: { seen: number } };
      return health.worker.seen >= 1;
    }, 60_000, () => workerOutput);
    // Give the worker a job to run during the load.
    const model = await addModel(database.db, { source: STORIES_GGUF, name: "stories-under-load" });
    await database.db.update(models).set({ status: "registered" }).where(eq(models.id, model.id));
    const boss = await startBoss(platform.database.url, { supervise: false });
    await enqueuePrepareModel(boss, model.id);
    await boss.stop({ graceful: false, wait: true });

    const result = await load();
    const summary = { requests: result.requests.total, "2xx": result["2xx"], "4xx": result["4xx"], "5xx": result["5xx"], errors: result.errors, timeouts: result.timeouts, p50: result.latency.p50, p97_5: result.latency.p97_5, rps: result.requests.average };
    console.log("load:", JSON.stringify(summary));
    expect(result["5xx"]).toBe(0);
    expect(result.errors).toBe(0);
    expect(result["2xx"]).toBeGreaterThan(CONNECTIONS * 4);

    // The worker did its job meanwhile, and everything is still up.
    await until("the worker to prepare the model", async () => {
      const [row] = await database.db.select().from(models).where(eq(models.id, model.id));
      return row?.status === "ready";
    }, 120_000, () => workerOutput);
    expect(worker?.child.exitCode).toBeNull();
    expect((await fetch(`${platform.web.url}/api/health`)).status).toBe(200);
  }, 300_000);
});
