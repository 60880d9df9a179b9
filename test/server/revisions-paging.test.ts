import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { techniqueRevisions, techniques, users } from "../../db/schema";
import { MAX_PENDING_PER_TECHNIQUE, MAX_PENDING_PER_USER } from "../../server/services/revisions";
import { callerFor, createUser, useDatabaseWithRoles } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";

const ctx = useDatabaseWithRoles();
let ids: Record<string, number>;
beforeEach(async () => {
  await ctx.t.db.delete(techniques);
  ids = await insertSmallTaxonomy(ctx.t.db);
});

/** Revisions written straight to the table (the API would rate-limit a flood like this). */
async function insertPending(techniqueId: number, authorId: string, count: number, text = "x") {
  const base = Date.parse("2026-01-01T00:00:00Z");
  await ctx.t.db.insert(techniqueRevisions).values(
    Array.from({ length: count }, (_, i) => ({
      techniqueId,
      authorId,
      message: `edit ${i}`,
      changes: { description: `${text} ${i}` },
      before: { description: "" },
      createdAt: new Date(base + i * 1000),
    })),
  );
}

describe("bounded revision lists", () => {
  it("pages the technique's history, 20 per page, newest first, with the total and pending count", async () => {
    await insertPending(ids.caa!, ctx.as.users.member.id, 45, "a".repeat(20_000));
    const first = await ctx.as.anonymous.taxonomy.technique({ slug: "caa" });
    expect(first.history).toHaveLength(20);
    expect(first.history[0]?.message).toBe("edit 44");
    expect(first.historyPaging).toEqual({ total: 45, pending: 45, page: 1, pageCount: 3, pageSize: 20 });
    const third = await ctx.as.anonymous.taxonomy.technique({ slug: "caa", historyPage: 3 });
    expect(third.history.map((h) => h.message)).toEqual(["edit 4", "edit 3", "edit 2", "edit 1", "edit 0"]);
    // a page past the end shows the last one
    const past = await ctx.as.anonymous.taxonomy.technique({ slug: "caa", historyPage: 99 });
    expect(past.historyPaging.page).toBe(3);
  });

  it("pages the review queue, 20 per page, oldest first", async () => {
    await insertPending(ids.caa!, ctx.as.users.member.id, 25);
    await insertPending(ids.probing!, ctx.as.users.member.id, 5);
    expect(await ctx.as.moderator.revisions.pendingCount()).toEqual({ total: 30, pageCount: 2, pageSize: 20 });
    const first = await ctx.as.moderator.revisions.pending();
    expect(first).toHaveLength(20);
    expect(first[0]?.message).toBe("edit 0");
    const second = await ctx.as.moderator.revisions.pending({ page: 2 });
    expect(second).toHaveLength(10);
    expect(await ctx.as.moderator.revisions.pending({ page: 3 })).toEqual([]);
    await expect(ctx.as.member.revisions.pendingCount()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(ctx.as.moderator.revisions.pending({ page: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("pending proposals per person", () => {
  it(`allows ${MAX_PENDING_PER_TECHNIQUE} pending edits of one technique per person`, async () => {
    const author = await createUser(ctx.t.db, "member");
    const as = callerFor(ctx.t.db, author);
    for (let i = 0; i < MAX_PENDING_PER_TECHNIQUE; i++) {
      await as.revisions.propose({ slug: "caa", changes: { summary: `A summary of the technique, version ${i}` }, message: "Better wording" });
    }
    await expect(as.revisions.propose({ slug: "caa", changes: { summary: "A summary of the technique, one more" }, message: "Better wording" })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringContaining(`${MAX_PENDING_PER_TECHNIQUE} edits of this technique waiting`),
    });
    // another technique is still open to them
    await expect(as.revisions.propose({ slug: "probing", changes: { summary: "Read properties off activations" }, message: "Better wording" })).resolves.toHaveProperty("id");
  });

  it(`allows ${MAX_PENDING_PER_USER} pending edits overall per person, and more once some are reviewed`, async () => {
    const author = await createUser(ctx.t.db, "member");
    const as = callerFor(ctx.t.db, author);
    await insertPending(ids.steering!, author.id, MAX_PENDING_PER_USER);
    await expect(as.revisions.propose({ slug: "caa", changes: { summary: "A summary of the technique, new" }, message: "Better wording" })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringContaining(`${MAX_PENDING_PER_USER} edits waiting`),
    });
    const queue = await ctx.as.moderator.revisions.pending();
    const mine = queue.find((r) => r.authorId === author.id);
    await ctx.as.moderator.revisions.review({ revisionId: mine!.id, decision: "reject", comment: "" });
    await expect(as.revisions.propose({ slug: "caa", changes: { summary: "A summary of the technique, new" }, message: "Better wording" })).resolves.toHaveProperty("id");
  });

  it("counts concurrent proposals against the limit", async () => {
    const author = await createUser(ctx.t.db, "member");
    const as = callerFor(ctx.t.db, author);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => as.revisions.propose({ slug: "caa", changes: { summary: `A summary of the technique, try ${i}` }, message: "Better wording" })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(MAX_PENDING_PER_TECHNIQUE);
  });
});

describe("public names", () => {
  it("shows a handle, never the email, for a person without a name", async () => {
    const author = await createUser(ctx.t.db, "member", "private.person@example.org");
    await ctx.t.db.update(users).set({ name: null }).where(eq(users.id, author.id));
    const reviewer = await createUser(ctx.t.db, "moderator", "private.moderator@example.org");
    await ctx.t.db.update(users).set({ name: "   " }).where(eq(users.id, reviewer.id));
    const as = callerFor(ctx.t.db, { ...author, name: null });
    const { id } = await as.revisions.propose({ slug: "caa", changes: { summary: "A summary of the technique, anonymous" }, message: "Better wording" });

    const queue = await ctx.as.moderator.revisions.pending();
    const item = queue.find((r) => r.id === id);
    expect(item?.authorName).toMatch(/^member-[0-9a-f]{8}$/);
    expect(JSON.stringify(queue)).not.toContain("@example.org");

    await callerFor(ctx.t.db, reviewer).revisions.review({ revisionId: id, decision: "reject", comment: "No" });
    const page = await ctx.as.anonymous.taxonomy.technique({ slug: "caa" });
    const rev = page.history.find((r) => r.id === id);
    expect(rev?.authorName).toBe(item?.authorName);
    expect(rev?.reviewerName).toMatch(/^member-[0-9a-f]{8}$/);
    expect(rev?.reviewerName).not.toBe(rev?.authorName);
    expect(JSON.stringify(page)).not.toContain("@example.org");
  });

  it("shows the name when there is one", async () => {
    const { id } = await ctx.as.member.revisions.propose({ slug: "caa", changes: { summary: "A summary of the technique, named" }, message: "Better wording" });
    const page = await ctx.as.anonymous.taxonomy.technique({ slug: "caa" });
    expect(page.history.find((r) => r.id === id)?.authorName).toBe("Test member");
  });
});
