import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { connect } from "../../db/client";
import { papers, users } from "../../db/schema";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "../../server/db-unavailable";
import { safeMessage } from "../../server/http/internal-error";
import { BATCH_TOO_LARGE_MESSAGE, BODY_TOO_LARGE_MESSAGE, TRPC_MAX_BATCH_SIZE, TRPC_MAX_BODY_BYTES } from "../../server/http/limits";
import { handleTrpcRequest } from "../../server/http/trpc-handler";
import type { Context } from "../../server/trpc/context";
import { callerFor, testIp, useDatabaseWithRoles } from "../setup/callers";

const ctx = useDatabaseWithRoles();

const ERROR_ID = /error id [0-9a-f]{12}/;

async function count(table: typeof users | typeof papers) {
  const [row] = await ctx.t.db.select({ n: sql<number>`count(*)::int` }).from(table);
  return row?.n ?? 0;
}

/** Breaks inserts into `users` (the column is renamed) while `run` runs, then repairs the table. */
async function withBrokenUsersTable<T>(run: () => Promise<T>): Promise<T> {
  await ctx.t.db.execute(sql`alter table users rename column name to name_moved_away`);
  try {
    return await run();
  } finally {
    await ctx.t.db.execute(sql`alter table users rename column name_moved_away to name`);
  }
}

function context(overrides: Partial<Context> = {}): Context {
  return { db: ctx.t.db, getUser: async () => null, clientIp: testIp(), ...overrides };
}

const trpcUrl = (path: string) => `http://mechmap.test/api/trpc/${path}`;
const json = (body: unknown) => JSON.stringify({ json: body });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("control characters and out-of-range ids are refused by the schemas", () => {
  it("refuses a NUL in a sign-up name with a field message and creates no account", async () => {
    const before = await count(users);
    await expect(ctx.as.anonymous.users.signUp({ email: "nul@example.org", password: "a long passphrase", name: "Ada\u0000Lovelace" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/^Name: .*control characters/),
    });
    expect(await count(users)).toBe(before);
  });

  it("refuses a NUL in a paper title, author or abstract with a field message and adds no paper", async () => {
    const before = await count(papers);
    const base = { title: "A fine title", authors: ["Ada"], abstract: "", links: [] };
    const cases: Array<[string, Parameters<typeof ctx.as.member.papers.create>[0], string]> = [
      ["title", { ...base, title: "Sparse\u0000autoencoders" }, "Title"],
      ["author", { ...base, authors: ["Ada", "Bob\u0000"] }, "Authors, item 2"],
      ["abstract", { ...base, abstract: "We find\u0007 that" }, "Abstract"],
      ["venue", { ...base, venue: "NeurIPS\u0000" }, "Venue"],
    ];
    for (const [field, input, path] of cases) {
      await expect(ctx.as.member.papers.create(input), field).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringContaining(`${path}: Remove the control characters`),
      });
    }
    expect(await count(papers)).toBe(before);
  });

  it("refuses a title with a line break but stores NFC-normalised, trimmed text", async () => {
    await expect(ctx.as.member.papers.create({ title: "Two\nlines", authors: ["Ada"], links: [] })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/Title: Keep this on one line/) });
    const { id } = await ctx.as.member.papers.create({ title: "  Cafe\u0301 circuits  ", authors: ["Ada"], links: [] });
    const { paper } = await ctx.as.anonymous.papers.byId({ id });
    expect(paper.title).toBe("Caf\u00e9 circuits");
  });

  it("refuses NUL in a search query", async () => {
    await expect(ctx.as.anonymous.papers.list({ query: "probe\u0000" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/^Query: /) });
  });

  it("range-checks integer ids instead of failing in the database", async () => {
    await expect(ctx.as.anonymous.papers.byId({ id: 2_147_483_648 })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/^Id: /) });
    await expect(ctx.as.anonymous.papers.byId({ id: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(ctx.as.member.paperRevisions.proposeLink({ paperId: 2_147_483_648, technique: "caa", relation: "applies", message: "It applies CAA" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/^Paper id: /),
    });
    await expect(ctx.as.anonymous.papers.byId({ id: 2_147_483_647 })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("internal errors reach clients as a generic message with an error id", () => {
  it("hides the SQL, its parameters and the password hash, and logs the error once without parameters", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const error = await withBrokenUsersTable(() => callerFor(ctx.t.db, null).users.signUp({ email: "broken@example.org", password: "a long passphrase", name: "Ada" }).catch((e: unknown) => e));
    expect(error).toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
    const message = (error as Error).message;
    expect(message).toMatch(ERROR_ID);
    expect(message).not.toMatch(/Failed query|insert into|params|argon2|name_moved_away|users/i);
    const errorId = ERROR_ID.exec(message)?.[0].slice("error id ".length);

    const lines = log.mock.calls.map((args) => args.map(String).join(" "));
    const ours = lines.filter((line) => errorId && line.includes(errorId));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatch(/users\.signUp/);
    expect(ours[0]).toMatch(/PostgresError \[42703\]/); // class and SQLSTATE (undefined column)
    expect(lines.join("\n")).not.toMatch(/params:|\$argon2|broken@example\.org|a long passphrase/);
  });

  it("hides the error over HTTP too, with no stack in the error shape", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await withBrokenUsersTable(() =>
      handleTrpcRequest(
        new Request(trpcUrl("users.signUp"), { method: "POST", headers: { "content-type": "application/json" }, body: json({ email: "http@example.org", password: "a long passphrase", name: "Ada" }) }),
        async () => context(),
      ),
    );
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toMatch(ERROR_ID);
    expect(text).not.toMatch(/Failed query|insert into|params|argon2|name_moved_away|"stack"|\.ts:\d+/i);
    const body = JSON.parse(text) as { error: { json: { data: Record<string, unknown> } } };
    expect(body.error.json.data.stack).toBeUndefined();
    expect(body.error.json.data.errorId).toMatch(/^[0-9a-f]{12}$/);
  });

  it("answers 503 with a retry hint when the database cannot be reached", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const unreachable = connect("postgres://postgres@127.0.0.1:1/nothing", { max: 1 });
    try {
      await expect(callerFor(unreachable.db, null).papers.byId({ id: 1 })).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE", message: DATABASE_UNAVAILABLE_MESSAGE });
      const response = await handleTrpcRequest(new Request(trpcUrl(`papers.byId?input=${encodeURIComponent(json({ id: 1 }))}`)), async () => context({ db: unreachable.db }));
      expect(response.status).toBe(503);
      expect(await response.text()).toContain(DATABASE_UNAVAILABLE_MESSAGE);
    } finally {
      await unreachable.close();
    }
  });

  it("recognises connection failures, and only those, as the database being unavailable", () => {
    const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });
    for (const e of [withCode("ECONNREFUSED"), withCode("57P01"), withCode("57P03"), withCode("08006"), withCode("CONNECTION_CLOSED"), new Error("Connection terminated unexpectedly")]) {
      expect(isDatabaseUnavailable(e), String(e)).toBe(true);
      expect(isDatabaseUnavailable(new Error("Failed query: select 1", { cause: e })), `wrapped ${String(e)}`).toBe(true);
    }
    expect(isDatabaseUnavailable(new AggregateError([withCode("ECONNREFUSED")]))).toBe(true);
    for (const e of [withCode("42703"), withCode("23505"), withCode("22021"), new Error("Failed query: select 1\nparams: connection refused")]) {
      expect(isDatabaseUnavailable(e), String(e)).toBe(false);
    }
  });

  it("strips drizzle's parameter list from logged messages", () => {
    expect(safeMessage('Failed query: insert into "users" ("name") values ($1)\nparams: Ada,$argon2id$v=19$secret')).toBe('Failed query: insert into "users" ("name") values ($1)');
  });
});

describe("request size and batching", () => {
  it("refuses a streamed body past the cap with 413 without reading the rest", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let produced = 0;
    const total = 64 * 1024 * 1024;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (produced >= total) return controller.close();
        produced += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const init: RequestInit & { duplex: "half" } = { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" };
    const response = await handleTrpcRequest(new Request(trpcUrl("users.signUp"), init), async () => context());
    expect(response.status).toBe(413);
    expect(await response.text()).toContain(BODY_TOO_LARGE_MESSAGE);
    expect(produced).toBeLessThan(TRPC_MAX_BODY_BYTES + 16 * chunk.byteLength);
  });

  it("accepts a body under the cap", async () => {
    const response = await handleTrpcRequest(
      new Request(trpcUrl("users.signUp"), { method: "POST", headers: { "content-type": "application/json" }, body: json({ email: "ok@example.org", password: "a long passphrase", name: "Ok" }) }),
      async () => context(),
    );
    expect(response.status).toBe(200);
  });

  it("caps the number of calls in one batch", async () => {
    const batch = (n: number) => {
      const paths = Array.from({ length: n }, () => "papers.list").join(",");
      const input = Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { json: {} }]));
      return new Request(trpcUrl(`${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`));
    };
    const ok = await handleTrpcRequest(batch(TRPC_MAX_BATCH_SIZE), async () => context());
    expect(ok.status).toBe(200);
    const refused = await handleTrpcRequest(batch(TRPC_MAX_BATCH_SIZE + 1), async () => context());
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain(BATCH_TOO_LARGE_MESSAGE);
  });
});
