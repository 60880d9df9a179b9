/**
 * Papers in Chromium: search folds accents and knows author aliases (the seeded CAA paper is found
 * by "Panickssery"; a BibTeX import with G{\"u}nther is found by "Gunther"), the new-paper form
 * asks "Is this the same paper?" for a look-alike without arXiv id or DOI and adds it anyway on
 * request, a member's paper is "Unreviewed" until the moderator approves it from /review, and a
 * page past the end of the list says so.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { signIn as signInAt } from "./setup/sign-in";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { papers } from "../../db/seed/data/papers";
import { DEMO_USERS } from "../../db/seed/demo-users";
import { launchChromium } from "./setup/browser";

const baseUrl = inject("e2eBaseUrl");
const url = (p: string) => new URL(p, baseUrl).toString();
const run = randomBytes(4).toString("hex");
const ARTIFACTS = path.resolve(import.meta.dirname, "..", "artifacts");

const member = DEMO_USERS.find((u) => u.role === "member");
const moderator = DEMO_USERS.find((u) => u.role === "moderator");
const caa = papers.find((p) => p.key === "rimsky2024caa");
// Lists her as "Nina Panickssery".
const refusal = papers.find((p) => p.key === "arditi2024refusal");
// A Transformer Circuits paper: no arXiv id, no DOI.
const idless = papers.find((p) => p.arxivId === null && p.doi === null);

let browser: Browser;
const contexts: BrowserContext[] = [];

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("console", (m) => {
    if (m.type() === "error") console.log(`[browser] ${m.text().slice(0, 1500)}`);
  });
  return page;
}

const signIn = (page: Page, account: { email: string; password: string }) => signInAt(page, url("/signin"), account);

/** Titles of the papers listed on the current /papers page. */
async function listedTitles(page: Page): Promise<string[]> {
  const rows = page.locator("#main").getByTestId("paper-row");
  await page.locator("#main").getByTestId("papers-total").waitFor();
  return (await rows.locator(".paper-item__title").allTextContents()).map((t) => t.trim());
}

beforeAll(async () => {
  if (!member || !moderator || !caa || !refusal || !idless) throw new Error("seed data lacks the demo accounts, the CAA paper or a paper without arXiv id and DOI");
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
});

describe("papers in a browser", () => {
  let memberPage: Page;
  let importedTitle = "";
  let lookalikeUrl = "";

  it("searching Panickssery on /papers finds the CAA paper listed under Rimsky (and her later paper)", async () => {
    const page = await newPage();
    await page.goto(url("/papers"));
    await page.locator("#main").getByLabel("Search", { exact: true }).fill("Panickssery");
    await page.locator("#main").getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/[?&]q=Panickssery/);
    expect((await listedTitles(page)).sort()).toEqual([caa!.title, refusal!.title].sort());
    await page.screenshot({ path: path.join(ARTIFACTS, "papers-search.png"), fullPage: true });
    // The paper page says who else the author is, and how to cite it.
    await page.locator("#main").getByRole("link", { name: caa!.title }).click();
    await page.waitForURL(/\/papers\/\d+$/);
    await expect(page.locator("#main").getByRole("list", { name: "Authors in order" }).textContent()).resolves.toContain("Nina Rimsky (also published as Nina Panickssery)");
    await expect(page.locator("#main").getByTestId("paper-cite-key").textContent()).resolves.toMatch(/\[@rimsky2024\]/);
  });

  it("a BibTeX import with G{\\\"u}nther is found by Gunther, and waits for review", async () => {
    memberPage = await newPage();
    await signIn(memberPage, member!);
    await memberPage.goto(url("/papers/new"));
    const main = memberPage.locator("#main");
    await main.getByRole("tab", { name: "Paste BibTeX" }).click();
    const form = main.getByTestId("paper-bibtex-form");
    importedTitle = `Folded features of the cos similarity ${run}`;
    await form.getByLabel("BibTeX").fill(`@article{gunther${run}, title = {Folded features of the {$\\cos$} similarity ${run}}, author = {G{\\"u}nther, Hans and Doe, Jane}, year = {2021}, journal = {Journal of Folding}}`);
    await form.getByRole("button", { name: "Import BibTeX" }).click();
    await form.getByTestId("bibtex-result").waitFor();
    importedTitle = `Folded features of the $\\cos$ similarity ${run}`;
    await expect(form.getByTestId("bibtex-result").textContent()).resolves.toContain(importedTitle);

    await memberPage.goto(url("/papers?q=Gunther"));
    expect(await listedTitles(memberPage)).toEqual([importedTitle]);
    const row = main.getByTestId("paper-row").filter({ hasText: importedTitle });
    await expect(row.textContent()).resolves.toContain("Unreviewed");
    await expect(row.textContent()).resolves.toContain("Hans Günther");
  });

  it("the new-paper form asks whether a look-alike without arXiv id or DOI is the same paper, and adds it anyway on request", async () => {
    await memberPage.goto(url("/papers/new"));
    const form = memberPage.locator("#main").getByTestId("paper-identifiers-form");
    // Same paper, typed differently: lower case, a trailing period, "Last, First" (for a two-part name).
    const [first, ...rest] = idless!.authors;
    const words = first!.split(" ");
    const lastFirst = words.length > 1 ? `${words[words.length - 1]}, ${words.slice(0, -1).join(" ")}` : first!;
    await form.getByLabel("Title").fill(`${idless!.title.toLowerCase()}.`);
    await form.getByLabel("Authors").fill([lastFirst, ...rest].join("\n"));
    await form.getByLabel("Year").fill(String(idless!.year));
    await form.getByRole("button", { name: "Add paper" }).click();
    const question = form.getByTestId("duplicate-question");
    await question.waitFor();
    await question.getByRole("link", { name: idless!.title }).waitFor();
    expect(await question.getByRole("link", { name: idless!.title }).getAttribute("href")).toMatch(/^\/papers\/\d+$/);

    await question.getByTestId("add-anyway").click();
    await memberPage.waitForURL(/\/papers\/\d+$/);
    lookalikeUrl = memberPage.url();
    await expect(memberPage.locator("#main").getByTestId("paper-title").textContent()).resolves.toBe(`${idless!.title.toLowerCase()}.`);
    await memberPage.locator("#main").getByTestId("paper-unreviewed").waitFor();
    await memberPage.screenshot({ path: path.join(ARTIFACTS, "paper-unreviewed.png"), fullPage: true });
  });

  it("the moderator approves the member's paper from /review", async () => {
    const page = await newPage();
    await signIn(page, moderator!);
    // Oldest first, 20 a page: other files may leave member papers waiting, so ours is on the last page.
    await page.goto(url("/review?papersPage=10000"));
    const item = page.locator("#main").getByTestId("review-paper").filter({ hasText: importedTitle });
    await item.waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, "review-papers.png"), fullPage: true });
    await item.getByRole("button", { name: /^Approve/ }).click();
    await page.locator("#main").getByTestId("review-paper").filter({ hasText: importedTitle }).waitFor({ state: "detached" });
    // Still waiting: the look-alike the member added anyway.
    await page.locator("#main").getByTestId("review-paper").first().waitFor();

    await page.goto(url("/papers?q=Gunther"));
    const row = page.locator("#main").getByTestId("paper-row").filter({ hasText: importedTitle });
    await row.waitFor();
    await expect(row.textContent()).resolves.not.toContain("Unreviewed");
    await page.goto(lookalikeUrl);
    await page.locator("#main").getByTestId("paper-unreviewed").waitFor();
  });

  it("a page past the end of the list says so and links to the last page, keeping the sort", async () => {
    const page = await newPage();
    await page.goto(url("/papers?sort=title&page=999"));
    const notice = page.locator("#main").getByTestId("papers-past-end");
    await notice.waitFor();
    const text = (await notice.textContent()) ?? "";
    const m = /Page 999 does not exist; there are (\d+) pages\./.exec(text);
    expect(m, text).not.toBeNull();
    const last = Number(m![1]);
    expect(last).toBeGreaterThan(1);
    await expect(page.locator("#main").getByTestId("papers-total").textContent()).resolves.not.toContain("showing");
    await notice.getByRole("link", { name: "Go to the last page" }).click();
    await page.waitForURL(new RegExp(`/papers\\?sort=title&page=${last}$`));
    expect((await listedTitles(page)).length).toBeGreaterThan(0);
    await expect(page.locator("#main .papers-sort__current").textContent()).resolves.toBe("Title");
  });
});
