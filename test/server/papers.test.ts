import { beforeEach, describe, expect, it } from "vitest";
import { paperTechniques, papers, techniques } from "../../db/schema";
import { normalizeArxivId, normalizeDoi } from "../../server/services/paper-identifiers";
import { useDatabaseWithRoles } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";

const ctx = useDatabaseWithRoles();
beforeEach(async () => {
  await ctx.t.db.delete(papers);
  await ctx.t.db.delete(techniques);
  await insertSmallTaxonomy(ctx.t.db);
});

const hewitt = {
  title: "Designing and Interpreting Probes with Control Tasks",
  authors: ["John Hewitt", "Percy Liang"],
  year: 2019,
  venue: "EMNLP 2019",
  arxivId: "1909.03368",
  links: [{ technique: "control-tasks", relation: "introduces" as const, note: "Selectivity" }],
};

describe("paper identifiers", () => {
  it("normalises the forms people paste", () => {
    expect(normalizeArxivId("arXiv:2310.01405v2")).toBe("2310.01405");
    expect(normalizeArxivId("https://arxiv.org/abs/2310.01405")).toBe("2310.01405");
    expect(normalizeArxivId("https://arxiv.org/pdf/2310.01405v1.pdf")).toBe("2310.01405");
    expect(normalizeArxivId("hep-th/9901001v3")).toBe("hep-th/9901001");
    expect(normalizeArxivId("not an id")).toBeNull();
    expect(normalizeDoi("https://doi.org/10.18653/V1/D19-1275")).toBe("10.18653/v1/d19-1275");
    expect(normalizeDoi("doi:10.1162/coli_a_00422")).toBe("10.1162/coli_a_00422");
    expect(normalizeDoi("11.1/x")).toBeNull();
  });
});

describe("papers", () => {
  it("adds a paper with its technique links and shows it", async () => {
    const { id } = await ctx.as.member.papers.create(hewitt);
    const page = await ctx.as.anonymous.papers.byId({ id });
    expect(page.paper).toMatchObject({ title: hewitt.title, authors: ["John Hewitt", "Percy Liang"], arxivId: "1909.03368" });
    expect(page.links).toEqual([{ slug: "control-tasks", name: "Control tasks", relation: "introduces", note: "Selectivity" }]);
  });

  it("refuses a duplicate arXiv id in another spelling, pointing at the existing paper", async () => {
    const { id } = await ctx.as.member.papers.create(hewitt);
    const attempt = ctx.as.member.papers.create({ ...hewitt, title: "Same paper, other title", arxivId: "https://arxiv.org/abs/1909.03368v2" });
    await expect(attempt).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining(`/papers/${id}`) });
    expect(await ctx.t.db.select().from(papers)).toHaveLength(1);
  });

  it("refuses a duplicate DOI regardless of case", async () => {
    const { id } = await ctx.as.member.papers.create({ ...hewitt, arxivId: null, doi: "10.18653/v1/D19-1275" });
    await expect(ctx.as.member.papers.create({ ...hewitt, arxivId: null, doi: "https://doi.org/10.18653/V1/d19-1275" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining(`/papers/${id}`),
    });
  });

  it("refuses a link to an unknown technique and writes nothing", async () => {
    await expect(ctx.as.member.papers.create({ ...hewitt, links: [{ technique: "no-such-thing", relation: "applies" }] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await ctx.t.db.select().from(papers)).toEqual([]);
    expect(await ctx.t.db.select().from(paperTechniques)).toEqual([]);
  });

  it("imports BibTeX entries, reporting the ones already present", async () => {
    await ctx.as.member.papers.create(hewitt);
    const bibtex = String.raw`
@inproceedings{hewitt2019designing,
  title = {Designing and Interpreting Probes with Control Tasks},
  author = {Hewitt, John and Liang, Percy},
  booktitle = {Proceedings of EMNLP-IJCNLP 2019},
  year = {2019},
  eprint = {1909.03368},
  archivePrefix = {arXiv}
}
@article{belinkov2022probing,
  title = {Probing Classifiers: Promises, Shortcomings, and Advances},
  author = {Belinkov, Yonatan},
  journal = {Computational Linguistics},
  volume = {48},
  number = {1},
  year = {2022},
  doi = {10.1162/coli_a_00422}
}
@misc{zou2023repe,
  title = {Representation Engineering: A Top-Down Approach to {AI} Transparency},
  author = {Zou, Andy and Phan, Long and Chen, Sarah},
  year = {2023},
  eprint = {2310.01405},
  archivePrefix = {arXiv},
  journal = {arXiv preprint arXiv:2310.01405}
}`;
    const result = await ctx.as.member.papers.importBibtex({ bibtex, links: [{ technique: "probing", relation: "surveys" }] });
    expect(result.duplicates.map((d) => d.key)).toEqual(["hewitt2019designing"]);
    expect(result.created.map((c) => c.title)).toEqual(["Probing Classifiers: Promises, Shortcomings, and Advances", "Representation Engineering: A Top-Down Approach to AI Transparency"]);
    const belinkov = await ctx.as.anonymous.papers.byId({ id: result.created[0]!.id });
    expect(belinkov.paper).toMatchObject({ authors: ["Yonatan Belinkov"], year: 2022, venue: "Computational Linguistics", doi: "10.1162/coli_a_00422" });
    expect(belinkov.paper.bibtex).toContain("@article{belinkov2022probing");
    expect(belinkov.links.map((l) => l.slug)).toEqual(["probing"]);
    const repe = await ctx.as.anonymous.papers.byId({ id: result.created[1]!.id });
    expect(repe.paper).toMatchObject({ arxivId: "2310.01405", venue: null, authors: ["Andy Zou", "Long Phan", "Sarah Chen"] });
  });

  it("refuses text that holds no BibTeX entry", async () => {
    await expect(ctx.as.member.papers.importBibtex({ bibtex: "this is not bibtex at all", links: [] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("No BibTeX entry"),
    });
  });

  it("lists with full-text ranking, technique and year filters, and pagination", async () => {
    await ctx.as.member.papers.create(hewitt);
    await ctx.as.member.papers.create({ title: "Steering Llama 2 via Contrastive Activation Addition", authors: ["Nina Rimsky"], year: 2023, arxivId: "2312.06681", links: [{ technique: "caa", relation: "introduces" }] });
    await ctx.as.member.papers.create({ title: "A survey of methods", authors: ["A. Author"], year: 2024, abstract: "We review steering and probing.", links: [] });
    for (let i = 0; i < 25; i++) await ctx.as.member.papers.create({ title: `Filler paper ${i}`, authors: ["B. Filler"], year: 2010 + (i % 10), links: [] });

    const steering = await ctx.as.anonymous.papers.list({ query: "steering" });
    // A title match outranks an abstract match.
    expect(steering.items.map((p) => p.title)).toEqual(["Steering Llama 2 via Contrastive Activation Addition", "A survey of methods"]);
    expect(steering.total).toBe(2);
    // A whole title with its stop words ("with") finds the paper, as its distinctive words do.
    expect((await ctx.as.anonymous.papers.list({ query: "Probes with Control Tasks" })).items.map((p) => p.title)).toEqual([hewitt.title]);
    expect((await ctx.as.anonymous.papers.list({ query: "Rimsky via" })).items.map((p) => p.year)).toEqual([2023]);

    expect((await ctx.as.anonymous.papers.list({ technique: "control-tasks" })).items.map((p) => p.title)).toEqual([hewitt.title]);
    expect((await ctx.as.anonymous.papers.list({ yearFrom: 2023, yearTo: 2023 })).items.map((p) => p.year)).toEqual([2023]);

    const page1 = await ctx.as.anonymous.papers.list({ page: 1, pageSize: 10 });
    const page3 = await ctx.as.anonymous.papers.list({ page: 3, pageSize: 10 });
    expect(page1).toMatchObject({ total: 28, pageCount: 3 });
    expect(page1.items).toHaveLength(10);
    expect(page3.items).toHaveLength(8);
    expect(new Set([...page1.items, ...page3.items].map((p) => p.id)).size).toBe(18);
  });

  it("shows a new paper at once on cached browse pages and in the map's paper counts", async () => {
    const before = await ctx.as.anonymous.papers.list({});
    const countOf = async () => (await ctx.as.anonymous.taxonomy.graph()).nodes.find((n) => n.slug === "control-tasks")?.paperCount;
    expect(await countOf()).toBe(0);
    await ctx.as.member.papers.create(hewitt);
    const after = await ctx.as.anonymous.papers.list({});
    expect(after.total).toBe(before.total + 1);
    expect(after.items.map((p) => p.title)).toContain(hewitt.title);
    expect(await countOf()).toBe(1);
  });
});
