import { eq } from "drizzle-orm";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { techniques } from "../../db/schema";
import { closeMarkdownRenderer, renderMarkdown, RENDER_BUDGET_MS } from "../../server/render/markdown";
import { nestingDepth } from "../../server/render/nesting";
import { useDatabaseWithRoles } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";

afterAll(() => closeMarkdownRenderer());

/** Generous wall bound for one bomb: the budget plus the worker's start and a loaded machine. */
const BOUND_MS = RENDER_BUDGET_MS + 8_000;

async function timed(text: string) {
  const start = performance.now();
  const result = await renderMarkdown(text);
  return { result, ms: performance.now() - start };
}

describe("rendering markdown within budgets", () => {
  it("renders ordinary markdown and maths", async () => {
    const { result } = await timed("Some *emphasis*, a [link](https://example.org) and $x^2$.");
    expect(result).toHaveProperty("html");
    if (!("html" in result)) return;
    expect(result.html).toContain("<em>emphasis</em>");
    expect(result.html).toContain('href="https://example.org"');
    expect(result.html).toContain('class="katex"');
  });

  it("refuses 19,990 nested quotes before parsing instead of overflowing the stack", async () => {
    expect(nestingDepth(">".repeat(19_990))).toBeGreaterThan(32);
    const { result, ms } = await timed(">".repeat(19_990));
    expect(result).toEqual({ error: expect.stringContaining("nests") });
    expect(ms).toBeLessThan(1_000);
  });

  it("does not count an indented code line as nesting", () => {
    expect(nestingDepth(`${" ".repeat(200)}code`)).toBe(0);
    expect(nestingDepth("> a\n> > b\n- c\n  - d")).toBeLessThanOrEqual(4);
  });

  it.each([
    ["an 8 KB matrix", `$$\\begin{matrix}${"a & b \\\\ ".repeat(800)}\\end{matrix}$$`],
    ["*a × 9,999", "*a".repeat(9_999)],
    ["20,000 nested emphasis markers", `${"*".repeat(9_999)}a${"*".repeat(9_999)}`],
    ["a KaTeX macro bomb", `$\\def\\a{xxxxxxxxxx}\\def\\b{\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a}\\def\\c{\\b\\b\\b\\b\\b\\b\\b\\b\\b\\b}\\def\\d{\\c\\c\\c\\c\\c\\c\\c\\c\\c\\c}\\d\\d\\d\\d\\d\\d\\d\\d\\d\\d$`],
  ])("renders or refuses %s within the budget", async (_name, text) => {
    const { result, ms } = await timed(text);
    expect(ms).toBeLessThan(BOUND_MS);
    expect("html" in result || "error" in result).toBe(true);
  });

  it("stops a text that runs past the time budget and keeps serving the next one", async () => {
    const slow = await renderMarkdown("*a".repeat(9_999), { budgetMs: 1 });
    expect(slow).toEqual({ error: expect.stringContaining("longer than") });
    const next = await renderMarkdown("still *here*");
    expect(next).toEqual({ html: "<p>still <em>here</em></p>" });
  });

  it("refuses a text over 20,000 characters", async () => {
    expect(await renderMarkdown("a".repeat(20_001))).toEqual({ error: expect.stringContaining("20,000") });
  });

  it("strips script, event handlers and javascript:/data: URLs, and KaTeX \\href", async () => {
    const result = await renderMarkdown(
      [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1)) [tab](java\tscript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![pixel](data:image/png;base64,AAAA) ![js](javascript:alert(1))",
        "$\\href{javascript:alert(1)}{x}$ $\\url{javascript:alert(2)}$ $\\htmlData{onclick=alert(3)}{y}$",
        "$\\color{red}{z}$",
      ].join("\n\n"),
    );
    expect(result).toHaveProperty("html");
    if (!("html" in result)) return;
    const html = result.html.toLowerCase();
    expect(html).not.toContain("<script");
    // no event-handler attribute on any tag (the words may appear as text, e.g. in the TeX annotation)
    expect(html).not.toMatch(/<[^>]*\son[a-z]+\s*=/);
    expect(html).not.toMatch(/href="\s*(javascript|data):/);
    expect(html).not.toMatch(/src="\s*(javascript|data):/);
    expect(html).not.toMatch(/<a [^>]*href="javascript/);
    // KaTeX shows the untrusted commands as text, not as links
    expect(html).not.toMatch(/<a [^>]*>x<\/a>/);
  });
});

describe("descriptions are stored rendered", () => {
  const ctx = useDatabaseWithRoles();
  beforeEach(async () => {
    await ctx.t.db.delete(techniques);
    await insertSmallTaxonomy(ctx.t.db);
  });

  async function acceptDescription(description: string) {
    const { id } = await ctx.as.member.revisions.propose({ slug: "caa", changes: { description }, message: "New description" });
    await ctx.as.moderator.revisions.review({ revisionId: id, decision: "accept", comment: "" });
    const [row] = await ctx.t.db.select().from(techniques).where(eq(techniques.slug, "caa"));
    return row;
  }

  it("stores sanitised HTML when a revision is accepted", async () => {
    const row = await acceptDescription("The **mean** difference $\\mu_+ - \\mu_-$ <script>alert(1)</script>");
    expect(row?.descriptionHtml).toContain("<strong>mean</strong>");
    expect(row?.descriptionHtml).toContain("katex");
    expect(row?.descriptionHtml).not.toContain("<script");
    expect(row?.descriptionRenderError).toBeNull();
    const page = await ctx.as.anonymous.taxonomy.technique({ slug: "caa" });
    expect(page.technique.descriptionHtml).toBe(row?.descriptionHtml);
  });

  it("stores why a description could not be rendered, and the page still loads", async () => {
    const row = await acceptDescription(">".repeat(19_990));
    expect(row?.descriptionHtml).toBeNull();
    expect(row?.descriptionRenderError).toMatch(/nests/);
    const page = await ctx.as.anonymous.taxonomy.technique({ slug: "caa" });
    expect(page.technique.description).toBe(">".repeat(19_990));
    expect(page.technique.descriptionRenderError).toMatch(/nests/);
  });

  it("renders a row from before rendering was stored on first view, once", async () => {
    await ctx.t.db.update(techniques).set({ description: "Old *text*", descriptionHtml: null, descriptionRenderError: null }).where(eq(techniques.slug, "caa"));
    const page = await ctx.as.anonymous.taxonomy.technique({ slug: "caa" });
    expect(page.technique.descriptionHtml).toBe("<p>Old <em>text</em></p>");
    const [row] = await ctx.t.db.select().from(techniques).where(eq(techniques.slug, "caa"));
    expect(row?.descriptionHtml).toBe("<p>Old <em>text</em></p>");
  });
});
