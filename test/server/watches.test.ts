/**
 * Watching techniques: watch/unwatch, what changed since the last visit (accepted changes only,
 * with the pending count), marking seen (never backwards, never past what was shown), the
 * Watching list's counts, who may watch, and the write rate limit. Real PostgreSQL.
 */
import { and, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { paperRevisions, papers, techniqueRevisions, techniques, techniqueWatches } from "../../db/schema";
import { RATE_LIMITS } from "../../server/services/rate-limit";
import { MAX_WATCHES_PER_USER, SINCE_VISIT_LIMIT } from "../../server/services/watches";
import { callerFor, createUser, useDatabaseWithRoles } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";

const ctx = useDatabaseWithRoles();
let ids: Record<string, number>;
let paperId: number;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

beforeEach(async () => {
  await ctx.t.db.delete(techniqueRevisions);
  await ctx.t.db.delete(paperRevisions);
  await ctx.t.db.delete(techniqueWatches);
  await ctx.t.db.delete(papers);
  await ctx.t.db.delete(techniques);
  ids = await insertSmallTaxonomy(ctx.t.db);
  const [paper] = await ctx.t.db.insert(papers).values({ title: "Representation Engineering", authors: ["Andy Zou"], year: 2023 }).returning({ id: papers.id });
  paperId = paper!.id;
});

async function edit(techniqueId: number, status: "accepted" | "pending" | "rejected", reviewedAt: Date | null, message = "An edit") {
  const [row] = await ctx.t.db
    .insert(techniqueRevisions)
    .values({
      techniqueId,
      authorId: ctx.as.users.admin.id,
      message,
      changes: { summary: `${message}, a new summary` },
      before: { summary: "old" },
      status,
      reviewerId: status === "pending" ? null : ctx.as.users.moderator.id,
      reviewedAt,
    })
    .returning({ id: techniqueRevisions.id });
  return `t${row!.id}`;
}

async function link(techniqueId: number, status: "accepted" | "pending", reviewedAt: Date | null) {
  const [row] = await ctx.t.db
    .insert(paperRevisions)
    .values({
      paperId,
      kind: "link",
      authorId: ctx.as.users.admin.id,
      message: "It applies it",
      changes: { techniqueId, relation: "applies", note: null },
      before: {},
      status,
      reviewerId: status === "pending" ? null : ctx.as.users.moderator.id,
      reviewedAt,
    })
    .returning({ id: paperRevisions.id });
  return `p${row!.id}`;
}

/** Puts the member's last visit of a technique at a known time. */
async function lastSeen(userId: string, techniqueId: number, at: Date) {
  await ctx.t.db
    .update(techniqueWatches)
    .set({ lastSeenAt: at })
    .where(and(eq(techniqueWatches.userId, userId), eq(techniqueWatches.techniqueId, techniqueId)));
}

describe("watching", () => {
  it("watch, watching, unwatch; twice is harmless; unknown techniques are NOT_FOUND", async () => {
    const me = ctx.as.member;
    expect(await me.changes.watching({ slug: "caa" })).toEqual({ signedIn: true, watching: false, lastSeenAt: null });
    const watched = await me.changes.watch({ slug: "caa" });
    expect(watched).toMatchObject({ slug: "caa", watching: true });
    expect(Math.abs(watched.lastSeenAt.getTime() - Date.now())).toBeLessThan(60_000);
    await expect(me.changes.watch({ slug: "caa" })).resolves.toMatchObject({ watching: true, lastSeenAt: watched.lastSeenAt });
    expect(await me.changes.watching({ slug: "caa" })).toEqual({ signedIn: true, watching: true, lastSeenAt: watched.lastSeenAt });
    // Another member's watch is theirs alone.
    expect((await ctx.as.moderator.changes.watching({ slug: "caa" })).watching).toBe(false);
    await expect(me.changes.unwatch({ slug: "caa" })).resolves.toEqual({ slug: "caa", watching: false });
    await expect(me.changes.unwatch({ slug: "caa" })).resolves.toEqual({ slug: "caa", watching: false });
    expect((await me.changes.watching({ slug: "caa" })).watching).toBe(false);
    await expect(me.changes.watch({ slug: "no-such-technique" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("visitors cannot watch, unwatch, mark seen or list; reading tells them they are signed out", async () => {
    const visitor = ctx.as.anonymous;
    for (const call of [
      () => visitor.changes.watch({ slug: "caa" }),
      () => visitor.changes.unwatch({ slug: "caa" }),
      () => visitor.changes.markSeen({ slug: "caa" }),
      () => visitor.changes.watched(),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    expect(await visitor.changes.watching({ slug: "caa" })).toEqual({ signedIn: false, watching: false, lastSeenAt: null });
    expect(await visitor.changes.sinceLastVisit({ slug: "caa" })).toBeNull();
    expect(await ctx.t.db.select().from(techniqueWatches)).toEqual([]);
  });

  it(`allows ${MAX_WATCHES_PER_USER} watched techniques per member`, async () => {
    const member = await createUser(ctx.t.db, "member");
    const rows = await ctx.t.db
      .insert(techniques)
      .values(Array.from({ length: MAX_WATCHES_PER_USER }, (_, i) => ({ slug: `bulk-${i}`, name: `Bulk ${i}`, summary: "Made for the watch limit" })))
      .returning({ id: techniques.id });
    await ctx.t.db.insert(techniqueWatches).values(rows.map((r) => ({ userId: member.id, techniqueId: r.id })));
    const as = callerFor(ctx.t.db, member);
    await expect(as.changes.watch({ slug: "caa" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining(`${MAX_WATCHES_PER_USER} techniques`) });
    // Re-watching one already watched is still fine.
    await expect(as.changes.watch({ slug: "bulk-3" })).resolves.toMatchObject({ watching: true });
  });

  it("counts watch mutations against the member's write limit", async () => {
    const member = await createUser(ctx.t.db, "member");
    const as = callerFor(ctx.t.db, member);
    for (let i = 0; i < RATE_LIMITS.writesPerUser.max; i++) {
      await (i % 2 === 0 ? as.changes.watch({ slug: "caa" }) : as.changes.unwatch({ slug: "caa" }));
    }
    await expect(as.changes.watch({ slug: "probing" })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    await expect(as.changes.markSeen({ slug: "caa" })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    // Reads are not limited.
    await expect(as.changes.watching({ slug: "caa" })).resolves.toMatchObject({ signedIn: true });
  });
});

describe("since your last visit", () => {
  it("lists accepted changes after the last visit, newest first, with the count of pending proposals", async () => {
    const member = await createUser(ctx.t.db, "member");
    const as = callerFor(ctx.t.db, member);
    await as.changes.watch({ slug: "caa" });
    const seenAt = minutesAgo(60);
    await lastSeen(member.id, ids.caa!, seenAt);
    await edit(ids.caa!, "accepted", minutesAgo(90), "Seen before");
    const newEdit = await edit(ids.caa!, "accepted", minutesAgo(30), "New since");
    const newLink = await link(ids.caa!, "accepted", minutesAgo(20));
    await edit(ids.caa!, "rejected", minutesAgo(10), "Rejected since");
    await edit(ids.caa!, "pending", null, "Waiting one");
    await link(ids.caa!, "pending", null);
    await edit(ids.probing!, "accepted", minutesAgo(5), "Another technique");
    const since = await as.changes.sinceLastVisit({ slug: "caa" });
    expect(since).not.toBeNull();
    expect(since!.changes.map((c) => c.key)).toEqual([newLink, newEdit]);
    expect(since!.changes[0]?.title).toBe("Linked ‘Representation Engineering’ to ‘Contrastive Activation Addition’ (applies)");
    expect(since!.total).toBe(2);
    expect(since!.pending).toBe(2);
    expect(since!.lastSeenAt).toEqual(seenAt);
    expect(since!.asOf).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    // Not watching: nothing to say.
    expect(await as.changes.sinceLastVisit({ slug: "probing" })).toBeNull();
  });

  it(`shows at most ${SINCE_VISIT_LIMIT} and counts the rest`, async () => {
    await ctx.as.member.changes.watch({ slug: "steering" });
    await lastSeen(ctx.as.users.member.id, ids.steering!, minutesAgo(120));
    for (let i = 0; i < SINCE_VISIT_LIMIT + 5; i++) await edit(ids.steering!, "accepted", minutesAgo(100 - i), `Edit ${i}`);
    const since = await ctx.as.member.changes.sinceLastVisit({ slug: "steering" });
    expect(since?.changes).toHaveLength(SINCE_VISIT_LIMIT);
    expect(since?.total).toBe(SINCE_VISIT_LIMIT + 5);
    expect(since?.changes[0]?.message).toBe(`Edit ${SINCE_VISIT_LIMIT + 4}`);
  });

  it("marks seen up to what was shown: a change accepted meanwhile still shows next time; the mark never goes back", async () => {
    const member = await createUser(ctx.t.db, "member");
    const as = callerFor(ctx.t.db, member);
    await as.changes.watch({ slug: "caa" });
    await lastSeen(member.id, ids.caa!, minutesAgo(60));
    await edit(ids.caa!, "accepted", minutesAgo(30), "Shown");
    const shown = await as.changes.sinceLastVisit({ slug: "caa" });
    expect(shown?.changes.map((c) => c.message)).toEqual(["Shown"]);
    // Accepted after the list was read (but before the member marks it seen).
    const meanwhile = await edit(ids.caa!, "accepted", null, "Meanwhile");
    await ctx.t.db.execute(sql`update technique_revisions set reviewed_at = ${shown!.asOf}::timestamptz + interval '1 microsecond' where id = ${Number(meanwhile.slice(1))}`);
    const marked = await as.changes.markSeen({ slug: "caa", asOf: shown!.asOf });
    expect(marked.lastSeenAt.getTime()).toBe(new Date(shown!.asOf).getTime());
    const next = await as.changes.sinceLastVisit({ slug: "caa" });
    expect(next?.changes.map((c) => c.key)).toEqual([meanwhile]);
    // An older instant does not move the mark back.
    const again = await as.changes.markSeen({ slug: "caa", asOf: "2020-01-01T00:00:00.000000Z" });
    expect(again.lastSeenAt).toEqual(marked.lastSeenAt);
    // A future instant is capped at now; without one, everything until now is seen.
    const future = await as.changes.markSeen({ slug: "caa", asOf: "2999-01-01T00:00:00.000000Z" });
    expect(future.lastSeenAt.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
    expect((await as.changes.sinceLastVisit({ slug: "caa" }))?.changes).toEqual([]);
    await expect(as.changes.markSeen({ slug: "caa", asOf: "yesterday" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(as.changes.markSeen({ slug: "probing" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("watch it first") });
  });

  it("lists the member's watched techniques with the changes since each last visit, agreeing with sinceLastVisit", async () => {
    const member = await createUser(ctx.t.db, "member");
    const as = callerFor(ctx.t.db, member);
    expect(await as.changes.watched()).toEqual([]);
    for (const slug of ["caa", "probing", "steering"]) await as.changes.watch({ slug });
    for (const id of [ids.caa!, ids.probing!, ids.steering!]) await lastSeen(member.id, id, minutesAgo(60));
    await edit(ids.caa!, "accepted", minutesAgo(30));
    await link(ids.caa!, "accepted", minutesAgo(25));
    await edit(ids.probing!, "accepted", minutesAgo(20));
    await edit(ids.probing!, "accepted", minutesAgo(90));
    await edit(ids.steering!, "pending", null);
    const list = await as.changes.watched();
    expect(list.map((w) => [w.slug, w.changesSince])).toEqual([
      ["caa", 2],
      ["probing", 1],
      ["steering", 0],
    ]);
    for (const w of list) expect((await as.changes.sinceLastVisit({ slug: w.slug }))?.total).toBe(w.changesSince);
    // Others' watches are not listed.
    expect(await ctx.as.moderator.changes.watched()).toEqual([]);
  });
});
