import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { papers, techniques } from "../../db/schema";
import { renderForStorage } from "../../server/render/for-storage";
import { closeMarkdownRenderer, renderMarkdown, RENDER_BUDGET_MS } from "../../server/render/markdown";
import { citationsFromDatabase } from "../../server/render/markdown-citation-lookup";
import { citationKeysIn, MAX_CITATION_KEYS } from "../../server/render/markdown-citations";
import { nestingDepth } from "../../server/render/nesting";
import { unsafeMarkup, XSS_ONE_LINE_PAYLOADS, XSS_PAYLOADS } from "../fixtures/xss-payloads";
import { useDatabaseWithRoles } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";

afterAll(() => closeMarkdownRenderer());

const ctx = useDatabaseWithRoles();

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
    ["~a × 9,999 (GFM strikethrough)", "~a".repeat(9_999)],
    ["4,000 footnote references", `${"[^a]".repeat(4_000)}\n\n[^a]: x`],
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

async function html(text: string): Promise<string> {
  const result = await renderMarkdown(text);
  if (!("html" in result)) throw new Error(`not rendered: ${result.error}`);
  return result.html;
}

/** unsafeMarkup's findings, except the task lists' disabled checkboxes (checked separately below). */
function unsafeExceptCheckboxes(out: string): string[] {
  const checkboxes = out.match(/<input[^>]*>/g) ?? [];
  for (const tag of checkboxes) expect(tag).toMatch(/^<input type="checkbox"(?: disabled="")?(?: checked="")?(?: disabled="")?\/>$/);
  return unsafeMarkup(out).filter((f) => !(f === "<input> element" && checkboxes.length > 0));
}

describe("GitHub-flavoured markdown", () => {
  it("renders tables with their alignment", async () => {
    const out = await html("| Layer | AUROC |\n|:--|--:|\n| 3 | **0.91** |\n| 4 | 0.95 |");
    expect(out).toContain("<table>");
    expect(out).toMatch(/<th style="text-align:left">Layer<\/th>/);
    expect(out).toMatch(/<td style="text-align:right"><strong>0.91<\/strong><\/td>/);
    expect(out.match(/<tr>/g)).toHaveLength(3);
  });

  it("renders task lists with disabled checkboxes", async () => {
    const out = await html("- [x] reproduce on Llama\n- [ ] reproduce on Qwen");
    expect(out).toContain('<ul class="contains-task-list">');
    const boxes = out.match(/<input[^>]*>/g) ?? [];
    expect(boxes).toHaveLength(2);
    expect(boxes.every((b) => b.includes('disabled=""') && b.includes('type="checkbox"'))).toBe(true);
    expect(boxes[0]).toContain("checked");
    expect(boxes[1]).not.toContain("checked");
  });

  it("renders footnotes with ids prefixed per text, so two texts on one page do not collide", async () => {
    const a = await html("A claim.[^1]\n\n[^1]: The source.");
    const b = await html("Another claim.[^1]\n\n[^1]: Another source.");
    const ids = (out: string) => [...out.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1] ?? "");
    expect(ids(a).length).toBeGreaterThanOrEqual(3); // reference, label, note
    for (const id of [...ids(a), ...ids(b)]) expect(id).toMatch(/^md-[0-9a-z]+-/);
    expect(ids(a).filter((id) => ids(b).includes(id))).toEqual([]);
    // every in-page link and aria reference points at an id of the same text
    const targets = [...a.matchAll(/href="#([^"]*)"|aria-describedby="([^"]*)"/g)].map((m) => m[1] ?? m[2] ?? "");
    expect(targets.length).toBeGreaterThanOrEqual(3);
    for (const target of targets) expect(ids(a)).toContain(target);
    expect(a).toContain("The source.");
  });

  it("drops a user's own id-like markup and keeps strikethrough and autolinks", async () => {
    const out = await html("~~old~~ see www.example.org and <a id=\"location\" name=\"x\">y</a>");
    expect(out).toContain("<del>old</del>");
    expect(out).toContain('href="http://www.example.org"');
    expect(out).not.toContain('id="location"');
  });

  it.each(XSS_PAYLOADS.map((p) => [p.name, p.text] as const))("neutralises %s in a footnote", async (_name, payload) => {
    const out = await html(`Claim[^x] and [^y].\n\n[^x]: ${payload}\n\n[^y]: ok - [ ] box`);
    expect(unsafeExceptCheckboxes(out)).toEqual([]);
  });

  it.each(XSS_ONE_LINE_PAYLOADS.map((p) => [p.name, p.text] as const))("neutralises %s in a table cell and a task list", async (_name, payload) => {
    const cell = payload.replace(/\|/g, "\\|");
    const out = await html(`| a | b |\n|---|---|\n| ${cell} | x |\n\n- [x] ${payload}`);
    expect(out).toContain("<table>");
    expect(unsafeExceptCheckboxes(out)).toEqual([]);
  });

  it("keeps the nesting budget inside footnotes and tables", async () => {
    expect(await renderMarkdown(`x[^1]\n\n[^1]: ${">".repeat(19_000)}`)).toEqual({ error: expect.stringContaining("nests") });
    expect(await renderMarkdown(`x[^1]\n\n> - [^1]: ${"> ".repeat(9_000)}`)).toEqual({ error: expect.stringContaining("nests") });
    const wide = `${"| c ".repeat(3_000)}|\n${"|---".repeat(3_000)}|\n${"| x ".repeat(1_600)}|`.slice(0, 20_000);
    const start = performance.now();
    const result = await renderMarkdown(wide);
    expect(performance.now() - start).toBeLessThan(BOUND_MS);
    expect("html" in result || "error" in result).toBe(true);
  });
});

describe("citations", () => {
  const resolver = () => citationsFromDatabase(ctx.t.db);
  let arditi = 0;
  let rimsky = 0;
  beforeAll(async () => {
    await ctx.t.db.delete(papers);
    const rows = await ctx.t.db
      .insert(papers)
      .values([
        { title: "Refusal in Language Models Is Mediated by a Single Direction", authors: ["Andy Arditi", "Oscar Obeso", "Neel Nanda"], year: 2024, citeKey: "arditi2024" },
        { title: "Steering Llama 2 via Contrastive Activation Addition", authors: ["Nina Rimsky", "Nick Gabrieli"], year: 2023, citeKey: "rimsky2023" },
        { title: `<img src=x onerror="window.__xss=1"> "quoted" & co`, authors: ["<script>window.__xss=1</script>"], year: 2020, citeKey: "evil2020" },
        { title: "Not cited", authors: ["No One"], year: 2020, citeKey: null },
      ])
      .returning({ id: papers.id, citeKey: papers.citeKey });
    arditi = rows.find((r) => r.citeKey === "arditi2024")?.id ?? 0;
    rimsky = rows.find((r) => r.citeKey === "rimsky2023")?.id ?? 0;
  });

  async function stored(text: string) {
    const { html: out, error } = await renderForStorage(text, { citations: resolver() });
    expect(error).toBeNull();
    return out ?? "";
  }

  it("links known keys to the paper pages and lists them under References in order of first use", async () => {
    const out = await stored("Refusal is one direction [@arditi2024], and steering works [@rimsky2023; @arditi2024].");
    expect(out).toContain(`<a href="/papers/${arditi}" class="citation" title="Refusal in Language Models Is Mediated by a Single Direction">Arditi et al., 2024</a>`);
    expect(out).toContain(`<a href="/papers/${rimsky}" class="citation" title="Steering Llama 2 via Contrastive Activation Addition">Rimsky &amp; Gabrieli, 2023</a>`);
    const references = out.slice(out.indexOf('<section class="references">'));
    expect(references).toContain("<h2>References</h2>");
    const listed = [...references.matchAll(/<li><a href="\/papers\/(\d+)">/g)].map((m) => Number(m[1]));
    expect(listed).toEqual([arditi, rimsky]);
  });

  it("shows an unknown key as text with a visible marker, and no References without known papers", async () => {
    const out = await stored("As shown [@nobody2031].");
    expect(out).toContain("@nobody2031 <em>(unknown citation)</em>");
    expect(out).toContain("citation--unknown");
    expect(out).not.toContain("/papers/");
    expect(out).not.toContain("References");
  });

  it("leaves citations in code and links as written", async () => {
    const out = await stored("`[@arditi2024]` and [[@arditi2024]](https://example.org)\n\n```\n[@rimsky2023]\n```");
    expect(out).not.toContain('class="citation"');
    expect(out).toContain("<code>[@arditi2024]</code>");
  });

  it("leaves [@key] as written when no resolver is given (callers that do not resolve citations)", async () => {
    const { html: out } = await renderForStorage("See [@arditi2024].");
    expect(out).toBe("<p>See [@arditi2024].</p>");
  });

  it(`looks up at most ${MAX_CITATION_KEYS} distinct keys; later ones show as unknown`, async () => {
    const many = Array.from({ length: MAX_CITATION_KEYS }, (_, i) => `[@missing${i}]`).join(" ");
    expect(citationKeysIn(`${many} [@arditi2024]`)).toHaveLength(MAX_CITATION_KEYS);
    let asked: readonly string[] = [];
    const { html: out } = await renderForStorage(`${many} [@arditi2024]`, {
      citations: async (keys) => {
        asked = keys;
        return citationsFromDatabase(ctx.t.db)(keys);
      },
    });
    expect(asked).toHaveLength(MAX_CITATION_KEYS);
    expect(asked).not.toContain("arditi2024");
    expect(out).toContain("@arditi2024 <em>(unknown citation)</em>");
  });

  it("does not query for a text the renderer will refuse", async () => {
    let calls = 0;
    const result = await renderForStorage(`[@arditi2024] ${"a".repeat(20_001)}`, {
      citations: async () => {
        calls++;
        return {};
      },
    });
    expect(result).toEqual({ html: null, error: expect.stringContaining("20,000") });
    expect(calls).toBe(0);
  });

  it("escapes a hostile title and authors and neutralises payloads around citations", async () => {
    const out = await stored("Cited [@evil2020] [@javascript:alert]");
    expect(out).toContain("References");
    expect(out).not.toMatch(/<img|<script/i);
    expect(unsafeMarkup(out)).toEqual([]);
    for (const payload of XSS_PAYLOADS) {
      const around = await stored(`[@arditi2024] ${payload.text} [@${payload.name.replace(/\s+/g, "-")}]\n\n| [@rimsky2023] | ${payload.text.replace(/\n/g, " ").replace(/\|/g, "\\|")} |\n|---|---|`);
      expect(unsafeMarkup(around), payload.name).toEqual([]);
    }
  });
});
