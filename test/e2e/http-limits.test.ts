import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseConnection } from "../../db/client";
import { papers, users } from "../../db/schema";
import { BATCH_TOO_LARGE_MESSAGE, BODY_TOO_LARGE_MESSAGE, TRPC_MAX_BODY_BYTES } from "../../server/http/limits";

/** The tRPC endpoint's limits and error hiding, against the production build served by scripts/serve.ts. */

const baseUrl = inject("e2eBaseUrl");
const url = (p: string) => new URL(p, baseUrl).toString();
const run = randomBytes(4).toString("hex");

let connection: DatabaseConnection;

beforeAll(() => {
  connection = connect(inject("e2eDatabaseUrl"), { max: 1 });
});

afterAll(async () => {
  await connection?.close();
});

async function healthy() {
  const response = await fetch(url("/api/trpc/taxonomy.graph"), { signal: AbortSignal.timeout(30_000) });
  expect(response.status).toBe(200);
}

interface Answer {
  status: number;
  body: string;
  /** Bytes of request body written before the answer arrived. */
  sent: number;
}

/**
 * POSTs a body of `total` bytes in 64 KiB chunks, with or without Content-Length (chunked), and
 * stops writing as soon as the server answers.
 */
function upload(path: string, total: number, options: { declareLength: boolean }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    let answered = false;
    const req = request(url(path), {
      method: "POST",
      headers: { "content-type": "application/json", ...(options.declareLength ? { "content-length": String(total) } : {}) },
    });
    req.setTimeout(60_000, () => req.destroy(new Error("no answer within 60 s")));
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body, sent });
        req.destroy();
      });
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const write = () => {
      while (!answered && sent < total) {
        sent += chunk.byteLength;
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      if (!answered) req.end();
    };
    write();
  });
}

describe("request body cap", () => {
  it("refuses a 2 MB sign-up body with 413 and a clear message, and keeps serving", async () => {
    const started = Date.now();
    const answer = await upload("/api/trpc/users.signUp", 2 * 1024 * 1024, { declareLength: true });
    console.log(`2 MB body: ${answer.status} after ${Date.now() - started} ms, ${answer.sent} bytes written`);
    expect(answer.status).toBe(413);
    expect(answer.body).toContain(BODY_TOO_LARGE_MESSAGE);
    await healthy();
  });

  it("refuses a chunked body without Content-Length once it passes the cap", async () => {
    const total = 256 * 1024 * 1024;
    const started = Date.now();
    const answer = await upload("/api/trpc/users.signUp", total, { declareLength: false });
    console.log(`chunked body: ${answer.status} after ${Date.now() - started} ms, ${answer.sent} of ${total} bytes written`);
    expect(answer.status).toBe(413);
    expect(answer.body).toContain(BODY_TOO_LARGE_MESSAGE);
    expect(answer.sent).toBeGreaterThan(TRPC_MAX_BODY_BYTES);
    // The route stops reading past the cap (proxy.ts does not run on /api, so nothing drains the body first).
    expect(answer.sent).toBeLessThan(total);
    await healthy();
  });
});

describe("batch cap", () => {
  it("refuses a GET batch of 1,000 taxonomy.graph calls with 400", async () => {
    const paths = Array.from({ length: 1000 }, () => "taxonomy.graph").join(",");
    const response = await fetch(url(`/api/trpc/${paths}?batch=1`), { signal: AbortSignal.timeout(30_000) });
    const body = await response.text();
    expect(response.status).toBe(400);
    expect(body).toContain(BATCH_TOO_LARGE_MESSAGE);
    expect(body.length).toBeLessThan(10_000);
  });

  it("refuses 300 sign-ups in one batch and creates no account", async () => {
    const emails = Array.from({ length: 300 }, (_, i) => `batch-${run}-${i}@example.test`);
    const paths = emails.map(() => "users.signUp").join(",");
    const input = Object.fromEntries(emails.map((email, i) => [i, { json: { email, password: "a long passphrase", name: `Batch ${i}` } }]));
    const response = await fetch(url(`/api/trpc/${paths}?batch=1`), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(30_000),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(BATCH_TOO_LARGE_MESSAGE);
    expect(await connection.db.select({ id: users.id }).from(users).where(inArray(users.email, emails))).toHaveLength(0);
  });
});

describe("internal errors", () => {
  it("answer 500 with an error id and no SQL", async () => {
    const [paper] = await connection.db.select({ id: papers.id }).from(papers).limit(1);
    if (!paper) throw new Error("the demo seed has no paper");
    // Break the query behind papers.byId for a moment (files run one at a time, so nothing else is affected).
    await connection.db.execute(sql`alter table paper_techniques rename column note to note_moved_away`);
    let response: Response;
    try {
      response = await fetch(url(`/api/trpc/papers.byId?input=${encodeURIComponent(JSON.stringify({ json: { id: paper.id } }))}`), { signal: AbortSignal.timeout(30_000) });
    } finally {
      await connection.db.execute(sql`alter table paper_techniques rename column note_moved_away to note`);
    }
    const body = await response.text();
    expect(response.status).toBe(500);
    expect(body).toMatch(/error id [0-9a-f]{12}/);
    expect(body).not.toMatch(/Failed query|select|paper_techniques|note_moved_away|params|"stack"/i);
    await healthy();
  });
});
