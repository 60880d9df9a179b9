import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "./setup/browser";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { papers } from "../../db/seed/data/papers";
import { techniques } from "../../db/seed/data/techniques";
import { DEMO_USERS } from "../../db/seed/demo-users";

const baseUrl = inject("e2eBaseUrl");
const ARTIFACTS = path.resolve(import.meta.dirname, "..", "artifacts");

const moderator = DEMO_USERS.find((u) => u.role === "moderator");
const caa = techniques.find((t) => t.slug === "contrastive-activation-addition");
const edited = techniques.find((t) => t.slug === "logit-lens");
const seededPaper = papers.find((p) => p.arxivId !== null);

const run = randomBytes(4).toString("hex");
const newUser = { name: `E2E Tester ${run}`, email: `e2e-${run}@example.test`, password: `e2e-password-${run}` };
const newSummary = `Read the residual stream through the unembedding to see intermediate next-token guesses (e2e ${run})`;
const editMessage = `Sharper one-line summary, proposed by the e2e run ${run}`;
const reviewComment = `Looks right (e2e ${run})`;

let browser: Browser;
let context: BrowserContext;
let page: Page;

const url = (p: string) => new URL(p, baseUrl).toString();
/**
 * Page content, as opposed to the header. Scoped to <main> because a streamed page briefly keeps a
 * hidden copy of its content outside <main> until React reveals it.
 */
const main = () => page.locator("#main");

beforeAll(async () => {
  if (!moderator || !caa || !edited || !seededPaper) throw new Error("seed data lacks the demo moderator, contrastive-activation-addition, logit-lens or a paper with an arXiv id");
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  // Browser-side errors are printed: they explain most failures.
  page.on("console", (m) => {
    if (m.type() === "error") console.log(`[browser] ${m.text().slice(0, 1500)}`);
  });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

async function accountName(): Promise<string | null> {
  const el = page.getByTestId("account-name");
  return (await el.count()) > 0 ? ((await el.textContent()) ?? "").trim() : null;
}

describe("MechMap in a browser", () => {
  it("map: search for steering, pick the result, the side panel shows it; Escape closes it", async () => {
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(url("/"));
    await main().locator('[data-testid="map-canvas"][data-ready="true"]').waitFor();
    await expect(page.title()).resolves.toContain("MechMap");
    // The legend names the facet values the nodes are coloured by.
    const legend = (await main().getByTestId("map-legend").textContent()) ?? "";
    expect(legend).toContain("observational");
    expect(legend).toContain("interventional");
    await page.waitForTimeout(300); // let the first paint settle for the screenshot
    await page.screenshot({ path: path.join(ARTIFACTS, "map.png") });

    const search = main().getByTestId("map-search");
    await search.click();
    await search.fill("steering");
    const options = main().getByTestId("map-search-results").getByRole("option");
    await options.first().waitFor();
    const names = (await options.allTextContents()).join(" | ").toLowerCase();
    expect(names).toContain("steering");

    // Keyboard: first result via ArrowDown + Enter.
    const firstName = ((await options.first().locator(".combo__name").textContent()) ?? "").trim();
    await search.press("ArrowDown");
    await expect(search.getAttribute("aria-activedescendant")).resolves.toBeTruthy();
    await search.press("Enter");

    const panel = main().getByTestId("technique-panel");
    await panel.waitFor();
    await expect(panel.getByRole("heading", { level: 2 }).textContent()).resolves.toBe(firstName);
    const open = panel.getByRole("link", { name: "Open page" });
    const href = await open.getAttribute("href");
    expect(href).toMatch(/^\/techniques\/[a-z0-9-]+$/);
    await page.screenshot({ path: path.join(ARTIFACTS, "map-panel.png") });

    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
    // Focus went back to where it came from.
    await expect(search.evaluate((el) => el === document.activeElement)).resolves.toBe(true);

    // The canvas itself is keyboard-usable: arrows move between techniques, Enter opens one.
    const canvas = main().getByTestId("map-canvas");
    await canvas.focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Enter");
    await panel.waitFor();
    expect(((await panel.getByRole("heading", { level: 2 }).textContent()) ?? "").length).toBeGreaterThan(0);
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
    expect(pageErrors).toEqual([]);

    // Clicking the result opens the same panel (mouse path).
    await search.fill("");
    await search.fill("steering");
    await options.first().waitFor();
    await options.filter({ hasText: firstName }).first().click();
    await panel.waitFor();
    await expect(panel.getByRole("heading", { level: 2 }).textContent()).resolves.toBe(firstName);
    await open.click();
    await page.waitForURL(url(href ?? "/"));
    await expect(main().getByTestId("technique-name").textContent()).resolves.toBe(firstName);
  });

  it("list view renders the same taxonomy as links", async () => {
    await page.goto(url("/?view=list"));
    const list = main().getByTestId("taxonomy-list");
    await list.waitFor();
    const link = list.getByRole("link", { name: caa?.name ?? "", exact: true });
    await expect(link.getAttribute("href")).resolves.toBe("/techniques/contrastive-activation-addition");
  });

  it("technique page: CAA shows its name, facets and relations", async () => {
    const response = await page.goto(url("/techniques/contrastive-activation-addition"));
    expect(response?.status()).toBe(200);
    await expect(main().getByTestId("technique-name").textContent()).resolves.toBe(caa?.name);
    await expect(page.title()).resolves.toContain(caa?.name ?? "");
    await expect(main().getByTestId("technique-summary").textContent()).resolves.toBe(caa?.summary);
    await main().getByText("Sign in to propose an edit").waitFor();
    // Unknown slugs show the not-found page, marked noindex. (The status stays 200 because the
    // response has begun streaming behind the loading UI before the page finds out.)
    await page.goto(url("/techniques/no-such-technique"));
    await main().getByRole("heading", { name: "Not found" }).waitFor();
    expect(await page.locator('meta[name="robots"][content*="noindex"]').count()).toBeGreaterThan(0);
  });

  it("signs up a new member, who is signed in at once", async () => {
    await page.goto(url("/signup"));
    await main().getByLabel("Name").fill(newUser.name);
    await main().getByLabel("Email").fill(newUser.email);
    await main().getByLabel("Password").fill(newUser.password);
    await main().getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(url("/"));
    await page.getByTestId("account-name").waitFor();
    expect(await accountName()).toBe(newUser.name);
    // Members do not review.
    await page.goto(url("/review"));
    await main().getByText("Only moderators can review edits").waitFor();
  });

  it("a member proposes an edit of a summary; it is listed as pending", async () => {
    await page.goto(url(`/techniques/${edited?.slug}`));
    // The edit form is collapsed behind its button.
    await main().getByRole("button", { name: "Edit", exact: true }).click();
    const form = main().getByTestId("propose-edit-form");
    // Invalid first: the server's field errors appear next to their fields.
    await form.getByLabel("Summary", { exact: true }).fill("Too short");
    await form.getByLabel(/Why this edit/).fill("ok");
    await form.getByRole("button", { name: "Submit for review" }).click();
    await form.getByText("Write a one-line summary of at least 10 characters.").waitFor();
    await form.getByText(/at least 5 characters/).waitFor();
    await expect(form.getByLabel("Summary", { exact: true }).getAttribute("aria-invalid")).resolves.toBe("true");

    await form.getByLabel("Summary", { exact: true }).fill(newSummary);
    await form.getByLabel(/Why this edit/).fill(editMessage);
    await form.getByRole("button", { name: "Submit for review" }).click();
    await main().getByTestId("propose-success").waitFor();
    expect(await main().getByTestId("propose-success").textContent()).toContain("Your edit is waiting for review");
    const pending = main().getByTestId("revision").filter({ hasText: editMessage });
    await pending.waitFor();
    const text = (await pending.textContent()) ?? "";
    expect(text).toContain("pending");
    expect(text).toContain(newSummary);
    expect(text).toContain(edited?.summary ?? "");
    // Not applied before review.
    await expect(main().getByTestId("technique-summary").textContent()).resolves.toBe(edited?.summary);
  });

  it("a member adding a paper already on MechMap is sent to the existing one; BibTeX import reports new and duplicate entries", async () => {
    await page.goto(url("/papers/new"));
    const form = main().getByTestId("paper-identifiers-form");
    await form.getByLabel("Title").fill(seededPaper?.title ?? "");
    await form.getByLabel("Authors").fill((seededPaper?.authors ?? []).join("\n"));
    await form.getByLabel("arXiv id").fill(`arXiv:${seededPaper?.arxivId}v2`);
    await form.getByRole("button", { name: "Add paper" }).click();
    const duplicate = form.getByTestId("duplicate-paper");
    await duplicate.waitFor();
    const existing = await duplicate.getByRole("link", { name: "Open the existing paper" }).getAttribute("href");
    expect(existing).toMatch(/^\/papers\/\d+$/);

    await main().getByRole("tab", { name: "Paste BibTeX" }).click();
    const bib = main().getByTestId("paper-bibtex-form");
    const newArxiv = `2401.${String(10000 + Number.parseInt(run.slice(0, 4), 16)).slice(-5)}`;
    await bib.getByLabel("BibTeX").fill(
      [
        `@article{e2e${run}, title = {An e2e test paper ${run}}, author = {Tester, Ada and Lovelace, Bob}, year = {2024}, eprint = {${newArxiv}}, archivePrefix = {arXiv}}`,
        `@misc{dup${run}, title = {${seededPaper?.title}}, author = {${seededPaper?.authors[0]}}, year = {${seededPaper?.year}}, eprint = {${seededPaper?.arxivId}}, archivePrefix = {arXiv}}`,
      ].join("\n\n"),
    );
    await bib.getByRole("button", { name: "Import BibTeX" }).click();
    const result = bib.getByTestId("bibtex-result");
    await result.waitFor();
    const text = (await result.textContent()) ?? "";
    expect(text).toContain(`An e2e test paper ${run}`);
    expect(text).toContain(`dup${run}`);
    await expect(result.getByRole("link", { name: seededPaper?.title ?? "" }).getAttribute("href")).resolves.toBe(existing);
    await result.getByRole("link", { name: `An e2e test paper ${run}` }).click();
    await page.waitForURL(/\/papers\/\d+$/);
    await expect(main().getByTestId("paper-title").textContent()).resolves.toBe(`An e2e test paper ${run}`);
    const authors = await main().getByRole("list", { name: "Authors in order" }).getByRole("listitem").allTextContents();
    expect(authors).toEqual(["Ada Tester", "Bob Lovelace"]);
  });

  it("signs out", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("link", { name: "Sign in", exact: true }).waitFor();
    expect(await accountName()).toBeNull();
  });

  it("the demo moderator signs in and accepts the edit", async () => {
    await page.goto(url("/signin"));
    await main().getByLabel("Email").fill(moderator?.email ?? "");
    await main().getByLabel("Password").fill(moderator?.password ?? "");
    await main().getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(url("/"));
    await page.getByTestId("account-name").waitFor();
    expect(await accountName()).toContain(moderator?.name ?? "");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Review" }).click();
    await page.waitForURL(url("/review"));
    const item = main().getByTestId("review-item").filter({ hasText: editMessage });
    await item.waitFor();
    const text = (await item.textContent()) ?? "";
    expect(text).toContain(edited?.name ?? "");
    expect(text).toContain(newUser.name);
    expect(text).toContain(newSummary);
    await item.getByLabel(/Comment for the author/).fill(reviewComment);
    await item.getByRole("button", { name: "Accept" }).click();
    await main().getByText(/accepted\. Open the technique/).waitFor();
  });

  it("the technique page shows the new summary and the accepted revision", async () => {
    await page.goto(url(`/techniques/${edited?.slug}`));
    await expect(main().getByTestId("technique-summary").textContent()).resolves.toBe(newSummary);
    const accepted = main().getByTestId("revision").filter({ hasText: editMessage });
    await accepted.waitFor();
    const text = (await accepted.textContent()) ?? "";
    expect(text).toContain("accepted");
    expect(text).toContain(newUser.name);
    expect(text).toContain(moderator?.name ?? "");
    expect(text).toContain(reviewComment);
    // The queue is empty again.
    await page.goto(url("/review"));
    await main().getByTestId("review-empty").waitFor();
  });

  it("papers: search form is a permalink and a paper page offers BibTeX", async () => {
    await page.goto(url("/papers?q=steering"));
    await main().getByTestId("papers-total").waitFor();
    expect(await main().getByLabel("Search", { exact: true }).inputValue()).toBe("steering");
    const first = main().getByTestId("papers-list").getByRole("link").first();
    await first.click();
    await page.waitForURL(/\/papers\/\d+$/);
    const bibtex = (await main().getByTestId("bibtex").textContent()) ?? "";
    expect(bibtex).toMatch(/^@\w+\{/);
    expect(bibtex).toContain("title");
  });
});
