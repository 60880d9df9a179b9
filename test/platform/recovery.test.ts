import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../db/embedded-postgres";
import { superviseService, type Service } from "../../scripts/lib/supervisor";
import { getFresh, startPlatform, trpcGet, until, type Platform } from "./helpers/platform";

let platform: Platform;
let postgresService: Service | null = null;
beforeAll(async () => {
  platform = await startPlatform({ webConcurrency: 2 });
}, 600_000);
afterAll(async () => {
  await postgresService?.stop();
  await platform?.dispose();
});

const get = (path: string) => getFresh(`${platform.web.url}${path}`);
const json = async (path: string): Promise<unknown> => JSON.parse((await get(path)).body);

describe("the embedded PostgreSQL dies under a running web app", () => {
  it("answers 503 while it is down, comes back when the supervisor restarts it, and keeps an acknowledged write", async () => {
    const server = platform.database.server;
    if (!server) throw new Error("expected an embedded server");
    const health = await json("/api/health");
    expect(health).toMatchObject({ web: "ok", database: "ok", installation: "ok" });
    expect((await get("/")).status).toBe(200);

    // A write the app acknowledged before the crash.
    const email = `survivor-${Date.now()}@example.org`;
    const signUp = await fetch(`${platform.web.url}/api/trpc/users.signUp`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { email, password: "a long enough password", name: "Survivor" } }),
    });
    expect(signUp.status).toBe(200);

    // npm start's supervision of the database, as scripts/start.ts sets it up; the restart waits
    // for the test to have seen the outage, so nothing here races the supervisor.
    let allowRestart = () => {};
    const restartAllowed = new Promise<void>((resolve) => (allowRestart = resolve));
    let restarts = 0;
    postgresService = superviseService(
      {
        name: "PostgreSQL",
        backoff: { initialMs: 500, maxMs: 2_000, resetAfterMs: 60_000 },
        initial: { exited: server.exited.then(() => "exited"), stop: server.stop },
        start: async () => {
          await restartAllowed;
          restarts++;
          const again = await startEmbeddedPostgres({ dataDir: platform.dataDir, port: server.port, quiet: true, requirePort: true });
          return { exited: again.exited.then(() => "exited"), stop: again.stop };
        },
      },
      () => {},
    );

    process.kill(server.pid, "SIGKILL");
    // Down: health says so; once every web process has noticed, pages and the API answer 503 with Retry-After.
    await until("health to report the database down", async () => (await get("/api/health")).status === 503, 30_000, platform.web.log);
    let in503 = 0;
    await until("every web process to answer 503", async () => {
      in503 = (await get("/")).status === 503 ? in503 + 1 : 0;
      return in503 >= 6;
    }, 30_000);
    const page = await get("/techniques");
    expect(page.status, `GET /techniques while down; health ${JSON.stringify(await json("/api/health"))}\n${platform.web.log()}`).toBe(503);
    expect(page.headers["retry-after"]).toBeTruthy();
    expect(page.body).toContain("database is unavailable; this page will work again when it is back");
    const api = await get(trpcGet("papers.list", { page: 1, pageSize: 5 }));
    expect(api.status).toBe(503);
    expect(JSON.parse(api.body)).toMatchObject({ error: { code: "SERVICE_UNAVAILABLE" } });
    expect(await json("/api/health")).toMatchObject({ web: "ok", database: "down" });
    allowRestart();

    // Back: the supervisor restarted PostgreSQL on the same port; the app reconnected by itself.
    await until("health to report the database back", async () => (await get("/api/health")).status === 200, 90_000, platform.web.log);
    expect(restarts).toBeGreaterThanOrEqual(1);
    // Each web process notices on its own (within its 2 s check): wait until they all answer.
    let in200 = 0;
    await until("every web process to answer 200 again", async () => {
      in200 = (await get("/")).status === 200 ? in200 + 1 : 0;
      return in200 >= 6;
    }, 30_000);
    // Every web process serves data again (fresh connections reach each of them).
    for (let i = 0; i < 6; i++) {
      const graph = await get(trpcGet("taxonomy.graph"));
      expect(graph.status, `${graph.body.slice(0, 500)}\n${platform.web.log().slice(-3000)}`).toBe(200);
    }

    const sql = postgres(platform.database.url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql`select email from users where email = ${email}`;
      expect(rows).toHaveLength(1);
    } finally {
      await sql.end();
    }
  }, 240_000);
});
