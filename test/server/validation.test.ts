import { describe, expect, it } from "vitest";
import { papers, techniqueRevisions, users } from "../../db/schema";
import { useDatabaseWithRoles } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";

const ctx = useDatabaseWithRoles({ before: insertSmallTaxonomy });

async function counts() {
  return {
    papers: (await ctx.t.db.select().from(papers)).length,
    revisions: (await ctx.t.db.select().from(techniqueRevisions)).length,
    users: (await ctx.t.db.select().from(users)).length,
  };
}

describe("bad input gets a clear error and writes nothing", () => {
  const cases: Array<[string, () => Promise<unknown>, RegExp]> = [
    ["paper without authors", () => ctx.as.member.papers.create({ title: "A title", authors: [], links: [] }), /^Authors: List at least one author/],
    ["paper with a malformed arXiv id", () => ctx.as.member.papers.create({ title: "A title", authors: ["A"], arxivId: "12345", links: [] }), /^arXiv id: That is not an arXiv id/],
    ["paper with a malformed DOI", () => ctx.as.member.papers.create({ title: "A title", authors: ["A"], doi: "doi-less", links: [] }), /^DOI: That is not a DOI/],
    ["paper with a javascript: URL", () => ctx.as.member.papers.create({ title: "A title", authors: ["A"], url: "javascript:alert(1)", links: [] }), /^URL: The URL must start with http/],
    ["paper with a wrong relation", () => ctx.as.member.papers.create({ title: "A title", authors: ["A"], links: [{ technique: "caa", relation: "likes" as "applies" }] }), /^Links, item 1, relation: Choose how the paper relates/],
    ["huge BibTeX paste", () => ctx.as.member.papers.importBibtex({ bibtex: "@misc{a,title={x}}".padEnd(250_000, " x"), links: [] }), /^BibTeX: At most 200,000 characters/],
    ["revision without a message", () => ctx.as.member.revisions.propose({ slug: "caa", changes: { summary: "A changed summary here" }, message: "" }), /^Message: Say in a few words/],
    ["revision of an unknown field", () => ctx.as.member.revisions.propose({ slug: "caa", changes: { slug: "renamed" } as never, message: "Rename the slug" }), /^Changes: “slug” is not a field that can be set here\./],
    ["revision with an invalid facet", () => ctx.as.member.revisions.propose({ slug: "caa", changes: { unit: "molecule" as "neuron" }, message: "New unit" }), /^Changes, unit: Choose one of the listed units/],
    ["revision with a bad slug", () => ctx.as.member.revisions.propose({ slug: "Not A Slug", changes: { name: "X Y" }, message: "Bad slug" }), /^Slug: Use lowercase letters/],
    ["sign-up with a short password", () => ctx.as.anonymous.users.signUp({ email: "a@b.dev", password: "short", name: "A" }), /^Password: Use a password of at least 10/],
    ["sign-up with a bad email", () => ctx.as.anonymous.users.signUp({ email: "not-an-email", password: "long enough password", name: "A" }), /^Email: Enter a valid email/],
  ];
  for (const [name, call, message] of cases) {
    it(name, async () => {
      const before = await counts();
      await expect(call()).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(message) });
      expect(await counts()).toEqual(before);
    });
  }
});
