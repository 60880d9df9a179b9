import { parse, type Creator } from "@retorquere/bibtex-parser";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { paperTechniques, papers, techniques } from "../../db/schema";
import { handlePapersBibtex } from "../../server/services/papers/bibtex-download";
import { bibtexEntry, bibtexForMany, bibtexName, bibtexTitle, citationKey, entryTypeFor, type BibtexExportSource } from "../../server/services/papers/bibtex-export";
import { useDatabaseWithRoles } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";

/** The options the project's BibTeX import uses (server/render/bibtex-entries.ts). */
const IMPORT_OPTIONS = { sentenceCase: false, english: false, unsupported: "ignore" } as const;

function parseOne(bibtex: string, options: Parameters<typeof parse>[1] = IMPORT_OPTIONS) {
  const library = parse(bibtex, options);
  expect(library.errors).toEqual([]);
  expect(library.entries).toHaveLength(1);
  const entry = library.entries[0];
  if (!entry) throw new Error("no entry");
  return entry;
}

/** "First von Last, Jr." back from the parser's parts, in the form the paper stores. */
function personName(c: Creator): string {
  if (c.name) return c.name;
  return [c.firstName, c.prefix, c.lastName, c.suffix].filter(Boolean).join(" ");
}

const paper = (over: Partial<BibtexExportSource>): BibtexExportSource => ({
  title: "A title",
  authors: ["Ada Lovelace"],
  year: 2024,
  venue: null,
  arxivId: null,
  doi: null,
  url: null,
  ...over,
});

const ARDITI = paper({
  title: "Refusal in Language Models Is Mediated by a Single Direction",
  authors: ["Andy Arditi", "Oscar Obeso", "Aaquib Syed", "Daniel Paleka", "Nina Panickssery", "Wes Gurnee", "Neel Nanda"],
  year: 2024,
  venue: "NeurIPS 2024",
  arxivId: "2406.11717",
});

describe("BibTeX entry types", () => {
  it.each([
    ["NeurIPS 2024", "inproceedings", "booktitle"],
    ["ICML 2025", "inproceedings", "booktitle"],
    ["ICLR 2017 Workshop", "inproceedings", "booktitle"],
    ["Findings of EMNLP 2023", "inproceedings", "booktitle"],
    ["BlackboxNLP 2023", "inproceedings", "booktitle"],
    ["Proceedings of the 12th Obscure Meeting on Things", "inproceedings", "booktitle"],
    ["TACL 2021", "article", "journal"],
    ["TMLR 2024", "article", "journal"],
    ["Computational Linguistics", "article", "journal"],
    ["Distill", "article", "journal"],
    ["Journal of Obscure Studies", "article", "journal"],
    ["LessWrong", "misc", "howpublished"],
    ["AI Alignment Forum", "misc", "howpublished"],
    ["Transformer Circuits Thread", "misc", "howpublished"],
    ["Blog post (neelnanda.io)", "misc", "howpublished"],
    ["arXiv preprint", "misc", null],
  ] as const)("%s → @%s with %s", (venue, type, venueField) => {
    expect(entryTypeFor({ venue, url: null })).toEqual({ type, venueField });
  });

  it("places a post with no venue by its URL", () => {
    expect(entryTypeFor({ venue: null, url: "https://www.lesswrong.com/posts/abc/some-post" })).toEqual({ type: "misc", venueField: "howpublished" });
    expect(entryTypeFor({ venue: null, url: null })).toEqual({ type: "misc", venueField: null });
  });
});

describe("BibTeX titles", () => {
  it("brace-protects acronyms, words with inner capitals or digits, and proper nouns", () => {
    expect(bibtexTitle("Language Models are Unsupervised Multitask Learners: GPT-2")).toBe("Language Models are Unsupervised Multitask Learners: {GPT}-2");
    expect(bibtexTitle("Steering Llama 2 via Contrastive Activation Addition")).toBe("Steering {Llama} 2 via Contrastive Activation Addition");
    expect(bibtexTitle("BERT Rediscovers the Classical NLP Pipeline")).toBe("{BERT} Rediscovers the Classical {NLP} Pipeline");
    expect(bibtexTitle("TinyStories and LLMs with T5 and word2vec")).toBe("{TinyStories} and {LLMs} with {T5} and word2vec");
    expect(bibtexTitle("Gaussian processes in English")).toBe("{Gaussian} processes in {English}");
  });

  it("escapes LaTeX's special characters and keeps maths", () => {
    expect(bibtexTitle("Tips & tricks: 50% of $5 for #1 a_b {x} ~ ^ \\")).toBe(
      "Tips \\& tricks: 50\\% of \\$5 for \\#1 a\\_b \\{x\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}",
    );
    expect(bibtexTitle("Why $\\cos$ similarity fails")).toBe("Why $\\cos$ similarity fails");
    // Unbalanced braces inside dollars cannot be kept as maths.
    expect(bibtexTitle("Odd $a}$ case")).toBe("Odd \\$a\\}\\$ case");
  });
});

describe("BibTeX authors and keys", () => {
  it("writes Last, First with particles and suffixes, and braces a one-word organisation", () => {
    expect(bibtexName("Andy Arditi")).toBe("Arditi, Andy");
    expect(bibtexName("Ludwig van Beethoven")).toBe("van Beethoven, Ludwig");
    expect(bibtexName("Martin Luther King Jr.")).toBe("King, Jr., Martin Luther");
    expect(bibtexName("Rimsky, Nina")).toBe("Rimsky, Nina");
    expect(bibtexName("Anthropic")).toBe("{Anthropic}");
    expect(bibtexName("Research and Development Team")).toBe("{Research and Development Team}");
  });

  it("uses the stored cite key, else surname and year", () => {
    expect(citationKey({ ...ARDITI, citeKey: "arditi2024refusal" })).toBe("arditi2024refusal");
    expect(citationKey({ ...ARDITI, citeKey: null })).toBe("arditi2024");
    expect(citationKey({ authors: ["Jürgen Günther"], year: 2020, citeKey: "bad key,{}" })).toBe("gunther2020");
  });

  it("makes repeated keys distinct in a bulk export", () => {
    const text = bibtexForMany([ARDITI, { ...ARDITI, title: "Another one", arxivId: null }, { ...ARDITI, title: "Third", arxivId: null }]);
    const keys = parse(text, IMPORT_OPTIONS).entries.map((e) => e.key);
    expect(keys).toEqual(["arditi2024", "arditi2024a", "arditi2024b"]);
  });
});

describe("export → parse round trip", () => {
  const cases: Array<{ name: string; paper: BibtexExportSource; type: string; venueField: string | null }> = [
    { name: "a conference paper on arXiv", paper: { ...ARDITI, citeKey: "arditi2024" }, type: "inproceedings", venueField: "booktitle" },
    {
      name: "a journal paper with special characters",
      paper: paper({
        title: "Probing Classifiers: Promises, Shortcomings & Advances (50% of #1 {x} costs_2 ~ $5)",
        authors: ["Yonatan Belinkov"],
        year: 2022,
        venue: "Computational Linguistics",
        doi: "10.1162/coli_a_00422",
      }),
      type: "article",
      venueField: "journal",
    },
    {
      name: "a forum post",
      paper: paper({
        title: "Steering GPT-2-XL by adding an activation vector",
        authors: ["Alex Turner", "Lisa Thiergart", "David Udell", "Gavin Leech", "Ulisse Mini", "Monte MacDiarmid"],
        year: 2023,
        venue: "LessWrong",
        url: "https://www.lesswrong.com/posts/5spBue2z2tw4JuDCx/steering-gpt-2-xl-by-adding-an-activation-vector",
      }),
      type: "misc",
      venueField: "howpublished",
    },
    {
      name: "an arXiv-only paper with accents and a particle",
      paper: paper({
        title: "Sparse Autoencoders Find Highly Interpretable Features in Language Models",
        authors: ["Hoagy Cunningham", "Jürgen Günther", "Ludwig van Beethoven", "Robert Huben", "Lee Sharkey"],
        year: 2023,
        arxivId: "2309.08600",
        primaryClass: "cs.LG",
      }),
      type: "misc",
      venueField: null,
    },
  ];

  it.each(cases)("$name keeps its title, authors, year, venue and type", ({ paper: p, type, venueField }) => {
    const entry = parseOne(bibtexEntry(p));
    expect(entry.type).toBe(type);
    expect(entry.key).toBe(citationKey(p));
    expect(entry.fields.title).toBe(p.title);
    expect((entry.fields.author ?? []).map(personName)).toEqual(p.authors);
    expect(entry.fields.year).toBe(String(p.year));
    if (venueField) expect(entry.fields[venueField]).toBe(p.venue);
    for (const other of ["booktitle", "journal", "howpublished"].filter((f) => f !== venueField)) expect(entry.fields[other]).toBeUndefined();
    if (p.arxivId) {
      expect(entry.fields.eprint).toBe(p.arxivId);
      expect(entry.fields.archiveprefix).toBe("arXiv");
    }
    if (p.primaryClass) expect(entry.fields.primaryclass).toBe(p.primaryClass);
    if (p.doi) expect(entry.fields.doi).toBe(p.doi);
  });

  it("keeps the maths in a title as LaTeX", () => {
    const p = paper({ title: "Why $\\cos$ similarity of $x^2$ fails", venue: "ICML 2024" });
    const raw = parseOne(bibtexEntry(p), { ...IMPORT_OPTIONS, raw: true });
    expect(raw.fields.title).toBe("Why $\\cos$ similarity of $x^2$ fails");
    const kept = parseOne(bibtexEntry(p), { sentenceCase: false, english: false, unsupported: (_node, tex) => tex });
    expect(kept.fields.title).toContain("\\cos");
  });

  it("protects case for a parser that sentence-cases English titles", () => {
    const entry = parseOne(bibtexEntry(paper({ title: "Steering Llama 2 with GPT-4 Features", venue: "NeurIPS 2023" })), { unsupported: "ignore" });
    // Sentence case lower-cases "Features" and "Steering" stays first; the protected words keep their capitals.
    expect(entry.fields.title).toMatch(/Llama 2 with GPT-4 features/);
  });
});

describe("bulk export (GET /api/papers/bibtex)", () => {
  const ctx = useDatabaseWithRoles();
  let ids: number[] = [];
  beforeAll(async () => {
    await insertSmallTaxonomy(ctx.t.db);
    const rows = await ctx.t.db
      .insert(papers)
      .values([
        { title: "Refusal in Language Models Is Mediated by a Single Direction", authors: ["Andy Arditi", "Neel Nanda"], year: 2024, venue: "NeurIPS 2024", arxivId: "2406.11717", citeKey: "arditi2024" },
        { title: "Steering Llama 2 via Contrastive Activation Addition", authors: ["Nina Rimsky"], year: 2023, venue: "ACL 2024", citeKey: null },
        { title: "Another by Arditi", authors: ["Andy Arditi"], year: 2024, venue: "LessWrong", url: "https://www.lesswrong.com/posts/x/y" },
      ])
      .returning({ id: papers.id });
    ids = rows.map((r) => r.id);
    const [caa] = await ctx.t.db.select({ id: techniques.id }).from(techniques).where(eq(techniques.slug, "caa"));
    if (!caa || ids[1] === undefined) throw new Error("fixture missing");
    await ctx.t.db.insert(paperTechniques).values([
      { paperId: ids[1], techniqueId: caa.id, relation: "introduces" },
      { paperId: ids[1], techniqueId: caa.id, relation: "evaluates" },
    ]);
  });

  const get = (query: string) => handlePapersBibtex(new Request(`http://localhost/api/papers/bibtex?${query}`), ctx.t.db);

  it("downloads the listed papers as one .bib file that parses, with distinct keys", async () => {
    const res = await get(`ids=${ids.join(",")}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-bibtex");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="mechmap-papers.bib"');
    const library = parse(await res.text(), IMPORT_OPTIONS);
    expect(library.errors).toEqual([]);
    // ordered by year and title; the stored key "arditi2024" stays with its paper, the other Arditi 2024 gets a suffix
    expect(library.entries.map((e) => [e.type, e.key, e.fields.title])).toEqual([
      ["inproceedings", "rimsky2023", "Steering Llama 2 via Contrastive Activation Addition"],
      ["misc", "arditi2024a", "Another by Arditi"],
      ["inproceedings", "arditi2024", "Refusal in Language Models Is Mediated by a Single Direction"],
    ]);
  });

  it("downloads a technique's papers once each, and refuses bad input", async () => {
    const res = await get("technique=caa");
    expect(res.status).toBe(200);
    const library = parse(await res.text(), IMPORT_OPTIONS);
    expect(library.entries.map((e) => e.fields.title)).toEqual(["Steering Llama 2 via Contrastive Activation Addition"]);
    expect((await get("technique=no-such-technique")).status).toBe(404);
    expect((await get("ids=1,abc")).status).toBe(400);
    expect((await get("")).status).toBe(400);
  });
});
