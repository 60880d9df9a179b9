/**
 * Proposals in Chromium: a member proposes a new technique (previewing its rendered description
 * first), a moderator accepts it from /review, its page opens and the map's list view shows it; a
 * rename answers old addresses with a 308; the review queue shows an edit as a word diff.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { signIn as signInAt } from "./setup/sign-in";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { papers } from "../../db/seed/data/papers";
import { techniques } from "../../db/seed/data/techniques";
import { DEMO_USERS } from "../../db/seed/demo-users";
import { launchChromium } from "./setup/browser";

const baseUrl = inject("e2eBaseUrl");
const ARTIFACTS = path.resolve(import.meta.dirname, "..", "artifacts");
const url = (p: string) => new URL(p, baseUrl).toString();
const run = randomBytes(4).toString("hex");

const member = DEMO_USERS.find((u) => u.role === "member");
const moderator = DEMO_USERS.find((u) => u.role === "moderator");
const parent = techniques.find((t) => t.slug === "probing-and-decoding");
const edited = techniques.find((t) => t.slug === "control-tasks");
const paper = papers.find((p) => p.title === "Designing and Interpreting Probes with Control Tasks");

const name = `Probe ensembles ${run}`;
const slug = `probe-ensembles-${run}`;
const renamedSlug = `ensemble-probing-${run}`;

let browser: Browser;
const contexts: BrowserContext[] = [];

async function signedInPage(account: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("console", (m) => {
    if (m.type() === "error") console.log(`[browser] ${m.text().slice(0, 1500)}`);
  });
  await signInAt(page, url("/signin"), account);
  return page;
}

beforeAll(async () => {
  if (!member || !moderator || !parent || !edited || !paper) throw new Error("seed data lacks the demo accounts, probing-and-decoding, control-tasks or the control-tasks paper");
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
});

describe("proposals in a browser", () => {
  let memberPage: Page;
  let moderatorPage: Page;

  it("a member proposes a new technique from the map, seeing the preview first", async () => {
    memberPage = await signedInPage(member!);
    const page = memberPage;
    await page.goto(url("/"));
    await page.locator("#main").getByTestId("propose-technique").click();
    await page.waitForURL(url("/techniques/new"));
    const form = page.locator("#main").getByTestId("new-technique-form");
    await form.getByLabel("Name").fill(name);
    // The slug follows the name until it is edited.
    await expect(form.getByLabel("Slug").inputValue()).resolves.toBe(slug);
    await form.getByLabel("Summary").fill("Average several probes trained on different splits to read a feature more reliably");
    await form.getByLabel("Description (optional)").fill("Train *k* probes and average their **directions**.\n\n| k | accuracy |\n|---|---|\n| 5 | 0.91 |");
    await form.getByLabel("Filter parent techniques").fill(parent!.name);
    await form.getByRole("checkbox", { name: parent!.name, exact: true }).check();
    await form.getByLabel("Search papers").fill("Control Tasks");
    await form.getByRole("button", { name: "Find papers" }).click();
    await form.getByRole("button", { name: `Add “${paper!.title}”` }).click();

    // Submitting without choosing the paper's relation is refused, with the error summary focused.
    await form.getByLabel("Why should the map have it? (required)").fill(`Missing from the map (e2e ${run})`);
    await form.getByRole("button", { name: "Submit for review" }).click();
    await form.getByRole("alert").getByText(/Choose how .* relates to the technique/).waitFor();
    expect(await page.evaluate(() => document.activeElement?.classList.contains("form-error-anchor"))).toBe(true);
    await form.getByLabel(`How “${paper!.title}” relates to the technique`).selectOption("evaluates");

    await form.getByRole("button", { name: "Preview" }).click();
    const preview = form.getByTestId("proposal-preview");
    await preview.getByTestId("proposal-summary").waitFor();
    expect(await preview.getByTestId("proposal-summary").textContent()).toBe(`Creates ‘${name}’ at /techniques/${slug} under 1 parent, with 1 paper.`);
    // The description rendered on the server, never as raw text: emphasis and a GFM table.
    const rendered = preview.getByTestId("rendered-markdown");
    await expect(rendered.locator("strong").textContent()).resolves.toBe("directions");
    await expect(rendered.locator("table td").first().textContent()).resolves.toBe("5");
    await expect(preview.getByRole("link", { name: paper!.title }).count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, "proposal-new-technique-preview.png"), fullPage: true });

    await form.getByRole("button", { name: "Submit for review" }).click();
    const sent = form.getByTestId("proposal-sent");
    await sent.waitFor();
    expect(await sent.textContent()).toContain(`/techniques/${slug}`);
    // Not on MechMap before review.
    const response = await page.request.get(url(`/techniques/${slug}`));
    expect(response.status()).toBe(404);
  });

  it("a moderator accepts it from the review queue and its page opens", async () => {
    moderatorPage = await signedInPage(moderator!);
    const page = moderatorPage;
    await page.goto(url("/review?page=10000"));
    const item = page.locator("#main").getByTestId("review-item").filter({ hasText: `New technique ‘${name}’` });
    await item.waitFor();
    expect(await item.getAttribute("data-kind")).toBe("create");
    await expect(item.getByTestId("rendered-markdown").locator("em").textContent()).resolves.toBe("k");
    await item.screenshot({ path: path.join(ARTIFACTS, "proposal-review-create.png") });
    await item.getByRole("button", { name: "Accept" }).click();
    await item.getByRole("link", { name: "Open the technique" }).click();
    await page.waitForURL(url(`/techniques/${slug}`));
    const main = page.locator("#main");
    await expect(main.getByTestId("technique-name").textContent()).resolves.toBe(name);
    await main.getByRole("navigation", { name: "Breadcrumbs" }).getByRole("link", { name: parent!.name }).waitFor();
    await main.getByRole("heading", { name: /Evaluates/ }).waitFor();
    await main.getByRole("region", { name: /^Papers/ }).getByRole("link", { name: paper!.title }).waitFor();
    const history = main.getByTestId("revision").first();
    expect(await history.textContent()).toContain(`Created ‘${name}’`);
  });

  it("the map's list view shows the new technique under its parent", async () => {
    const page = memberPage;
    // The map is cached for a few seconds per server process: reload until this process has it.
    let found = false;
    for (let attempt = 0; attempt < 20 && !found; attempt++) {
      await page.goto(url("/?view=list"));
      await page.locator("#main").getByTestId("taxonomy-list").waitFor();
      found = (await page.locator("#main").getByTestId("taxonomy-list").getByRole("link", { name, exact: true }).count()) > 0;
      if (!found) await page.waitForTimeout(500);
    }
    expect(found).toBe(true);
    // Nested under its parent: the parent's list item holds the new technique's link.
    const parentItem = page.locator("#main").getByTestId("taxonomy-list").locator("li").filter({ has: page.getByRole("link", { name: parent!.name, exact: true }) }).first();
    await expect(parentItem.getByRole("link", { name, exact: true }).count()).resolves.toBe(1);
    await page.locator("#main").getByTestId("taxonomy-list").getByRole("link", { name, exact: true }).first().click();
    await page.waitForURL(url(`/techniques/${slug}`));
  });

  it("a rename keeps the old address working as a permanent redirect", async () => {
    const page = memberPage;
    await page.goto(url(`/techniques/${slug}`));
    await page.locator("#main").getByRole("button", { name: "Rename" }).click();
    const form = page.locator("#main").getByTestId("propose-rename-form");
    await form.getByLabel("Slug").fill(renamedSlug);
    await form.getByLabel("Why rename it? (required)").fill(`The usual name (e2e ${run})`);
    await form.getByRole("button", { name: "Propose the rename" }).click();
    await form.getByTestId("proposal-sent").waitFor();

    await moderatorPage.goto(url("/review?page=10000"));
    const item = moderatorPage.locator("#main").getByTestId("review-item").filter({ hasText: `/techniques/${slug} will redirect to /techniques/${renamedSlug}` });
    await item.getByRole("button", { name: "Accept" }).click();
    await item.getByText(/accepted\./).waitFor();

    const response = await page.request.get(url(`/techniques/${slug}?history=1`), { maxRedirects: 0 });
    expect(response.status()).toBe(308);
    expect(new URL(response.headers().location ?? "", baseUrl).pathname).toBe(`/techniques/${renamedSlug}`);
    await page.goto(url(`/techniques/${slug}`));
    await page.waitForURL(url(`/techniques/${renamedSlug}`));
    await expect(page.locator("#main").getByTestId("technique-name").textContent()).resolves.toBe(name);
    await page.locator("#main").getByRole("button", { name: "Propose a relation" }).click();
    await page.locator("#main").getByTestId("propose-relations-form").waitFor();
    await page.locator("#main").getByRole("region", { name: /^Revision history/ }).screenshot({ path: path.join(ARTIFACTS, "proposal-history.png") });
    await page.locator("#main").getByTestId("propose-relations-form").screenshot({ path: path.join(ARTIFACTS, "proposal-relations-form.png") });
  });

  it("an edit shows as a word diff, to its author before submitting and to the moderator", async () => {
    const page = memberPage;
    const newSummary = edited!.summary.replace(/^(\S+)/, `$1 clearly (e2e ${run})`);
    await page.goto(url(`/techniques/${edited!.slug}`));
    const main = page.locator("#main");
    // The edit form is collapsed behind its button.
    await expect(main.getByTestId("propose-edit-form").count()).resolves.toBe(0);
    await main.getByRole("button", { name: "Edit", exact: true }).click();
    const form = main.getByTestId("propose-edit-form");
    await form.getByLabel("Summary", { exact: true }).fill(newSummary);
    await form.getByRole("button", { name: "Preview" }).click();
    const added = form.getByTestId("proposal-preview").getByTestId("word-diff-after").locator("ins");
    await added.first().waitFor();
    // One highlighted insertion (where its space goes is the diff's choice).
    expect((await added.allTextContents()).map((t) => t.trim())).toEqual([`clearly (e2e ${run})`]);
    await form.getByLabel(/Why this edit/).fill(`Clearer (e2e ${run})`);
    await form.getByRole("button", { name: "Submit for review" }).click();
    await main.getByTestId("propose-success").waitFor();

    await moderatorPage.goto(url("/review?page=10000"));
    const item = moderatorPage.locator("#main").getByTestId("review-item").filter({ hasText: `Clearer (e2e ${run})` });
    await item.waitFor();
    await item.getByTestId("word-diff-after").locator("ins").first().waitFor();
    expect((await item.getByTestId("word-diff-after").locator("ins").allTextContents()).map((t) => t.trim())).toEqual([`clearly (e2e ${run})`]);
    await expect(item.getByTestId("word-diff-before").locator("del").count()).resolves.toBe(0);
    await item.screenshot({ path: path.join(ARTIFACTS, "proposal-review-word-diff.png") });
    await expect(item.getByTestId("word-diff-before").textContent()).resolves.toBe(edited!.summary);
    await expect(item.getByTestId("word-diff-after").textContent()).resolves.toBe(newSummary);
    await item.getByRole("button", { name: "Reject" }).click();
    await item.getByText(/rejected\./).waitFor();
  });
});
