import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { papers, rateLimitHits, users } from "../../db/schema";
import { handleTrpcRequest } from "../../server/http/trpc-handler";
import { deleteEndedWindows, hitRateLimit, RATE_LIMITS, type RateLimit } from "../../server/services/rate-limit";
import { callerFor, createUser, testIp, useDatabaseWithRoles } from "../setup/callers";

const ctx = useDatabaseWithRoles();

async function count(table: typeof users | typeof papers) {
  const [row] = await ctx.t.db.select({ n: sql<number>`count(*)::int` }).from(table);
  return row?.n ?? 0;
}

const paper = (title: string) => ({ title, authors: ["Ada"], links: [] });
const TOO_MANY = { code: "TOO_MANY_REQUESTS", message: expect.stringMatching(/^Too many .*\. Try again in \d+ minutes?\.$/) };

describe("rate limits on writes", () => {
  it("allows five sign-ups per address per hour, counted across callers with the same address, then refuses and creates nothing", async () => {
    const ip = testIp();
    const first = callerFor(ctx.t.db, null, ip);
    const second = callerFor(ctx.t.db, null, ip);
    const max = RATE_LIMITS.signUpsPerIp.max;
    for (let i = 0; i < max; i++) {
      await (i % 2 ? second : first).users.signUp({ email: `s${i}@example.org`, password: "a long passphrase", name: `S ${i}` });
    }
    const before = await count(users);
    await expect(second.users.signUp({ email: "one-too-many@example.org", password: "a long passphrase", name: "Late" })).rejects.toMatchObject(TOO_MANY);
    expect(await count(users)).toBe(before);
    // Another address is not affected.
    await expect(callerFor(ctx.t.db, null).users.signUp({ email: "elsewhere@example.org", password: "a long passphrase", name: "Else" })).resolves.toMatchObject({ email: "elsewhere@example.org" });
  });

  it("does not count sign-ups refused for bad input", async () => {
    const ip = testIp();
    const caller = callerFor(ctx.t.db, null, ip);
    for (let i = 0; i < RATE_LIMITS.signUpsPerIp.max + 2; i++) {
      await expect(caller.users.signUp({ email: "bad", password: "a long passphrase", name: "B" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    await expect(caller.users.signUp({ email: "good@example.org", password: "a long passphrase", name: "G" })).resolves.toMatchObject({ email: "good@example.org" });
  });

  it("limits a member's writes across addresses, and writes nothing once refused", async () => {
    const member = await createUser(ctx.t.db, "member");
    const max = RATE_LIMITS.writesPerUser.max;
    for (let i = 0; i < max; i++) await callerFor(ctx.t.db, member, i < max / 2 ? "192.0.2.10" : "192.0.2.11").papers.create(paper(`Member paper ${i}`));
    const before = await count(papers);
    await expect(callerFor(ctx.t.db, member).papers.create(paper("One too many"))).rejects.toMatchObject(TOO_MANY);
    expect(await count(papers)).toBe(before);
    // Reads are never limited.
    await expect(callerFor(ctx.t.db, member).papers.list({})).resolves.toBeTruthy();
  });

  it("limits writes per address across users (failed writes count too)", async () => {
    const ip = testIp();
    const [a, b] = await Promise.all([createUser(ctx.t.db, "member"), createUser(ctx.t.db, "member")]);
    const max = RATE_LIMITS.writesPerIp.max;
    for (let i = 0; i < max; i++) {
      // A link to a paper that does not exist: refused by the service, but it is still a write attempt.
      await expect(callerFor(ctx.t.db, i % 2 ? a : b, ip).paperRevisions.proposeLink({ paperId: 999_999, technique: "caa", relation: "applies", message: "It applies CAA" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    const fresh = await createUser(ctx.t.db, "member");
    await expect(callerFor(ctx.t.db, fresh, ip).papers.create(paper("From a busy address"))).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS", message: expect.stringContaining("network address") });
    expect(await ctx.t.db.select().from(papers).where(eq(papers.title, "From a busy address"))).toHaveLength(0);
  });

  it("gives moderators a higher allowance", async () => {
    const moderator = await createUser(ctx.t.db, "moderator");
    const caller = callerFor(ctx.t.db, moderator);
    for (let i = 0; i <= RATE_LIMITS.writesPerUser.max; i++) await caller.papers.create(paper(`Moderator paper ${i}`));
    expect(RATE_LIMITS.writesPerStaffUser.max).toBeGreaterThan(RATE_LIMITS.writesPerUser.max);
  });
});

describe("over HTTP", () => {
  it("answers 429 with Retry-After once an address has used its sign-ups", async () => {
    const ip = testIp();
    const signUp = (i: number) =>
      handleTrpcRequest(
        new Request("http://mechmap.test/api/trpc/users.signUp", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ json: { email: `http-${i}@example.org`, password: "a long passphrase", name: `H ${i}` } }),
        }),
        async () => ({ db: ctx.t.db, getUser: async () => null, clientIp: ip }),
      );
    for (let i = 0; i < RATE_LIMITS.signUpsPerIp.max; i++) expect((await signUp(i)).status).toBe(200);
    const refused = await signUp(99);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.text()).toMatch(/Too many new accounts from your network address\. Try again in \d+ minutes?\./);
  });
});

describe("fixed-window counters", () => {
  const limit: RateLimit = { name: "test", max: 3, windowSeconds: 60, what: "tests" };

  it("counts atomically under concurrency", async () => {
    const now = new Date("2030-01-01T00:00:10Z");
    const results = await Promise.all(Array.from({ length: 20 }, () => hitRateLimit(ctx.t.db, limit, "concurrent", now)));
    expect(results.map((r) => r.hits).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(results.filter((r) => r.allowed)).toHaveLength(limit.max);
    expect(Math.max(...results.map((r) => r.retryAfterSeconds))).toBe(50);
  });

  it("starts afresh in the next window, and ended windows are deleted", async () => {
    const t0 = new Date("2030-01-02T00:00:00Z");
    for (let i = 0; i < limit.max; i++) await hitRateLimit(ctx.t.db, limit, "windows", t0);
    expect((await hitRateLimit(ctx.t.db, limit, "windows", t0)).allowed).toBe(false);
    const t1 = new Date(t0.getTime() + 60_000);
    expect(await hitRateLimit(ctx.t.db, limit, "windows", t1)).toMatchObject({ allowed: true, hits: 1 });
    await deleteEndedWindows(ctx.t.db, new Date(t0.getTime() + 2 * 3_600_000));
    expect(await ctx.t.db.select().from(rateLimitHits).where(eq(rateLimitHits.bucket, "test:windows"))).toHaveLength(0);
  });
});
