import { afterAll, describe, expect, it } from "vitest";
import { BIBTEX_BUDGET_MS, closeBibtexReader, readBibtex } from "../../server/services/bibtex";
import { useDatabaseWithRoles } from "../setup/callers";

afterAll(() => closeBibtexReader());

/** The 423-byte paste from the issue: each @string doubles the previous one. */
function doublingBomb(levels: number): string {
  let text = '@string{m0="xxxxxxxxxxxxxxxx"}\n';
  for (let k = 1; k <= levels; k++) text += `@string{m${k} = m${k - 1} # m${k - 1}}\n`;
  return `${text}@article{bomb, title = m${levels}, author = {A. Author}, year = 2020}\n`;
}

const entry = (i: number, fields = "") =>
  `@article{key${i},\n  title = {Sparse features in layer ${i}},\n  author = {Ann Author and Bob Builder},\n  year = {2023},\n  journal = "Journal of Things",\n  url = {https://example.org/${i}}${fields}\n}\n`;

/** Generous wall bound: the parse budget plus the worker's start on a loaded machine. */
const BOUND_MS = BIBTEX_BUDGET_MS + 8_000;

async function timedFailure(text: string) {
  const start = performance.now();
  const error = await readBibtex(text).then(
    () => null,
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - start };
}

describe("BibTeX within budgets", () => {
  it("refuses the @string doubling bomb at once, naming the oversized @string", async () => {
    for (const levels of [14, 16, 30]) {
      const { error, ms } = await timedFailure(doublingBomb(levels));
      expect(error).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/@string “m10” expands to more than 10,000 characters/) });
      expect(ms).toBeLessThan(1_000);
    }
  });

  it("refuses a field that concatenates many @string references", async () => {
    const refs = Array.from({ length: 200 }, () => "big").join(" # ");
    const text = `@string{big = {${"y".repeat(9_000)}}}\n@article{k, title = ${refs}, author = {A}, year = 2020}`;
    const { error } = await timedFailure(text);
    expect(error).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("“title” of the entry “k”") });
  });

  it("refuses more than 100 entries before parsing", async () => {
    const text = Array.from({ length: 101 }, (_, i) => entry(i)).join("");
    const { error, ms } = await timedFailure(text);
    expect(error).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("At most 100 entries") });
    expect(ms).toBeLessThan(1_000);
  });

  it("answers a 199,000-character plain paste within the budget", async () => {
    const prose = "The quick brown fox jumps over the lazy dog, {again} and again. ".repeat(3_200).slice(0, 199_000);
    const { error, ms } = await timedFailure(prose);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it("refuses one entry with a 198,000-character field before parsing", async () => {
    const text = `@article{long, title = {T}, author = {A}, year = 2020, note = {${"word {nested} ".repeat(14_000).slice(0, 198_000)}}}`;
    const { error, ms } = await timedFailure(text);
    expect(error).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("“note” of the entry “long”") });
    expect(ms).toBeLessThan(1_000);
  });

  it("reads (or, on a loaded machine, refuses) a 199,000-character paste of 100 entries off the request thread within the budget", async () => {
    const text = Array.from({ length: 100 }, (_, i) => `@article{k${i}, title={Title ${i}}, author={A B}, year=2020, abstract={${"word \\textbf{x} ".repeat(124)}}}\n`).join("");
    expect(text.length).toBeGreaterThan(190_000);
    const start = performance.now();
    // The event loop stays free while the worker parses: a timer set now fires long before the parse ends.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const outcome = await readBibtex(text).then(
      (papers) => papers.length,
      (error: unknown) => error,
    );
    clearInterval(timer);
    if (typeof outcome === "number") expect(outcome).toBe(100);
    else expect(outcome).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("longer than 3 s") });
    expect(performance.now() - start).toBeLessThan(BOUND_MS);
    expect(ticks).toBeGreaterThan(0);
  });

  it("reads 100 ordinary entries", async () => {
    const papers = await readBibtex(Array.from({ length: 100 }, (_, i) => entry(i)).join(""));
    expect(papers).toHaveLength(100);
    expect(papers[0]).toMatchObject({ key: "key0", title: "Sparse features in layer 0", authors: ["Ann Author", "Bob Builder"], year: 2023, url: "https://example.org/0" });
  });

  it("applies the paper form's validation to each entry", async () => {
    await expect(readBibtex(entry(1).replace("https://example.org/1", "javascript:alert(1)"))).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("http:// or https://"),
    });
    await expect(readBibtex(entry(1).replace("{2023}", "{1066}"))).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("year") });
    await expect(readBibtex(entry(1).replace("Sparse features in layer 1", "x".repeat(600)))).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("title") });
  });

  it("stores NFC-normalised text", async () => {
    const [paper] = await readBibtex(entry(1).replace("Ann Author", "Rene\u0301 Author"));
    expect(paper?.authors[0]).toBe("Ren\u00e9 Author");
  });
});

describe("BibTeX import through the API", () => {
  const ctx = useDatabaseWithRoles();

  it("refuses the bomb with a clear message", async () => {
    await expect(ctx.as.member.papers.importBibtex({ bibtex: doublingBomb(14) })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("expands to more than 10,000 characters"),
    });
  });
});
