import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { comments, paperRevisions, papers, paperTechniques, techniqueRevisions, techniques } from "../../db/schema";
import { dedupeKey } from "../../server/services/papers/keys";
import { MAX_PENDING_PAPER_PROPOSALS_PER_USER, MAX_PENDING_PER_PAPER } from "../../server/services/papers/paper-revisions";
import { callerFor, createUser, useDatabaseWithRoles } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";

/*
 * Small taxonomy (kind_of runs parent → child):
 *   probing → linear-probing → control-tasks;  steering → caa;  caa uses linear-probing
 */
const ctx = useDatabaseWithRoles();
let ids: Record<string, number>;
let paperId: number;

beforeEach(async () => {
  const db = ctx.t.db;
  await db.delete(paperRevisions);
  await db.delete(techniqueRevisions);
  await db.delete(comments);
  await db.delete(techniques);
  await db.delete(papers);
  ids = await insertSmallTaxonomy(db);
  const [paper] = await db
    .insert(papers)
    .values({
      title: "Steering Llama 2 via Contrastive Activation Addition",
      authors: ["Nina Rimsky", "Alex Turner"],
      year: 2023,
      citeKey: "rimsky2023",
      dedupeKey: dedupeKey({ title: "Steering Llama 2 via Contrastive Activation Addition", authors: ["Nina Rimsky"], year: 2023 }),
    })
    .returning({ id: papers.id });
  paperId = paper!.id;
});

/** A member of their own, so one test's proposals never count against another's limits. */
async function newMember() {
  const user = await createUser(ctx.t.db, "member");
  return { user, as: callerFor(ctx.t.db, user) };
}

const accept = (revisionId: number) => ctx.as.moderator.paperRevisions.review({ revisionId, decision: "accept", comment: "" });
const paperRow = async (id = paperId) => (await ctx.t.db.select().from(papers).where(eq(papers.id, id)))[0]!;
const linksOf = async (id = paperId) =>
  (await ctx.t.db.select({ techniqueId: paperTechniques.techniqueId, relation: paperTechniques.relation, note: paperTechniques.note }).from(paperTechniques).where(eq(paperTechniques.paperId, id))).map(
    (l) => ({ ...l }),
  );

describe("metadata corrections", () => {
  it("waits for review, then applies the fields, recomputes the dedupe key and keeps the cite key", async () => {
    const { as } = await newMember();
    const proposed = await as.paperRevisions.proposeMetadata({ paperId, changes: { title: "Steering Llama 2 via Contrastive Activation Addition", year: 2024, venue: "ACL 2024" }, message: "Published at ACL in 2024" });
    // The unchanged title is not part of the proposal.
    expect(proposed.changes).toEqual({ year: 2024, venue: "ACL 2024" });
    expect((await paperRow()).year).toBe(2023);

    const view = await ctx.as.anonymous.paperRevisions.byId({ id: proposed.id });
    expect(view).toMatchObject({ kind: "metadata", status: "pending", paperId, paperTitle: "Steering Llama 2 via Contrastive Activation Addition" });
    expect(view.view.fields.map((f) => [f.field, f.before, f.after])).toEqual([
      ["year", "2023", "2024"],
      ["venue", "", "ACL 2024"],
    ]);

    await expect(accept(proposed.id)).resolves.toMatchObject({ status: "accepted", paperId });
    const after = await paperRow();
    expect(after).toMatchObject({ year: 2024, venue: "ACL 2024", citeKey: "rimsky2023" });
    expect(after.dedupeKey).toBe("steeringllama2viacontrastiveactivationaddition|2024|rimsky");
    // The changes feed tells it in words.
    const feed = await ctx.as.anonymous.changes.feed();
    expect(feed.items[0]).toMatchObject({ key: `p${proposed.id}`, title: "Corrected ‘Steering Llama 2 via Contrastive Activation Addition’: year, venue" });
  });

  it("recomputes the dedupe key from a new first author and title", async () => {
    const { as } = await newMember();
    const { id } = await as.paperRevisions.proposeMetadata({ paperId, changes: { title: "Steering Llama 2 with CAA", authors: ["Nina Panickssery", "Alex Turner"] }, message: "The author's current name" });
    await accept(id);
    expect((await paperRow()).dedupeKey).toBe("steeringllama2withcaa|2023|panickssery");
    expect((await paperRow()).citeKey).toBe("rimsky2023");
  });

  it("validates like the paper form and stores NFC text", async () => {
    const { as } = await newMember();
    await expect(as.paperRevisions.proposeMetadata({ paperId, changes: { title: "Two\nlines" }, message: "A better title" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("one line") });
    await expect(as.paperRevisions.proposeMetadata({ paperId, changes: { arxivId: "not an id" }, message: "The arXiv id" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("arXiv id") });
    await expect(as.paperRevisions.proposeMetadata({ paperId, changes: { authors: [] }, message: "No authors" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(as.paperRevisions.proposeMetadata({ paperId, changes: { year: 2023 }, message: "Same year" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("changes nothing") });
    await expect(as.paperRevisions.proposeMetadata({ paperId, changes: { title: "New" }, message: "why" })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    // Decomposed "é" (e + combining acute) and "ü" are stored composed; identifiers normalised.
    const { id } = await as.paperRevisions.proposeMetadata({
      paperId,
      changes: { authors: ["Nina Rimsky", "Gu\u0308nther Cafe\u0301"], arxivId: "https://arxiv.org/abs/2312.06681v3", abstract: "  Cafe\u0301 circuits  " },
      message: "Cafe\u0301: the second author",
    });
    const [stored] = await ctx.t.db.select().from(paperRevisions).where(eq(paperRevisions.id, id));
    expect(stored!.changes).toEqual({ authors: ["Nina Rimsky", "G\u00fcnther Caf\u00e9"], arxivId: "2312.06681", abstract: "Caf\u00e9 circuits" });
    expect(stored!.message).toBe("Caf\u00e9: the second author");
    await accept(id);
    expect(await paperRow()).toMatchObject({ authors: ["Nina Rimsky", "G\u00fcnther Caf\u00e9"], arxivId: "2312.06681", abstract: "Caf\u00e9 circuits" });
    // …and the search finds the corrected author without the accent.
    const found = await ctx.as.anonymous.papers.list({ query: "Gunther" });
    expect(found.items.map((p) => p.id)).toContain(paperId);
  });

  it("refuses a stale correction at accept time and leaves the paper as it was", async () => {
    const a = await newMember();
    const b = await newMember();
    const first = await a.as.paperRevisions.proposeMetadata({ paperId, changes: { title: "Steering Llama 2 with CAA" }, message: "Shorter title" });
    const second = await b.as.paperRevisions.proposeMetadata({ paperId, changes: { title: "Steering Llama-2 via CAA" }, message: "Another title" });
    await accept(first.id);
    await expect(accept(second.id)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("title changed since this proposal was made") });
    expect((await paperRow()).title).toBe("Steering Llama 2 with CAA");
    const [row] = await ctx.t.db.select({ status: paperRevisions.status }).from(paperRevisions).where(eq(paperRevisions.id, second.id));
    expect(row!.status).toBe("pending");
    // Rejecting it is still possible.
    await expect(ctx.as.moderator.paperRevisions.review({ revisionId: second.id, decision: "reject", comment: "Outdated" })).resolves.toMatchObject({ status: "rejected" });
  });

  it("refuses an arXiv id or DOI another paper has, when proposed and when accepted", async () => {
    const [other] = await ctx.t.db.insert(papers).values({ title: "Refusal is mediated by a single direction", authors: ["Andy Arditi"], year: 2024, arxivId: "2406.11717" }).returning({ id: papers.id });
    const { as } = await newMember();
    await expect(as.paperRevisions.proposeMetadata({ paperId, changes: { arxivId: "2406.11717" }, message: "Its arXiv id" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining(`Paper #${other!.id}`),
    });
    const { id } = await as.paperRevisions.proposeMetadata({ paperId, changes: { doi: "10.18653/V1/2024.ACL-LONG.828" }, message: "Its DOI" });
    // Another paper gets the DOI meanwhile.
    await ctx.t.db.update(papers).set({ doi: "10.18653/v1/2024.acl-long.828" }).where(eq(papers.id, other!.id));
    await expect(accept(id)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("already has the DOI") });
    expect((await paperRow()).doi).toBeNull();
  });
});

describe("links", () => {
  it("links a paper to a technique with the chosen relation once accepted, visible on the technique and in the feed", async () => {
    const { as } = await newMember();
    const { id } = await as.paperRevisions.proposeLink({ paperId, technique: "caa", relation: "introduces", note: "The CAA paper", message: "This paper introduces CAA" });
    expect(await linksOf()).toEqual([]);
    const pending = await ctx.as.moderator.paperRevisions.pending();
    expect(pending.find((p) => p.id === id)?.view).toMatchObject({ headline: "Link to ‘Contrastive Activation Addition’ (introduces)", link: { action: "link", technique: { slug: "caa" }, relation: "introduces" } });

    await accept(id);
    expect(await linksOf()).toEqual([{ techniqueId: ids.caa, relation: "introduces", note: "The CAA paper" }]);
    const page = await ctx.as.anonymous.taxonomy.technique({ slug: "caa" });
    expect(page.papers.map((p) => [p.id, p.relation])).toEqual([[paperId, "introduces"]]);
    const feed = await ctx.as.anonymous.changes.feed({ technique: "caa" });
    expect(feed.items.map((i) => i.title)).toContain("Linked ‘Steering Llama 2 via Contrastive Activation Addition’ to ‘Contrastive Activation Addition’ (introduces)");
  });

  it("has no default relation: a missing or unknown relation is refused in words", async () => {
    const { as } = await newMember();
    const call = as.paperRevisions.proposeLink as (input: unknown) => Promise<unknown>;
    await expect(call({ paperId, technique: "caa", message: "It is about CAA" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("Choose how the paper relates") });
    await expect(call({ paperId, technique: "caa", relation: "", message: "It is about CAA" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("Choose how the paper relates") });
    expect(await ctx.t.db.select().from(paperRevisions)).toHaveLength(0);
  });

  it("refuses a link that exists, or one already waiting for review", async () => {
    await ctx.t.db.insert(paperTechniques).values({ paperId, techniqueId: ids.caa!, relation: "introduces" });
    const a = await newMember();
    const b = await newMember();
    await expect(a.as.paperRevisions.proposeLink({ paperId, technique: "caa", relation: "introduces", message: "It introduces CAA" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("already linked") });
    const { id } = await a.as.paperRevisions.proposeLink({ paperId, technique: "steering", relation: "applies", message: "It steers" });
    await expect(b.as.paperRevisions.proposeLink({ paperId, technique: "steering", relation: "applies", message: "It steers too" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining(`Proposal #${id}`) });
    // Another relation to the same technique is another link.
    await expect(b.as.paperRevisions.proposeLink({ paperId, technique: "steering", relation: "evaluates", message: "It evaluates steering" })).resolves.toMatchObject({ paperId });
  });

  it("refuses a stale link at accept time (the link was made meanwhile)", async () => {
    const { as } = await newMember();
    const { id } = await as.paperRevisions.proposeLink({ paperId, technique: "probing", relation: "applies", message: "It trains probes" });
    await ctx.t.db.insert(paperTechniques).values({ paperId, techniqueId: ids.probing!, relation: "applies", note: "made elsewhere" });
    await expect(accept(id)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("already linked") });
    expect(await linksOf()).toEqual([{ techniqueId: ids.probing, relation: "applies", note: "made elsewhere" }]);
  });

  it("unlinks an existing link once accepted; a missing link is NOT_FOUND; a link removed meanwhile is stale", async () => {
    await ctx.t.db.insert(paperTechniques).values([
      { paperId, techniqueId: ids.caa!, relation: "introduces", note: "kept in the history" },
      { paperId, techniqueId: ids.steering!, relation: "applies" },
    ]);
    const { as } = await newMember();
    await expect(as.paperRevisions.proposeUnlink({ paperId, technique: "caa", relation: "critiques", message: "It does not critique CAA" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const { id } = await as.paperRevisions.proposeUnlink({ paperId, technique: "caa", relation: "introduces", message: "Wrong paper for CAA" });
    const [stored] = await ctx.t.db.select().from(paperRevisions).where(eq(paperRevisions.id, id));
    expect(stored!.before).toMatchObject({ techniqueId: ids.caa, relation: "introduces", note: "kept in the history" });
    await accept(id);
    expect(await linksOf()).toEqual([{ techniqueId: ids.steering, relation: "applies", note: null }]);
    const feed = await ctx.as.anonymous.changes.feed({ technique: "caa" });
    expect(feed.items.map((i) => i.title)).toContain("Unlinked ‘Steering Llama 2 via Contrastive Activation Addition’ from ‘Contrastive Activation Addition’ (introduces)");

    const stale = await as.paperRevisions.proposeUnlink({ paperId, technique: "steering", relation: "applies", message: "It does not steer" });
    await ctx.t.db.delete(paperTechniques).where(and(eq(paperTechniques.paperId, paperId), eq(paperTechniques.techniqueId, ids.steering!)));
    await expect(accept(stale.id)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("no longer linked") });
  });

  it("a pending link follows a merge of its technique into another", async () => {
    const { as } = await newMember();
    const { id } = await as.paperRevisions.proposeLink({ paperId, technique: "caa", relation: "applies", message: "It applies CAA" });
    const merge = await as.revisions.proposeMerge({ source: "caa", target: "steering", message: "CAA is a kind of steering, not worth its own page" });
    await ctx.as.moderator.revisions.review({ revisionId: merge.id, decision: "accept", comment: "" });
    await accept(id);
    expect(await linksOf()).toEqual([{ techniqueId: ids.steering, relation: "applies", note: null }]);
  });
});

describe("limits and authorisation", () => {
  it("caps pending proposals per paper and per author", async () => {
    const { as } = await newMember();
    for (let i = 0; i < MAX_PENDING_PER_PAPER; i++) await as.paperRevisions.proposeMetadata({ paperId, changes: { venue: `Venue ${i}` }, message: "The venue" });
    await expect(as.paperRevisions.proposeMetadata({ paperId, changes: { venue: "One too many" }, message: "The venue" })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS", message: expect.stringContaining("about this paper") });
    const others = await ctx.t.db
      .insert(papers)
      .values(Array.from({ length: MAX_PENDING_PAPER_PROPOSALS_PER_USER }, (_, i) => ({ title: `Other paper ${i}`, authors: ["A"] })))
      .returning({ id: papers.id });
    for (const other of others.slice(0, MAX_PENDING_PAPER_PROPOSALS_PER_USER - MAX_PENDING_PER_PAPER)) {
      await as.paperRevisions.proposeMetadata({ paperId: other.id, changes: { year: 2020 }, message: "The year" });
    }
    await expect(as.paperRevisions.proposeMetadata({ paperId: others.at(-1)!.id, changes: { year: 2020 }, message: "The year" })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringContaining(`${MAX_PENDING_PAPER_PROPOSALS_PER_USER} paper proposals`),
    });
    expect(await ctx.t.db.select().from(paperRevisions)).toHaveLength(MAX_PENDING_PAPER_PROPOSALS_PER_USER);
  });

  it("only another moderator accepts; members and visitors cannot review; reviews happen once", async () => {
    const own = await ctx.as.moderator.paperRevisions.proposeLink({ paperId, technique: "caa", relation: "applies", message: "It applies CAA" });
    await expect(accept(own.id)).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("own proposal") });
    await expect(ctx.as.member.paperRevisions.review({ revisionId: own.id, decision: "accept", comment: "" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(ctx.as.anonymous.paperRevisions.review({ revisionId: own.id, decision: "accept", comment: "" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(ctx.as.anonymous.paperRevisions.proposeLink({ paperId, technique: "caa", relation: "applies", message: "It applies CAA" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(ctx.as.admin.paperRevisions.review({ revisionId: own.id, decision: "accept", comment: "Yes" })).resolves.toMatchObject({ status: "accepted" });
    await expect(ctx.as.admin.paperRevisions.review({ revisionId: own.id, decision: "reject", comment: "" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("already accepted") });
    const page = await ctx.as.anonymous.paperRevisions.byId({ id: own.id });
    expect(page).toMatchObject({ status: "accepted", reviewComment: "Yes", reviewerName: "Test admin" });
  });

  it("answers NOT_FOUND for unknown papers, techniques and proposals", async () => {
    const { as } = await newMember();
    await expect(as.paperRevisions.proposeLink({ paperId: 999_999, technique: "caa", relation: "applies", message: "It applies CAA" })).rejects.toMatchObject({ code: "NOT_FOUND", message: "Paper #999999 was not found." });
    await expect(as.paperRevisions.proposeLink({ paperId, technique: "no-such-technique", relation: "applies", message: "It applies it" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(as.paperRevisions.proposeMetadata({ paperId: 999_999, changes: { year: 2020 }, message: "The year" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(ctx.as.moderator.paperRevisions.review({ revisionId: 999_999, decision: "accept", comment: "" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(ctx.as.anonymous.paperRevisions.byId({ id: 999_999 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(ctx.as.anonymous.paperRevisions.ofPaper({ paperId: 999_999 })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("reading", () => {
  it("lists a paper's proposals waiting first, and opens their discussion", async () => {
    const { as } = await newMember();
    const done = await as.paperRevisions.proposeMetadata({ paperId, changes: { venue: "ACL" }, message: "The venue" });
    await ctx.as.moderator.paperRevisions.review({ revisionId: done.id, decision: "reject", comment: "Not yet published" });
    const waiting = await as.paperRevisions.proposeLink({ paperId, technique: "steering", relation: "surveys", message: "It surveys steering" });
    const list = await ctx.as.anonymous.paperRevisions.ofPaper({ paperId });
    expect(list).toMatchObject({ total: 2, pending: 1, pageCount: 1 });
    expect(list.items.map((i) => [i.id, i.status])).toEqual([
      [waiting.id, "pending"],
      [done.id, "rejected"],
    ]);

    await as.comments.create({ target: "paper_revision", id: waiting.id, body: "See section 4." });
    const thread = await ctx.as.anonymous.comments.list({ target: "paper_revision", id: waiting.id });
    expect(thread.count).toBe(1);
    const pending = await ctx.as.moderator.paperRevisions.pending();
    expect(pending.find((p) => p.id === waiting.id)?.comments).toBe(1);
    await expect(as.comments.create({ target: "paper_revision", id: 999_999, body: "Hello" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await ctx.as.moderator.paperRevisions.pendingCount()).toMatchObject({ total: 1, pageCount: 1 });
  });
});
