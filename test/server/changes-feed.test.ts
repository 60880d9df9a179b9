/**
 * The changes feed: only accepted proposals, newest first, keyset pages without duplicates or gaps
 * (ties in time, both tables, microseconds), each kind of change in words, the technique filter
 * (with old slugs), display names (never emails), and the Atom document: structure, absolute
 * links, at most 50 entries, and hostile text escaped or stripped. Real PostgreSQL.
 */
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { paperRevisions, papers, techniqueRevisions, techniqueSlugRedirects, techniques, users } from "../../db/schema";
import { ATOM_MAX_ENTRIES, atomFeed, handleChangesAtom, siteOrigin, xmlText } from "../../server/services/changes-feed-atom";
import { CHANGES_PAGE_SIZE, listChanges, type ChangeItem } from "../../server/services/changes-feed";
import { childrenNamed, firstChild, parseXml, textOf, type XmlElement } from "../../server/services/papers/metadata-lookup/xml";
import { proposeCreate } from "../../server/services/proposals/create";
import { newTechniqueSchema } from "../../server/services/proposals/input";
import { proposeMerge } from "../../server/services/proposals/merge";
import { proposeRelations } from "../../server/services/proposals/relations";
import { proposeRename } from "../../server/services/proposals/rename";
import { reviewRevision } from "../../server/services/revisions";
import { createUser, useDatabaseWithRoles } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";

const ctx = useDatabaseWithRoles();
let ids: Record<string, number>;
let paperId: number;
const T0 = Date.parse("2026-03-01T12:00:00Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000);

beforeEach(async () => {
  await ctx.t.db.delete(techniqueRevisions);
  await ctx.t.db.delete(paperRevisions);
  await ctx.t.db.delete(papers);
  await ctx.t.db.delete(techniques);
  ids = await insertSmallTaxonomy(ctx.t.db);
  const [paper] = await ctx.t.db
    .insert(papers)
    .values({ title: "Steering Llama 2 via Contrastive Activation Addition", authors: ["Nina Rimsky"], year: 2024 })
    .returning({ id: papers.id });
  paperId = paper!.id;
});

type TechniqueRevision = typeof techniqueRevisions.$inferInsert;
type PaperRevision = typeof paperRevisions.$inferInsert;

/** A technique proposal accepted by the moderator at `reviewedAt` (pass status to make it pending or rejected). */
async function techniqueRevision(values: Partial<TechniqueRevision> & { reviewedAt?: Date | null }) {
  const [row] = await ctx.t.db
    .insert(techniqueRevisions)
    .values({
      techniqueId: ids.caa!,
      authorId: ctx.as.users.member.id,
      message: "Because",
      changes: { summary: "A better summary of the technique" },
      before: { summary: "old" },
      status: "accepted",
      reviewerId: ctx.as.users.moderator.id,
      reviewedAt: at(0),
      ...values,
    })
    .returning({ id: techniqueRevisions.id });
  return row!.id;
}

async function paperRevision(values: Partial<PaperRevision>) {
  const [row] = await ctx.t.db
    .insert(paperRevisions)
    .values({
      paperId,
      kind: "metadata",
      authorId: ctx.as.users.member.id,
      message: "Fix the year",
      changes: { year: 2024 },
      before: { year: 2023 },
      status: "accepted",
      reviewerId: ctx.as.users.moderator.id,
      reviewedAt: at(0),
      ...values,
    })
    .returning({ id: paperRevisions.id });
  return row!.id;
}

/** Every page of the feed, following nextCursor. */
async function allPages(input: { technique?: string; limit?: number } = {}) {
  const pages: ChangeItem[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await listChanges(ctx.t.db, { ...input, cursor });
    if (!page) throw new Error("unknown technique");
    pages.push(page.items);
    if (!page.nextCursor) return pages;
    cursor = page.nextCursor;
  }
  throw new Error("the feed never ended");
}

describe("which changes, in which order", () => {
  it("lists only accepted proposals of both tables: pending and rejected ones never appear", async () => {
    const accepted = await techniqueRevision({ message: "accepted edit" });
    await techniqueRevision({ status: "pending", reviewerId: null, reviewedAt: null, message: "pending edit" });
    await techniqueRevision({ status: "rejected", reviewedAt: at(5), message: "rejected edit" });
    const acceptedPaper = await paperRevision({ reviewedAt: at(1), message: "accepted paper fix" });
    await paperRevision({ status: "pending", reviewerId: null, reviewedAt: null });
    await paperRevision({ status: "rejected", reviewedAt: at(6) });
    const page = await ctx.as.anonymous.changes.feed();
    expect(page.items.map((i) => i.key)).toEqual([`p${acceptedPaper}`, `t${accepted}`]);
    expect(page.nextCursor).toBeNull();
  });

  it("pages newest first, 30 at a time, with no duplicate or gap across ties in time and across both tables", async () => {
    // 40 technique and 35 paper proposals, seven to a second: many share their acceptance time.
    const expected: Array<{ key: string; time: number; source: string; id: number }> = [];
    for (let i = 0; i < 40; i++) {
      const time = Math.floor(i / 7);
      expected.push({ key: "", time, source: "t", id: await techniqueRevision({ reviewedAt: at(time), message: `t ${i}` }) });
    }
    for (let i = 0; i < 35; i++) {
      const time = Math.floor((i * 3) / 7);
      expected.push({ key: "", time, source: "p", id: await paperRevision({ reviewedAt: at(time), message: `p ${i}` }) });
    }
    // Newer first; at one instant technique proposals first; then the newer proposal.
    expected.sort((a, b) => b.time - a.time || (a.source === b.source ? b.id - a.id : a.source === "t" ? -1 : 1));
    const pages = await allPages();
    expect(pages.map((p) => p.length)).toEqual([CHANGES_PAGE_SIZE, CHANGES_PAGE_SIZE, 15]);
    const keys = pages.flat().map((i) => i.key);
    expect(new Set(keys).size).toBe(75);
    expect(keys).toEqual(expected.map((e) => `${e.source}${e.id}`));
    // The same through the router, whose cursor is validated.
    const first = await ctx.as.anonymous.changes.feed();
    const second = await ctx.as.anonymous.changes.feed({ cursor: first.nextCursor! });
    expect(second.items.map((i) => i.key)).toEqual(keys.slice(30, 60));
  });

  it("keeps changes accepted microseconds apart on either side of a page boundary", async () => {
    const a = await techniqueRevision({ message: "first" });
    const b = await techniqueRevision({ message: "second" });
    const c = await paperRevision({ message: "third" });
    // Same millisecond, different microseconds (JavaScript dates would round these together).
    await ctx.t.db.execute(sql`update technique_revisions set reviewed_at = '2026-03-01T12:00:00.000003Z' where id = ${a}`);
    await ctx.t.db.execute(sql`update technique_revisions set reviewed_at = '2026-03-01T12:00:00.000001Z' where id = ${b}`);
    await ctx.t.db.execute(sql`update paper_revisions set reviewed_at = '2026-03-01T12:00:00.000002Z' where id = ${c}`);
    const pages = await allPages({ limit: 1 });
    expect(pages.flat().map((i) => i.key)).toEqual([`t${a}`, `p${c}`, `t${b}`]);
    expect(pages.flat()[0]?.cursor).toBe(`2026-03-01T12:00:00.000003Z_t${a}`);
  });

  it("refuses a damaged cursor with a readable message", async () => {
    await expect(ctx.as.anonymous.changes.feed({ cursor: "2026-03-01T12:00:00Z_t1" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("link to older changes is damaged"),
    });
    await expect(ctx.as.anonymous.changes.feed({ cursor: "2026-03-01T12:00:00.000000Z_x1" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("in words", () => {
  it("says what each kind of change did, with current names", async () => {
    const [meanDiff, attribution, rome, tracing] = await ctx.t.db
      .insert(techniques)
      .values([
        { slug: "mean-difference", name: "Mean-difference directions", summary: "Directions from class means" },
        { slug: "attribution-graphs", name: "Attribution graphs", summary: "Graphs of feature attributions" },
        { slug: "rome", name: "ROME", summary: "Rank-one model editing" },
        { slug: "causal-tracing", name: "Causal tracing", summary: "Restore activations to find where facts live" },
      ])
      .returning({ id: techniques.id });
    let s = 0;
    const next = () => at(++s);
    const edit = await techniqueRevision({ kind: "edit", techniqueId: ids["linear-probing"], changes: { description: "Longer", summary: "Shorter one here" }, reviewedAt: next() });
    const create = await techniqueRevision({ kind: "create", techniqueId: attribution!.id, changes: { slug: "attribution-graphs", name: "Attribution graphs", summary: "x" }, before: {}, reviewedAt: next() });
    const merge = await techniqueRevision({
      kind: "merge",
      techniqueId: tracing!.id,
      changes: { sourceId: rome!.id, targetId: tracing!.id },
      before: { source: { id: rome!.id, slug: "rome", name: "ROME" }, target: { id: tracing!.id, slug: "causal-tracing", name: "Causal tracing" } },
      reviewedAt: next(),
    });
    const rename = await techniqueRevision({ kind: "rename", techniqueId: ids.probing, changes: { name: "Probing classifiers" }, before: { name: "Probing", slug: "probing" }, reviewedAt: next() });
    const move = await techniqueRevision({ kind: "rename", techniqueId: ids["control-tasks"], changes: { slug: "control-task-baselines" }, before: { name: "Control tasks", slug: "control-tasks" }, reviewedAt: next() });
    const both = await techniqueRevision({ kind: "rename", techniqueId: ids["control-tasks"], changes: { name: "Control baselines", slug: "control-baselines" }, before: { name: "Control tasks", slug: "control-tasks" }, reviewedAt: next() });
    const relations = await techniqueRevision({
      kind: "relations",
      techniqueId: ids.steering,
      changes: {
        add: [
          { fromId: ids.steering, toId: meanDiff!.id, kind: "uses" },
          { fromId: ids.probing, toId: ids["control-tasks"], kind: "evaluates" },
        ],
        remove: [{ fromId: ids.probing, toId: ids.steering, kind: "kind_of" }],
      },
      before: { techniques: {} },
      reviewedAt: next(),
    });
    const metadata = await paperRevision({ kind: "metadata", changes: { year: 2024, title: "Steering Llama 2 via Contrastive Activation Addition" }, reviewedAt: next() });
    const link = await paperRevision({ kind: "link", changes: { techniqueId: ids.caa, relation: "introduces", note: null }, before: {}, reviewedAt: next() });
    const unlink = await paperRevision({ kind: "unlink", changes: { technique: "steering" }, before: { techniqueId: ids.steering, relation: "applies" }, reviewedAt: next() });
    // ROME is merged away: its name comes from the proposal's snapshot.
    await ctx.t.db.delete(techniques).where(eq(techniques.id, rome!.id));

    const page = await ctx.as.anonymous.changes.feed();
    const title = (key: string) => page.items.find((i) => i.key === key)?.title;
    expect(title(`t${edit}`)).toBe("Edited ‘Linear probing’: summary, description");
    expect(title(`t${create}`)).toBe("New technique ‘Attribution graphs’");
    expect(title(`t${merge}`)).toBe("Merged ‘ROME’ into ‘Causal tracing’");
    expect(title(`t${rename}`)).toBe("Renamed ‘Probing’ to ‘Probing classifiers’");
    expect(title(`t${move}`)).toBe("Moved ‘Control tasks’ to /techniques/control-task-baselines (was /techniques/control-tasks)");
    expect(title(`t${both}`)).toBe("Renamed ‘Control tasks’ to ‘Control baselines’ (now at /techniques/control-baselines)");
    expect(title(`t${relations}`)).toBe(
      "Relations of ‘Activation steering’: + uses ‘Mean-difference directions’; + ‘Probing’ evaluates ‘Control tasks’; − is a kind of ‘Probing’",
    );
    expect(title(`p${metadata}`)).toBe("Corrected ‘Steering Llama 2 via Contrastive Activation Addition’: title, year");
    expect(title(`p${link}`)).toBe("Linked ‘Steering Llama 2 via Contrastive Activation Addition’ to ‘Contrastive Activation Addition’ (introduces)");
    expect(title(`p${unlink}`)).toBe("Unlinked ‘Steering Llama 2 via Contrastive Activation Addition’ from ‘Activation steering’ (applies)");

    // Links go to the current address of what changed.
    const item = (key: string) => page.items.find((i) => i.key === key)!;
    expect(item(`t${merge}`).subject).toEqual({ name: "Causal tracing", href: "/techniques/causal-tracing" });
    expect(item(`p${link}`).subject).toEqual({ name: "Steering Llama 2 via Contrastive Activation Addition", href: `/papers/${paperId}` });
    await ctx.t.db.update(techniques).set({ slug: "linear-probes" }).where(eq(techniques.id, ids["linear-probing"]!));
    const after = await ctx.as.anonymous.changes.feed();
    expect(after.items.find((i) => i.key === `t${edit}`)?.subject?.href).toBe("/techniques/linear-probes");
  });

  it("names the proposer and the reviewer by display name, never by email", async () => {
    const unnamed = await createUser(ctx.t.db, "member");
    await ctx.t.db.update(users).set({ name: null }).where(eq(users.id, unnamed.id));
    await techniqueRevision({ authorId: unnamed.id, reviewedAt: at(1), reviewComment: "Thanks" });
    await techniqueRevision({ reviewedAt: at(0) });
    const page = await ctx.as.anonymous.changes.feed();
    expect(page.items[0]).toMatchObject({ authorName: expect.stringMatching(/^member-[0-9a-f]{8}$/), reviewerName: "Test moderator", reviewComment: "Thanks" });
    expect(page.items[1]).toMatchObject({ authorName: "Test member", reviewerName: "Test moderator" });
    expect(JSON.stringify(page)).not.toContain("@");
    expect(page.items[0]?.reviewedAt).toEqual(at(1));
  });
});

describe("in words, from what the proposal services store", () => {
  it("tells a created, related, renamed and merged technique as the review service leaves them", async () => {
    const author = ctx.as.users.member.id;
    const accept = (revisionId: number) => reviewRevision(ctx.t.db, { reviewerId: ctx.as.users.moderator.id, revisionId, decision: "accept", comment: "" });
    const created = await proposeCreate(ctx.t.db, { authorId: author, technique: newTechniqueSchema.parse({ slug: "attribution-graphs", name: "Attribution graphs", summary: "Graphs of feature attributions" }), message: "A new method" });
    await accept(created.id);
    const related = await proposeRelations(ctx.t.db, { authorId: author, add: [{ from: "attribution-graphs", to: "linear-probing", kind: "uses" }], remove: [], subject: "attribution-graphs", message: "It uses probes" });
    await accept(related.id);
    const renamed = await proposeRename(ctx.t.db, { authorId: author, slug: "control-tasks", name: "Control baselines", newSlug: "control-baselines", message: "Clearer name" });
    await accept(renamed.id);
    const merged = await proposeMerge(ctx.t.db, { authorId: author, source: "caa", target: "steering", message: "Same thing" });
    await accept(merged.id);
    const page = await ctx.as.anonymous.changes.feed();
    expect(page.items.map((i) => [i.title, i.subject?.href])).toEqual([
      ["Merged ‘Contrastive Activation Addition’ into ‘Activation steering’", "/techniques/steering"],
      ["Renamed ‘Control tasks’ to ‘Control baselines’ (now at /techniques/control-baselines)", "/techniques/control-baselines"],
      ["Relations of ‘Attribution graphs’: + uses ‘Linear probing’", "/techniques/attribution-graphs"],
      ["New technique ‘Attribution graphs’", "/techniques/attribution-graphs"],
    ]);
    // The merged-away slug and the old slug find their technique's changes.
    expect((await ctx.as.anonymous.changes.feed({ technique: "caa" })).items.map((i) => i.kind)).toEqual(["merge"]);
    expect((await ctx.as.anonymous.changes.feed({ technique: "control-tasks" })).items.map((i) => i.kind)).toEqual(["rename"]);
    expect((await ctx.as.anonymous.changes.feed({ technique: "linear-probing" })).items.map((i) => i.kind)).toEqual(["relations"]);
  });
});

describe("one technique's changes", () => {
  it("filters to the technique's own proposals, relations at either end, and links of papers to it", async () => {
    const caaEdit = await techniqueRevision({ techniqueId: ids.caa, reviewedAt: at(1) });
    await techniqueRevision({ techniqueId: ids.probing, reviewedAt: at(2) });
    const relation = await techniqueRevision({ kind: "relations", techniqueId: ids.steering, changes: { add: [], remove: [{ fromId: ids.steering, toId: ids.caa, kind: "kind_of" }] }, before: {}, reviewedAt: at(3) });
    const linkById = await paperRevision({ kind: "link", changes: { techniqueId: ids.caa, relation: "introduces" }, before: {}, reviewedAt: at(4) });
    const linkBySlug = await paperRevision({ kind: "link", changes: { technique: "caa", relation: "applies" }, before: {}, reviewedAt: at(5) });
    await paperRevision({ kind: "link", changes: { techniqueId: ids.probing, relation: "applies" }, before: {}, reviewedAt: at(6) });
    await paperRevision({ kind: "metadata", reviewedAt: at(7) });
    const caa = await ctx.as.anonymous.changes.feed({ technique: "caa" });
    expect(caa.technique).toEqual({ slug: "caa", name: "Contrastive Activation Addition" });
    expect(caa.items.map((i) => i.key)).toEqual([`p${linkBySlug}`, `p${linkById}`, `t${relation}`, `t${caaEdit}`]);
    // The relations proposal is about steering, and is also caa's change (its far end).
    expect((await ctx.as.anonymous.changes.feed({ technique: "steering" })).items.map((i) => i.key)).toEqual([`t${relation}`]);
    expect((await ctx.as.anonymous.changes.feed({ technique: "control-tasks" })).items).toEqual([]);
  });

  it("follows an old slug to the technique, and answers NOT_FOUND for an unknown one", async () => {
    await ctx.t.db.insert(techniqueSlugRedirects).values({ slug: "contrastive-addition", techniqueId: ids.caa! });
    const edit = await techniqueRevision({ techniqueId: ids.caa });
    const page = await ctx.as.anonymous.changes.feed({ technique: "contrastive-addition" });
    expect(page.technique?.slug).toBe("caa");
    expect(page.items.map((i) => i.key)).toEqual([`t${edit}`]);
    await expect(ctx.as.anonymous.changes.feed({ technique: "no-such-technique" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

// ---------------------------------------------------------------------------------------------
// Atom

const ATOM = "http://www.w3.org/2005/Atom";
const child = (el: XmlElement, name: string) => firstChild(el, ATOM, name);
/** Code points XML 1.0 cannot carry. */
const NOT_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const HOSTILE = "Evil ]]> <script>alert(1)</script> & \"co\" 'q' \u0001\u0008\u001F\uFFFE end";
// (PostgreSQL text cannot hold NUL or a lone surrogate, so those are tried on xmlText alone.)
const HOSTILE_CLEAN = "Evil ]]> <script>alert(1)</script> & \"co\" 'q'  end";

/** What a strict reader would refuse that the small reader lets through, checked on the raw text. */
function assertWellFormedText(xml: string) {
  expect(NOT_XML.test(xml)).toBe(false);
  expect(xml).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
  expect(xml).not.toContain("<script");
  expect(xml).not.toContain("]]>");
  expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">')).toBe(true);
}

describe("Atom feed", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("escapes and strips: xmlText", () => {
    expect(xmlText(`${HOSTILE}\u000B\u0000\uD800`)).toBe("Evil ]]&gt; &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;co&quot; &apos;q&apos;  end");
    expect(xmlText("tab\tnew\nline\rcr 😀 \uFFFD")).toBe("tab\tnew\nline\rcr 😀 \uFFFD");
  });

  it("is a well-formed Atom 1.0 document with absolute links, escaped hostile text and its content type", async () => {
    const hostileUser = await createUser(ctx.t.db, "member");
    await ctx.t.db.update(users).set({ name: `${HOSTILE} author` }).where(eq(users.id, hostileUser.id));
    await ctx.t.db.update(techniques).set({ name: HOSTILE }).where(eq(techniques.id, ids.caa!));
    const hostile = await techniqueRevision({ authorId: hostileUser.id, message: `${HOSTILE} message`, reviewComment: `${HOSTILE} comment`, reviewedAt: at(2) });
    const fix = await paperRevision({ reviewedAt: at(1) });
    vi.stubEnv("NEXTAUTH_URL", "https://mechmap.example/");
    const response = await handleChangesAtom(new Request("http://10.0.0.5:3000/changes/feed.xml"), ctx.t.db);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    const xml = await response.text();
    assertWellFormedText(xml);
    const feed = parseXml(xml);
    expect([feed.ns, feed.name]).toEqual([ATOM, "feed"]);
    expect(textOf(child(feed, "id"))).toBe("tag:mechmap.example,2026:mechmap/changes");
    expect(textOf(child(feed, "title"))).toBe("MechMap: accepted changes");
    expect(textOf(child(feed, "updated"))).toBe(at(2).toISOString());
    const links = childrenNamed(feed, ATOM, "link").map((l) => l.attributes);
    expect(links).toEqual([
      { rel: "self", type: "application/atom+xml", href: "https://mechmap.example/changes/feed.xml" },
      { rel: "alternate", type: "text/html", href: "https://mechmap.example/changes" },
    ]);
    const entries = childrenNamed(feed, ATOM, "entry");
    expect(entries).toHaveLength(2);
    const [first, second] = entries as [XmlElement, XmlElement];
    expect(textOf(child(first, "id"))).toBe(`tag:mechmap.example,2026:mechmap/technique-revision/${hostile}`);
    expect(textOf(child(second, "id"))).toBe(`tag:mechmap.example,2026:mechmap/paper-revision/${fix}`);
    expect(textOf(child(first, "title"))).toBe(`Edited ‘${HOSTILE_CLEAN}’: summary`);
    expect(textOf(child(first, "updated"))).toBe(at(2).toISOString());
    expect(textOf(firstChild(child(first, "author")!, ATOM, "name"))).toBe(`${HOSTILE_CLEAN} author`);
    expect(textOf(firstChild(child(first, "contributor")!, ATOM, "name"))).toBe("Test moderator");
    expect(child(first, "link")?.attributes).toEqual({ rel: "alternate", type: "text/html", href: "https://mechmap.example/techniques/caa" });
    expect(textOf(child(first, "summary"))).toBe(`${HOSTILE_CLEAN} message\n\nAccepted by Test moderator: “${HOSTILE_CLEAN} comment”`);
    expect(child(second, "link")?.attributes.href).toBe(`https://mechmap.example/papers/${paperId}`);
    expect(child(second, "contributor")).toBeDefined();
  });

  it("takes absolute links from the request when NEXTAUTH_URL is unset, and limits to one technique with ?technique=", async () => {
    vi.stubEnv("NEXTAUTH_URL", "");
    await techniqueRevision({ techniqueId: ids.probing, reviewedAt: at(1) });
    const caaEdit = await techniqueRevision({ techniqueId: ids.caa, reviewedAt: at(0) });
    const response = await handleChangesAtom(new Request("http://feeds.test:8080/changes/feed.xml?technique=caa"), ctx.t.db);
    const feed = parseXml(await response.text());
    expect(childrenNamed(feed, ATOM, "link")[0]?.attributes.href).toBe("http://feeds.test:8080/changes/feed.xml?technique=caa");
    expect(textOf(child(feed, "title"))).toBe("MechMap: changes to ‘Contrastive Activation Addition’");
    expect(textOf(child(feed, "id"))).toBe("tag:feeds.test,2026:mechmap/changes/technique/caa");
    const entries = childrenNamed(feed, ATOM, "entry");
    expect(entries.map((e) => textOf(child(e, "id")))).toEqual([`tag:feeds.test,2026:mechmap/technique-revision/${caaEdit}`]);
    expect(child(entries[0]!, "link")?.attributes.href).toBe("http://feeds.test:8080/techniques/caa");
    expect(siteOrigin(new Request("http://a.test/x"), { NEXTAUTH_URL: "https://b.test/sub/" })).toBe("https://b.test");
    expect(siteOrigin(new Request("http://a.test/x"), { NEXTAUTH_URL: "not a url" })).toBe("http://a.test");
  });

  it(`holds at most ${ATOM_MAX_ENTRIES} entries, newest first, each with a distinct id`, async () => {
    for (let i = 0; i < ATOM_MAX_ENTRIES + 10; i++) await techniqueRevision({ reviewedAt: at(i) });
    const response = await handleChangesAtom(new Request("http://feeds.test/changes/feed.xml"), ctx.t.db);
    const entries = childrenNamed(parseXml(await response.text()), ATOM, "entry");
    expect(entries).toHaveLength(ATOM_MAX_ENTRIES);
    expect(new Set(entries.map((e) => textOf(child(e, "id")))).size).toBe(ATOM_MAX_ENTRIES);
    expect(textOf(child(entries[0]!, "updated"))).toBe(at(ATOM_MAX_ENTRIES + 9).toISOString());
    expect(textOf(child(entries[ATOM_MAX_ENTRIES - 1]!, "updated"))).toBe(at(10).toISOString());
  });

  it("answers 404 for an unknown technique, 400 for a malformed slug, and an empty feed with a fixed date", async () => {
    const missing = await handleChangesAtom(new Request("http://feeds.test/changes/feed.xml?technique=nothing-here"), ctx.t.db);
    expect(missing.status).toBe(404);
    await expect(missing.text()).resolves.toContain("nothing-here");
    expect((await handleChangesAtom(new Request("http://feeds.test/changes/feed.xml?technique=%3Cscript%3E"), ctx.t.db)).status).toBe(400);
    const empty = atomFeed([], { origin: "http://feeds.test", technique: null });
    assertWellFormedText(empty);
    const feed = parseXml(empty);
    expect(childrenNamed(feed, ATOM, "entry")).toEqual([]);
    expect(textOf(child(feed, "updated"))).toBe("1970-01-01T00:00:00.000Z");
  });
});
