/**
 * Paper curation: NFC storage, accent-folded search (both ways, and through BibTeX import),
 * author aliases, duplicates by title + year + first author, cite keys, review status, and the
 * list's sort, snippets, chips and out-of-range pages. Real PostgreSQL (unaccent included).
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { authorAliases, papers, techniques } from "../../db/schema";
import { papers as seedPapers } from "../../db/seed/data/papers";
import { seedDemo } from "../../db/seed/seed";
import { backfillPaperKeys } from "../../server/services/papers/backfill";
import { aliasAlternatives } from "../../server/services/papers/search-terms";
import { citeKeyBase, citeKeySuffix, dedupeKey, foldAccents, surnameOf } from "../../server/services/papers/keys";
import { headlineParts, leadingSnippet } from "../../server/services/papers/list";
import { paperQueryWords, tsQueryAlternatives } from "../../server/services/search-query";
import { callerFor, useDatabaseWithRoles } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";

const ctx = useDatabaseWithRoles();
beforeEach(async () => {
  await ctx.t.db.delete(papers);
  await ctx.t.db.delete(authorAliases);
  await ctx.t.db.delete(techniques);
  await insertSmallTaxonomy(ctx.t.db);
});

const titles = (r: { items: Array<{ title: string }> }) => r.items.map((p) => p.title);
const search = (query: string) => ctx.as.anonymous.papers.list({ query });

const caa = {
  title: "Steering Llama 2 via Contrastive Activation Addition",
  authors: ["Nina Rimsky", "Nick Gabrieli", "Julian Schulz", "Meg Tong", "Evan Hubinger", "Alexander Matt Turner"],
  year: 2024,
  venue: "ACL 2024",
  arxivId: "2312.06681",
  links: [{ technique: "caa", relation: "introduces" as const }],
};

describe("keys (pure)", () => {
  it("folds accents the way unaccent does, including letters NFKD leaves alone", () => {
    expect(foldAccents("Günther")).toBe("gunther");
    expect(foldAccents("Gu\u0308nther")).toBe("gunther");
    expect(foldAccents("Łukasz Østergaard Straße")).toBe("lukasz ostergaard strasse");
  });

  it("finds the surname in either name order and past a suffix", () => {
    expect(surnameOf("Nina Rimsky")).toBe("Rimsky");
    expect(surnameOf("Rimsky, Nina")).toBe("Rimsky");
    expect(surnameOf("Martin Luther King Jr.")).toBe("King");
    expect(surnameOf("Anthropic")).toBe("Anthropic");
  });

  it("gives the same dedupe key to spelling variants of one paper, and different keys otherwise", () => {
    const a = dedupeKey({ title: "Toy Models of Superposition", authors: ["Nelson Elhage", "Tristan Hume"], year: 2022 });
    expect(a).toBe("toymodelsofsuperposition|2022|elhage");
    expect(dedupeKey({ title: "  toy models of  superposition. ", authors: ["Élhage, Nelson"], year: 2022 })).toBe(a);
    expect(dedupeKey({ title: "Toy Models of Superposition", authors: ["Nelson Elhage"], year: 2023 })).not.toBe(a);
    expect(dedupeKey({ title: "Toy Models of Superposition", authors: ["Chris Olah"], year: 2022 })).not.toBe(a);
    // A leading article is part of the title (documented in keys.ts).
    expect(dedupeKey({ title: "The Toy Models of Superposition", authors: ["Nelson Elhage"], year: 2022 })).not.toBe(a);
  });

  it("builds cite keys from ASCII surname letters and the year, with a, b, … z, aa on collisions", () => {
    expect(citeKeyBase({ authors: ["Andy Arditi", "Oscar Obeso"], year: 2024 })).toBe("arditi2024");
    expect(citeKeyBase({ authors: ["Hans Günther"], year: 2020 })).toBe("gunther2020");
    expect(citeKeyBase({ authors: ["Jean-Luc O'Neil"], year: null })).toBe("oneil");
    expect(citeKeyBase({ authors: ["张伟"], year: 2021 })).toBe("paper2021");
    expect([0, 1, 2, 26, 27, 28].map(citeKeySuffix)).toEqual(["", "a", "b", "z", "aa", "ab"]);
  });

  it("expands a query by author aliases in both directions, by full name, surname or a typed prefix", () => {
    const pairs = [[["nina", "rimsky"], ["nina", "panickssery"]]] as const;
    expect(aliasAlternatives(["panickssery"], pairs)).toEqual([["panickssery"], ["rimsky"]]);
    expect(aliasAlternatives(["nina", "rimsky", "steering"], pairs)).toEqual([
      ["nina", "rimsky", "steering"],
      ["nina", "panickssery", "steering"],
    ]);
    expect(aliasAlternatives(["panick"], pairs)).toEqual([["panick"], ["rimsky"]]);
    expect(aliasAlternatives(["pan"], pairs)).toEqual([["pan"], ["rimsky"]]);
    expect(aliasAlternatives(["pa"], pairs)).toEqual([["pa"]]);
    expect(aliasAlternatives(["nina"], pairs)).toEqual([["nina"]]);
    expect(tsQueryAlternatives([["nina", "rimsky"], ["nina", "panickssery"], ["nina", "rimsky"]])).toEqual([
      ["nina", "rimsky:*"],
      ["nina", "panickssery:*"],
    ]);
    expect(tsQueryAlternatives([["a'b"], ["&|!"]])).toEqual([["a", "b:*"]]);
    expect(paperQueryWords("Nʼdiaye Gu\u0308nther")).toEqual(["n", "diaye", "günther"]);
  });

  it("cuts browse snippets at a word and splits headlines into marked pieces", () => {
    const long = `${"word ".repeat(60)}end`;
    const [snippet] = leadingSnippet(long);
    expect(snippet?.text.endsWith(" …")).toBe(true);
    expect(snippet!.text.length).toBeLessThanOrEqual(203);
    expect(leadingSnippet("Short.")).toEqual([{ text: "Short.", match: false }]);
    expect(leadingSnippet("")).toEqual([]);
    expect(headlineParts("a \uE000steering\uE001 vector \uE000b\uE001")).toEqual([
      { text: "a ", match: false },
      { text: "steering", match: true },
      { text: " vector ", match: false },
      { text: "b", match: true },
    ]);
  });
});

describe("NFC and accent-folded search", () => {
  it("stores every text field NFC-normalised", async () => {
    const decomposed = "Gu\u0308nther";
    const { id } = await ctx.as.member.papers.create({
      title: `Circuits of ${decomposed}`,
      authors: [`Hans ${decomposed}`],
      venue: `${decomposed} Workshop`,
      abstract: `By ${decomposed}.`,
      year: 2020,
      links: [],
    });
    const [row] = await ctx.t.db.select().from(papers).where(eq(papers.id, id));
    expect(row).toMatchObject({ title: "Circuits of G\u00fcnther", authors: ["Hans G\u00fcnther"], venue: "G\u00fcnther Workshop", abstract: "By G\u00fcnther." });
    expect(row!.title).not.toContain("\u0308");
  });

  it("finds an accented author from plain letters and a plain author from accented ones", async () => {
    await ctx.as.member.papers.create({ title: "Feature geometry", authors: ["Hans Günther"], year: 2020, links: [] });
    await ctx.as.member.papers.create({ title: "Probe selectivity", authors: ["Ana Muller"], year: 2021, links: [] });
    await ctx.as.member.papers.create({ title: "Unrelated work", authors: ["Zed Zed"], year: 2021, links: [] });
    for (const q of ["Gunther", "Günther", "gu\u0308nther", "GUNTH", "Hans Gunther"]) expect(titles(await search(q)), q).toEqual(["Feature geometry"]);
    for (const q of ["Müller", "muller"]) expect(titles(await search(q)), q).toEqual(["Probe selectivity"]);
    // Titles fold too.
    await ctx.as.member.papers.create({ title: "Café circuits", authors: ["B. Barista"], year: 2022, links: [] });
    expect(titles(await search("cafe"))).toEqual(["Café circuits"]);
    expect(titles(await search("café"))).toEqual(["Café circuits"]);
  });

  it("decodes BibTeX accents on import (G{\\\"u}nther is found by Gunther) and keeps \\cos as math", async () => {
    const bibtex = String.raw`@article{gunther2020cos,
  title = {The $\cos$ similarity of \cos-aligned features and $\cos\theta$},
  author = {G{\"u}nther, Hans and M\"{u}ller, Ana},
  year = {2020},
  journal = {Journal of Folding}
}`;
    const result = await ctx.as.member.papers.importBibtex({ bibtex, links: [] });
    expect(result.created).toHaveLength(1);
    const { paper } = await ctx.as.anonymous.papers.byId({ id: result.created[0]!.id });
    expect(paper.authors).toEqual(["Hans G\u00fcnther", "Ana M\u00fcller"]);
    expect(paper.title).toBe("The $\\cos$ similarity of $\\cos$ -aligned features and $\\cos$θ");
    expect(titles(await search("Gunther"))).toEqual([paper.title]);
    expect(titles(await search("Günther"))).toEqual([paper.title]);
    expect(paper.citeKey).toBe("gunther2020");
  });
});

describe("author aliases", () => {
  it("finds the CAA paper listed under Rimsky by searching Panickssery, once the alias is known", async () => {
    await ctx.as.moderator.papers.create(caa);
    await ctx.as.moderator.papers.create({ title: "Another steering paper", authors: ["Someone Else"], year: 2024, links: [] });
    expect(titles(await search("Panickssery"))).toEqual([]);

    await expect(ctx.as.member.papers.addAuthorAlias({ name: "Nina Rimsky", alias: "Nina Panickssery" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const added = await ctx.as.moderator.papers.addAuthorAlias({ name: "Nina Rimsky", alias: "Nina Panickssery" });
    expect(added).toMatchObject({ created: true });
    // Known in either direction, whatever the accents or case: not added twice.
    expect(await ctx.as.moderator.papers.addAuthorAlias({ name: "nina panickssery", alias: "Nina Rimsky" })).toMatchObject({ id: added.id, created: false });
    await expect(ctx.as.moderator.papers.addAuthorAlias({ name: "Nina Rimsky", alias: "nina  rimsky" })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    for (const q of ["Panickssery", "panickssery", "Nina Panickssery", "panickssery steering", "Panicks"]) expect(titles(await search(q)), q).toEqual([caa.title]);
    expect(titles(await search("Panickssery sparse"))).toEqual([]);
    // An author and a title word together (names are indexed unstemmed, titles stemmed).
    expect(titles(await search("Rimsky steering"))).toEqual([caa.title]);
    // The original name still works.
    expect(titles(await search("Rimsky"))).toEqual([caa.title]);
  });

  it("works the other way round and shows the other name on the paper page", async () => {
    const { id } = await ctx.as.moderator.papers.create({ title: "Refusal in a later paper", authors: ["Nina Panickssery", "Co Author"], year: 2025, links: [] });
    await ctx.as.moderator.papers.addAuthorAlias({ name: "Nina Rimsky", alias: "Nina Panickssery" });
    expect(titles(await search("Rimsky"))).toEqual(["Refusal in a later paper"]);
    const page = await ctx.as.anonymous.papers.byId({ id });
    expect(page.authorAliases).toEqual([{ author: "Nina Panickssery", otherNames: ["Nina Rimsky"] }]);
  });
});

describe("duplicates without arXiv id or DOI", () => {
  const toy = { title: "Toy Models of Superposition", authors: ["Nelson Elhage", "Tristan Hume", "Chris Olah"], year: 2022, venue: "Transformer Circuits Thread", links: [] };

  it("asks instead of adding a second copy with the same title, year and first author", async () => {
    const { id } = await ctx.as.member.papers.create(toy);
    const again = { ...toy, title: "Toy models of superposition.", authors: ["Élhage, Nelson"] };
    await expect(ctx.as.member.papers.create(again)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("Toy Models of Superposition") });
    expect(await ctx.t.db.select().from(papers)).toHaveLength(1);

    const candidates = await ctx.as.anonymous.papers.possibleDuplicates({ title: again.title, authors: again.authors, year: 2022 });
    expect(candidates).toEqual([{ id, title: toy.title, authors: toy.authors, year: 2022, venue: toy.venue }]);

    // "It is a different paper": added anyway.
    const added = await ctx.as.member.papers.create({ ...again, confirmNotDuplicate: true });
    expect(added.id).not.toBe(id);
    expect(await ctx.t.db.select().from(papers)).toHaveLength(2);
  });

  it("reports the candidate ids with the conflict, and lets other years, authors and distinct arXiv ids through", async () => {
    const { id } = await ctx.as.member.papers.create(toy);
    const error = await ctx.as.member.papers.create(toy).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CONFLICT", cause: { details: { possibleDuplicateIds: String(id) } } });
    await ctx.as.member.papers.create({ ...toy, year: 2023 });
    await ctx.as.member.papers.create({ ...toy, authors: ["Chris Olah"] });
    await ctx.t.db.update(papers).set({ arxivId: "2209.10652" }).where(eq(papers.id, id));
    await ctx.as.member.papers.create({ ...toy, arxivId: "2209.99999" });
    expect(await ctx.t.db.select().from(papers)).toHaveLength(4);
  });

  it("BibTeX import returns look-alikes with their candidates instead of adding them; confirming adds one", async () => {
    const { id } = await ctx.as.member.papers.create(toy);
    const entry = String.raw`@misc{elhage2022toy,
  title = {Toy Models of {Superposition}},
  author = {Elhage, Nelson and Hume, Tristan},
  year = {2022},
  howpublished = {Transformer Circuits Thread}
}`;
    const fresh = String.raw`@misc{olah2020zoom, title = {Zoom In: An Introduction to Circuits}, author = {Olah, Chris}, year = {2020}}`;
    const first = await ctx.as.member.papers.importBibtex({ bibtex: `${entry}\n${fresh}`, links: [] });
    expect(first.created.map((c) => c.title)).toEqual(["Zoom In: An Introduction to Circuits"]);
    expect(first.possibleDuplicates).toHaveLength(1);
    expect(first.possibleDuplicates[0]).toMatchObject({ key: "elhage2022toy", candidates: [{ id, title: toy.title }] });
    expect(first.possibleDuplicates[0]!.bibtex).toContain("@misc{elhage2022toy");

    const confirmed = await ctx.as.member.papers.importBibtex({ bibtex: first.possibleDuplicates[0]!.bibtex, links: [], confirmNotDuplicate: true });
    expect(confirmed.created).toHaveLength(1);
    expect(confirmed.possibleDuplicates).toEqual([]);
    expect(await ctx.t.db.select().from(papers)).toHaveLength(3);
  });
});

describe("cite keys", () => {
  const arditi = { title: "Refusal in Language Models Is Mediated by a Single Direction", authors: ["Andy Arditi", "Oscar Obeso"], year: 2024, links: [] };

  it("are surname + year, with a, b on collisions, and shown on the paper", async () => {
    const a = await ctx.as.member.papers.create(arditi);
    const b = await ctx.as.member.papers.create({ ...arditi, title: "A second paper by Arditi" });
    const c = await ctx.as.member.papers.create({ ...arditi, title: "A third paper by Arditi" });
    const d = await ctx.as.member.papers.create({ ...arditi, title: "An earlier one", year: 2023 });
    const keys = await Promise.all([a, b, c, d].map(async ({ id }) => (await ctx.as.anonymous.papers.byId({ id })).paper.citeKey));
    expect(keys).toEqual(["arditi2024", "arditi2024a", "arditi2024b", "arditi2023"]);
  });

  it("are backfilled for rows without them, oldest first, without changing given keys; a second run changes nothing", async () => {
    const given = await ctx.as.member.papers.create(arditi);
    const inserted = await ctx.t.db
      .insert(papers)
      .values([
        { title: "Backfilled later", authors: ["Andy Arditi"], year: 2024 },
        { title: "Backfilled older", authors: ["Zoë Zhang"], year: 2019 },
        { title: "Backfilled twin", authors: ["Zoe Zhang"], year: 2019 },
      ])
      .returning({ id: papers.id });
    const first = await backfillPaperKeys(ctx.t.db);
    expect(first).toEqual({ citeKeys: 3, dedupeKeys: 3 });
    const rows = await ctx.t.db.select({ id: papers.id, citeKey: papers.citeKey, dedupeKey: papers.dedupeKey }).from(papers);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(given.id)?.citeKey).toBe("arditi2024");
    expect(inserted.map((r) => byId.get(r.id)?.citeKey)).toEqual(["arditi2024a", "zhang2019", "zhang2019a"]);
    expect(byId.get(inserted[1]!.id)?.dedupeKey).toBe("backfilledolder|2019|zhang");
    expect(await backfillPaperKeys(ctx.t.db)).toEqual({ citeKeys: 0, dedupeKeys: 0 });
  });
});

describe("review status", () => {
  it("member papers wait for a moderator; moderators' are approved; only moderators approve", async () => {
    const mine = await ctx.as.member.papers.create({ title: "Member paper", authors: ["M. Ember"], year: 2024, links: [] });
    const theirs = await ctx.as.moderator.papers.create({ title: "Moderator paper", authors: ["M. Oderator"], year: 2024, links: [] });
    expect((await ctx.as.anonymous.papers.byId({ id: mine.id })).paper.reviewStatus).toBe("unreviewed");
    expect((await ctx.as.anonymous.papers.byId({ id: theirs.id })).paper).toMatchObject({ reviewStatus: "approved", reviewedById: ctx.as.users.moderator.id });

    const list = await ctx.as.anonymous.papers.list({ status: "unreviewed" });
    expect(titles(list)).toEqual(["Member paper"]);
    expect((await ctx.as.anonymous.papers.list({})).items.find((p) => p.id === mine.id)?.reviewStatus).toBe("unreviewed");
    expect(await ctx.as.moderator.papers.unreviewed()).toMatchObject({ total: 1, items: [{ id: mine.id, addedBy: "Test member" }] });

    await expect(ctx.as.member.papers.approve({ paperId: mine.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(ctx.as.anonymous.papers.approve({ paperId: mine.id })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(ctx.as.member.papers.unreviewed()).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await ctx.as.anonymous.papers.byId({ id: mine.id })).paper.reviewStatus).toBe("unreviewed");

    expect(await ctx.as.moderator.papers.approve({ paperId: mine.id })).toEqual({ id: mine.id, reviewStatus: "approved", changed: true });
    const approved = (await ctx.as.anonymous.papers.byId({ id: mine.id })).paper;
    expect(approved).toMatchObject({ reviewStatus: "approved", reviewedById: ctx.as.users.moderator.id });
    expect(approved.reviewedAt).toBeInstanceOf(Date);
    expect(await ctx.as.admin.papers.approve({ paperId: mine.id })).toMatchObject({ changed: false });
    // The cached browse page shows the approval at once.
    expect((await ctx.as.anonymous.papers.list({})).items.find((p) => p.id === mine.id)?.reviewStatus).toBe("approved");
    await expect(ctx.as.moderator.papers.approve({ paperId: 999_999 })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("papers list", () => {
  beforeEach(async () => {
    await ctx.as.moderator.papers.create({ title: "Beta paper", authors: ["B. B"], year: 2021, abstract: `Steering ${"filler ".repeat(50)}ending.`, links: [{ technique: "caa", relation: "applies" }, { technique: "caa", relation: "evaluates" }, { technique: "probing", relation: "applies" }] });
    await ctx.as.moderator.papers.create({ title: "alpha paper", authors: ["A. A"], year: 2023, abstract: "Short abstract about probing.", arxivId: "2301.00001", links: [] });
    await ctx.as.moderator.papers.create({ title: "Gamma paper on steering", authors: ["C. C"], year: 2019, doi: "10.1234/gamma", links: [] });
    await ctx.as.moderator.papers.create({ title: "Undated note", authors: ["D. D"], links: [] });
  });

  it("sorts by newest, oldest, title (case-insensitive) and relevance", async () => {
    expect(titles(await ctx.as.anonymous.papers.list({}))).toEqual(["alpha paper", "Beta paper", "Gamma paper on steering", "Undated note"]);
    expect(titles(await ctx.as.anonymous.papers.list({ sort: "oldest" }))).toEqual(["Gamma paper on steering", "Beta paper", "alpha paper", "Undated note"]);
    expect(titles(await ctx.as.anonymous.papers.list({ sort: "title" }))).toEqual(["alpha paper", "Beta paper", "Gamma paper on steering", "Undated note"]);
    const relevance = await ctx.as.anonymous.papers.list({ query: "steering" });
    expect(relevance.sort).toBe("relevance");
    // The title match outranks the abstract match; sorted by year instead, the 2021 paper comes first.
    expect(titles(relevance)).toEqual(["Gamma paper on steering", "Beta paper"]);
    expect(titles(await ctx.as.anonymous.papers.list({ query: "steering", sort: "newest" }))).toEqual(["Beta paper", "Gamma paper on steering"]);
  });

  it("gives snippets (highlighted when searching), technique chips and identifiers", async () => {
    const browse = await ctx.as.anonymous.papers.list({});
    const beta = browse.items.find((p) => p.title === "Beta paper")!;
    expect(beta.snippet).toHaveLength(1);
    expect(beta.snippet[0]!.text.startsWith("Steering filler")).toBe(true);
    expect(beta.snippet[0]!.text.length).toBeLessThan(210);
    expect(beta.techniques).toEqual([
      { slug: "caa", name: "Contrastive Activation Addition", relations: ["applies", "evaluates"] },
      { slug: "probing", name: "Probing", relations: ["applies"] },
    ]);
    const alpha = browse.items.find((p) => p.title === "alpha paper")!;
    expect(alpha).toMatchObject({ arxivId: "2301.00001", doi: null, snippet: [{ text: "Short abstract about probing.", match: false }], techniques: [] });
    expect(browse.items.find((p) => p.title === "Gamma paper on steering")).toMatchObject({ doi: "10.1234/gamma", snippet: [] });

    const found = await ctx.as.anonymous.papers.list({ query: "probing" });
    expect(found.items[0]!.snippet).toContainEqual({ text: "probing", match: true });
  });

  it("answers a page past the end with no rows and the real page count", async () => {
    const result = await ctx.as.anonymous.papers.list({ page: 999, pageSize: 2 });
    expect(result).toMatchObject({ items: [], total: 4, page: 999, pageCount: 2 });
  });
});

describe("the demo seed", () => {
  let seeded: TestDatabase;
  beforeAll(async () => {
    seeded = await createTestDatabase();
    await seedDemo(seeded.db, { demoUsers: false });
  });
  afterAll(() => seeded.dispose());

  it("knows Rimsky is Panickssery: either name finds both her papers", async () => {
    const anonymous = callerFor(seeded.db, null);
    const caaTitle = seedPapers.find((p) => p.key === "rimsky2024caa")!.title;
    const refusalTitle = seedPapers.find((p) => p.key === "arditi2024refusal")!.title;
    for (const q of ["Panickssery", "Rimsky"]) expect(titles(await anonymous.papers.list({ query: q })).sort(), q).toEqual([caaTitle, refusalTitle].sort());
  });

  it("gives every seeded paper a unique cite key and a dedupe key, and a second run changes none", async () => {
    const read = () => seeded.db.select({ id: papers.id, citeKey: papers.citeKey, dedupeKey: papers.dedupeKey, status: papers.reviewStatus }).from(papers);
    const rows = await read();
    expect(rows).toHaveLength(seedPapers.length);
    expect(rows.every((r) => r.citeKey !== null && r.dedupeKey !== null && r.status === "approved")).toBe(true);
    expect(new Set(rows.map((r) => r.citeKey)).size).toBe(rows.length);
    const keyOf = (title: string) => rows.find((r) => r.dedupeKey?.startsWith(title))?.citeKey;
    expect(keyOf("steeringllama2viacontrastiveactivationaddition")).toBe("rimsky2024");
    expect(keyOf("refusalinlanguagemodelsismediatedbyasingledirection")).toBe("arditi2024");
    await seedDemo(seeded.db, { demoUsers: false });
    expect(await read()).toEqual(rows);
    expect(await seeded.db.select().from(authorAliases)).toHaveLength(1);
  });
});
