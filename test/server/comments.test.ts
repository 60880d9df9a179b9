/** Threaded comments: rendering, threads and the depth cap, targets, drafts, edit/delete/hide, pages, limits, XSS. */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { comments, papers, techniques } from "../../db/schema";
import { closeMarkdownRenderer } from "../../server/render/markdown";
import { COMMENTS_PAGE_SIZE, MAX_COMMENT_LEVEL } from "../../server/services/comments/input";
import { createComment, deleteComment } from "../../server/services/comments/write";
import { RATE_LIMITS } from "../../server/services/rate-limit";
import type { SessionUser } from "../../server/trpc/context";
import { unsafeMarkup, XSS_PAYLOADS } from "../fixtures/xss-payloads";
import { callerFor, createUser, useDatabaseWithRoles, type Caller } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";
import { insertExperiment, insertModel, insertRun } from "./comments-fixtures";

const ctx = useDatabaseWithRoles({ before: insertSmallTaxonomy });
afterAll(() => closeMarkdownRenderer());

let author: SessionUser;
let asAuthor: Caller;
let paperId: number;
let probingId: number;

/** A fresh member with a caller of their own (own rate-limit counters). */
async function member(): Promise<{ user: SessionUser; caller: Caller }> {
  const user = await createUser(ctx.t.db, "member");
  return { user, caller: callerFor(ctx.t.db, user) };
}

beforeAll(async () => {
  author = await createUser(ctx.t.db, "member");
  asAuthor = callerFor(ctx.t.db, author);
  const [paper] = await ctx.t.db.insert(papers).values({ title: "Discussed paper", authors: ["A. Author"], year: 2024 }).returning({ id: papers.id });
  paperId = paper!.id;
  const [probing] = await ctx.t.db.select({ id: techniques.id }).from(techniques).where(eq(techniques.slug, "probing"));
  probingId = probing!.id;
});

describe("posting", () => {
  it("renders markdown and KaTeX once, shows the author's name and never an email", async () => {
    const { user, caller } = await member();
    const created = await caller.comments.create({ target: "technique", id: "steering", body: "A **bold** claim: $x^2$." });
    const [row] = await ctx.t.db.select().from(comments).where(eq(comments.id, created.id));
    expect(row!.bodyHtml).toContain("<strong>bold</strong>");
    expect(row!.bodyHtml).toContain('class="katex"');
    const list = await ctx.as.anonymous.comments.list({ target: "technique", id: "steering" });
    const item = list.items.find((c) => c.id === created.id)!;
    expect(item.author).toBe(user.name);
    expect(item.content?.html).toBe(row!.bodyHtml);
    expect(JSON.stringify(list)).not.toContain(user.email);
  });

  it("a technique's slug and its id name the same discussion", async () => {
    const { caller } = await member();
    const a = await caller.comments.create({ target: "technique", id: "probing", body: "by slug" });
    const b = await caller.comments.create({ target: "technique", id: probingId, body: "by id" });
    const list = await ctx.as.anonymous.comments.list({ target: "technique", id: String(probingId) });
    expect(list.items.map((c) => c.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(list.target).toEqual({ type: "technique", id: String(probingId) });
  });

  it("comments on papers, published experiments and their runs", async () => {
    const experiment = await insertExperiment(ctx.t.db, author.id);
    const model = await insertModel(ctx.t.db);
    const runId = await insertRun(ctx.t.db, experiment.versionId, model);
    const { caller } = await member();
    for (const [target, id] of [["paper", paperId], ["experiment", experiment.id], ["run", runId]] as const) {
      const c = await caller.comments.create({ target, id, body: `on the ${target}` });
      const list = await ctx.as.anonymous.comments.list({ target, id });
      expect(list.items.map((i) => i.id)).toContain(c.id);
    }
  });

  it("refuses a target that does not exist with NOT_FOUND and writes nothing", async () => {
    const { caller } = await member();
    const before = (await ctx.t.db.select().from(comments)).length;
    const missing = [
      { target: "technique", id: "no-such-technique" },
      { target: "technique", id: 999_999 },
      { target: "paper", id: 999_999 },
      { target: "paper", id: "abc" },
      { target: "experiment", id: 999_999 },
      { target: "run", id: 999_999 },
      { target: "run", id: "0" },
    ] as const;
    for (const t of missing) {
      await expect(caller.comments.create({ ...t, body: "hello" })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(ctx.as.anonymous.comments.list(t)).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    expect((await ctx.t.db.select().from(comments)).length).toBe(before);
  });

  it("refuses empty, over-long and control-character bodies with a field message", async () => {
    const { caller } = await member();
    await expect(caller.comments.create({ target: "technique", id: "caa", body: "   " })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("Write something") });
    await expect(caller.comments.create({ target: "technique", id: "caa", body: "x".repeat(10_001) })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("10,000") });
    await expect(caller.comments.create({ target: "technique", id: "caa", body: "nul \u0000 here" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("control characters") });
    await expect(caller.comments.create({ target: "technique", id: "caa", body: "x".repeat(10_000) })).resolves.toMatchObject({ id: expect.any(Number) });
  });

  it("stores why a body could not be rendered and shows its source instead", async () => {
    const { caller } = await member();
    const body = ">".repeat(40) + " too deep";
    const c = await caller.comments.create({ target: "technique", id: "caa", body });
    const list = await ctx.as.anonymous.comments.list({ target: "technique", id: "caa" });
    const item = list.items.find((i) => i.id === c.id)!;
    expect(item.content).toEqual({ html: null, renderError: expect.stringContaining("nests"), source: body });
  });

  it("renders every XSS payload harmless (no script, handler, javascript: or data: URL, no KaTeX link)", async () => {
    const { caller } = await member();
    expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(20);
    for (const payload of XSS_PAYLOADS) {
      const c = await caller.comments.create({ target: "technique", id: "control-tasks", body: payload.text });
      const [row] = await ctx.t.db.select({ html: comments.bodyHtml, error: comments.bodyRenderError }).from(comments).where(eq(comments.id, c.id));
      expect(row!.html ?? row!.error, payload.name).not.toBeNull();
      expect(unsafeMarkup(row!.html ?? ""), payload.name).toEqual([]);
    }
  });
});

it("the XSS check itself finds what it must", () => {
  expect(unsafeMarkup('<p><img src="x" onerror="a()"><a href="JaVa&#x53;cript:x">y</a><script>z</script></p>')).toEqual(["onerror handler on <img>", 'href="JaVa&#x53;cript:x" on <a>', "<script> element"]);
  expect(unsafeMarkup('<p>javascript: onerror=1 <a href="https://e.org">ok</a></p>')).toEqual([]);
});

describe("threads", () => {
  it("nests replies at most MAX_COMMENT_LEVEL deep: a deeper reply joins the deepest level", async () => {
    const { caller } = await member();
    const root = await caller.comments.create({ target: "technique", id: "linear-probing", body: "level 1" });
    let parent = root.id;
    const ids = [root.id];
    for (let level = 2; level <= MAX_COMMENT_LEVEL + 2; level++) {
      const reply = await caller.comments.create({ target: "technique", id: "linear-probing", parentId: parent, body: `reply ${level}` });
      ids.push(reply.id);
      parent = reply.id;
    }
    // Levels 1..4 chain; the 5th and 6th replies attach to the level-3 comment, becoming level-4 siblings.
    expect(MAX_COMMENT_LEVEL).toBe(4);
    const rows = await ctx.t.db.select({ id: comments.id, parentId: comments.parentId }).from(comments).where(eq(comments.targetId, String((await ctx.t.db.select({ id: techniques.id }).from(techniques).where(eq(techniques.slug, "linear-probing")))[0]!.id)));
    const parentOf = new Map(rows.map((r) => [r.id, r.parentId]));
    expect(ids.map((id) => parentOf.get(id))).toEqual([null, ids[0], ids[1], ids[2], ids[2], ids[2]]);
    const list = await ctx.as.anonymous.comments.list({ target: "technique", id: "linear-probing" });
    const thread = list.items.find((c) => c.id === root.id)!;
    const level3 = thread.replies[0]!.replies[0]!;
    expect(level3.replies.map((r) => r.id)).toEqual([ids[3], ids[4], ids[5]]);
    expect(level3.replies.every((r) => r.replies.length === 0)).toBe(true);
  });

  it("refuses a parent from another target, and replies to a deleted comment", async () => {
    const { caller } = await member();
    const other = await caller.comments.create({ target: "technique", id: "steering", body: "elsewhere" });
    await expect(caller.comments.create({ target: "technique", id: "caa", parentId: other.id, body: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(caller.comments.create({ target: "technique", id: "caa", parentId: 999_999, body: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const root = await caller.comments.create({ target: "technique", id: "caa", body: "root" });
    await caller.comments.create({ target: "technique", id: "caa", parentId: root.id, body: "keeps it alive" });
    await caller.comments.delete({ id: root.id });
    await expect(caller.comments.create({ target: "technique", id: "caa", parentId: root.id, body: "x" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("pages top-level threads newest first, 50 a page, with their replies oldest first", async () => {
    const { user } = await member();
    const experiment = await insertExperiment(ctx.t.db, author.id);
    // Inserted directly with spaced times: 55 threads would spend this member's write allowance.
    const base = Date.now() - 1_000_000;
    const roots = await ctx.t.db
      .insert(comments)
      .values(Array.from({ length: COMMENTS_PAGE_SIZE + 5 }, (_, i) => ({ targetType: "experiment" as const, targetId: String(experiment.id), authorId: user.id, body: `t${i}`, bodyHtml: `<p>t${i}</p>`, createdAt: new Date(base + i * 1000) })))
      .returning({ id: comments.id });
    await ctx.t.db.insert(comments).values([
      { targetType: "experiment", targetId: String(experiment.id), parentId: roots[0]!.id, authorId: user.id, body: "r2", bodyHtml: "<p>r2</p>", createdAt: new Date(base + 100_000) },
      { targetType: "experiment", targetId: String(experiment.id), parentId: roots[0]!.id, authorId: user.id, body: "r1", bodyHtml: "<p>r1</p>", createdAt: new Date(base + 99_000) },
    ]);
    const page1 = await ctx.as.anonymous.comments.list({ target: "experiment", id: experiment.id });
    expect(page1.items).toHaveLength(COMMENTS_PAGE_SIZE);
    expect(page1.items[0]!.content?.source).toBe(`t${COMMENTS_PAGE_SIZE + 4}`);
    expect(page1).toMatchObject({ threads: COMMENTS_PAGE_SIZE + 5, count: COMMENTS_PAGE_SIZE + 7, pageCount: 2 });
    const page2 = await ctx.as.anonymous.comments.list({ target: "experiment", id: experiment.id, page: 2 });
    expect(page2.items.map((c) => c.content?.source)).toEqual(["t4", "t3", "t2", "t1", "t0"]);
    expect(page2.items[4]!.replies.map((r) => r.content?.source)).toEqual(["r1", "r2"]);
  });
});

describe("edit, delete, hide", () => {
  it("edits your own comment (re-rendered, marked edited); nobody else may", async () => {
    const c = await asAuthor.comments.create({ target: "technique", id: "steering", body: "first" });
    await asAuthor.comments.edit({ id: c.id, body: "second *take*" });
    const [row] = await ctx.t.db.select().from(comments).where(eq(comments.id, c.id));
    expect(row).toMatchObject({ body: "second *take*", bodyHtml: expect.stringContaining("<em>take</em>"), editedAt: expect.any(Date) });
    for (const other of [ctx.as.member, ctx.as.moderator, ctx.as.admin]) {
      await expect(other.comments.edit({ id: c.id, body: "hijacked" })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(other.comments.delete({ id: c.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect((await ctx.t.db.select().from(comments).where(eq(comments.id, c.id)))[0]!.body).toBe("second *take*");
  });

  it("deleting a comment with replies leaves a placeholder; deleting the last reply removes both", async () => {
    const { caller: replier } = await member();
    const root = await asAuthor.comments.create({ target: "paper", id: paperId, body: "secret words" });
    const reply = await replier.comments.create({ target: "paper", id: paperId, parentId: root.id, body: "an answer" });
    await expect(asAuthor.comments.delete({ id: root.id })).resolves.toEqual({ id: root.id, removed: false });
    const list = await ctx.as.anonymous.comments.list({ target: "paper", id: paperId });
    const placeholder = list.items.find((c) => c.id === root.id)!;
    expect(placeholder).toMatchObject({ deleted: true, author: null, content: null, canReply: false });
    expect(placeholder.replies.map((r) => r.id)).toEqual([reply.id]);
    expect(JSON.stringify(list)).not.toContain("secret words");
    await expect(asAuthor.comments.edit({ id: root.id, body: "back" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(replier.comments.delete({ id: reply.id })).resolves.toEqual({ id: reply.id, removed: true });
    expect(await ctx.t.db.select().from(comments).where(eq(comments.id, root.id))).toHaveLength(0);
  });

  it("a hidden comment shows its content only to its author and moderators, and leaves the home page", async () => {
    const c = await asAuthor.comments.create({ target: "technique", id: "caa", body: "rude remark" });
    expect((await ctx.as.anonymous.comments.recent({ limit: 20 })).map((r) => r.id)).toContain(c.id);
    await expect(ctx.as.member.comments.setHidden({ id: c.id, hidden: true })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await ctx.as.moderator.comments.setHidden({ id: c.id, hidden: true });
    const [row] = await ctx.t.db.select().from(comments).where(eq(comments.id, c.id));
    expect(row).toMatchObject({ hidden: true, hiddenById: ctx.as.users.moderator.id });
    const find = async (caller: Caller) => (await caller.comments.list({ target: "technique", id: "caa" })).items.find((i) => i.id === c.id)!;
    for (const other of [ctx.as.anonymous, ctx.as.member]) {
      const seen = await find(other);
      expect(seen).toMatchObject({ hidden: true, content: null, canReply: false });
    }
    for (const privileged of [asAuthor, ctx.as.moderator, ctx.as.admin]) expect((await find(privileged)).content?.source).toBe("rude remark");
    expect((await ctx.as.anonymous.comments.recent({ limit: 20 })).map((r) => r.id)).not.toContain(c.id);
    // Nobody but the author and moderators can reply under it.
    await expect(ctx.as.member.comments.create({ target: "technique", id: "caa", parentId: c.id, body: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await ctx.as.moderator.comments.setHidden({ id: c.id, hidden: false });
    expect(await find(ctx.as.anonymous)).toMatchObject({ hidden: false, content: { source: "rude remark" } });
    expect((await ctx.t.db.select().from(comments).where(eq(comments.id, c.id)))[0]!.hiddenById).toBeNull();
  });
});

describe("races and repairs", () => {
  it("a reply racing the deletion of its parent either lands under a placeholder or is refused; never an error", async () => {
    const { user: replier } = await member();
    for (let i = 0; i < 10; i++) {
      const root = await createComment(ctx.t.db, author, { target: "technique", id: "probing", body: `race ${i}` });
      const [reply, removal] = await Promise.allSettled([
        createComment(ctx.t.db, replier, { target: "technique", id: "probing", parentId: root.id, body: `reply ${i}` }),
        deleteComment(ctx.t.db, author, root.id),
      ]);
      expect(removal.status).toBe("fulfilled");
      const [row] = await ctx.t.db.select().from(comments).where(eq(comments.id, root.id));
      if (reply.status === "fulfilled") {
        expect(row).toMatchObject({ deletedAt: expect.any(Date), body: "" });
      } else {
        expect(reply.reason).toMatchObject({ code: expect.stringMatching(/^(NOT_FOUND|BAD_REQUEST)$/) });
        expect(row).toBeUndefined();
      }
    }
  });

  it("a comment saved while the renderer was busy is rendered on first read and kept", async () => {
    const [row] = await ctx.t.db
      .insert(comments)
      .values({ targetType: "paper", targetId: String(paperId), authorId: author.id, body: "Later *rendered*", bodyHtml: null, bodyRenderError: null })
      .returning({ id: comments.id });
    const list = await ctx.as.anonymous.comments.list({ target: "paper", id: paperId });
    expect(list.items.find((c) => c.id === row!.id)?.content?.html).toContain("<em>rendered</em>");
    expect((await ctx.t.db.select().from(comments).where(eq(comments.id, row!.id)))[0]!.bodyHtml).toContain("<em>rendered</em>");
  });
});

describe("drafts", () => {
  it("the discussion of a draft and of its runs is visible only to who can see the draft", async () => {
    const draft = await insertExperiment(ctx.t.db, author.id, { state: "draft" });
    const model = await insertModel(ctx.t.db);
    const runId = await insertRun(ctx.t.db, draft.versionId, model, { status: "queued" });
    for (const [target, id] of [["experiment", draft.id], ["run", runId]] as const) {
      const c = await asAuthor.comments.create({ target, id, body: `private note on the ${target}` });
      await expect(ctx.as.anonymous.comments.list({ target, id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(ctx.as.member.comments.list({ target, id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(ctx.as.member.comments.create({ target, id, body: "let me in" })).rejects.toMatchObject({ code: "NOT_FOUND" });
      for (const allowed of [asAuthor, ctx.as.moderator, ctx.as.admin]) expect((await allowed.comments.list({ target, id })).items.map((i) => i.id)).toContain(c.id);
      expect((await ctx.as.anonymous.comments.recent({ limit: 20 })).map((r) => r.id)).not.toContain(c.id);
    }
  });
});

describe("recent comments", () => {
  it("lists the newest readable comments with a link to their target", async () => {
    const experiment = await insertExperiment(ctx.t.db, author.id, { title: "Recent target" });
    const c = await asAuthor.comments.create({ target: "experiment", id: experiment.id, body: "newest   words\n\nhere" });
    const [first] = await ctx.as.anonymous.comments.recent({ limit: 5 });
    expect(first).toMatchObject({ id: c.id, excerpt: "newest words here", author: author.name, target: { type: "experiment", title: "Recent target", href: `/experiments/${experiment.id}#comment-${c.id}` } });
    const t = await asAuthor.comments.create({ target: "technique", id: probingId, body: "on probing" });
    expect((await ctx.as.anonymous.comments.recent({ limit: 1 }))[0]!.target).toMatchObject({ title: "Probing", href: `/techniques/probing#comment-${t.id}` });
  });
});

describe("rate limits", () => {
  it("comments count against a member's writes: past the limit they are refused and nothing is written", async () => {
    const { user } = await member();
    const max = RATE_LIMITS.writesPerUser.max;
    // Spread over addresses so only the per-user limit is in play.
    for (let i = 0; i < max; i++) await callerFor(ctx.t.db, user).comments.create({ target: "technique", id: "steering", body: `flood ${i}` });
    await expect(callerFor(ctx.t.db, user).comments.create({ target: "technique", id: "steering", body: "one too many" })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(await ctx.t.db.select().from(comments).where(eq(comments.body, "one too many"))).toHaveLength(0);
  });
});
