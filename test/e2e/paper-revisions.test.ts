/**
 * Paper proposals in Chromium: a member links a paper to a technique from the paper's page (the
 * relation must be chosen: submitting without one is refused with the error summary focused), a
 * moderator finds it in /review and accepts it on its own page, and the link shows on the
 * technique's page and in /changes. axe-core checks the pages with the new forms open.
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
import { axeViolations } from "./setup/axe";
import { launchChromium } from "./setup/browser";

const baseUrl = inject("e2eBaseUrl");
const ARTIFACTS = path.resolve(import.meta.dirname, "..", "artifacts");
const url = (p: string) => new URL(p, baseUrl).toString();
const run = randomBytes(4).toString("hex");

const member = DEMO_USERS.find((u) => u.role === "member");
const moderator = DEMO_USERS.find((u) => u.role === "moderator");
const paper = papers.find((p) => p.title === "Designing and Interpreting Probes with Control Tasks");
const technique = techniques.find((t) => t.slug === "logit-lens");

let browser: Browser;
const contexts: BrowserContext[] = [];

async function signedInPage(account: { email: string; password: string }): Promise<Page> {
  // axe's script is added by the test; the pages' policy runs only nonce'd scripts, so CSP is bypassed.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
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
  if (!member || !moderator || !paper || !technique) throw new Error("seed data lacks the demo accounts, the control-tasks paper or logit-lens");
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
});

describe("linking a paper from its page", () => {
  let paperPath: string;
  let proposalId: number;
  const reason = `It decodes probes' layers with the logit lens (e2e ${run})`;

  it("a member proposes a link, choosing the relation (there is no default)", async () => {
    const page = await signedInPage(member!);
    await page.goto(url(`/papers?q=${encodeURIComponent("Control Tasks")}`));
    await page.locator("#main").getByRole("link", { name: paper!.title }).first().click();
    await page.waitForURL(/\/papers\/\d+$/);
    paperPath = new URL(page.url()).pathname;
    const main = page.locator("#main");

    // Collapsed until asked for.
    await expect(main.getByTestId("paper-link-form").count()).resolves.toBe(0);
    await main.getByRole("button", { name: "Link to a technique" }).click();
    const form = main.getByTestId("paper-link-form");
    await form.waitFor();
    await form.getByLabel("Find a technique").fill("logit");
    await form.getByLabel("Technique", { exact: true }).selectOption(technique!.slug);
    expect(await form.getByLabel("Relation").inputValue()).toBe("");
    await form.getByLabel("Why? (required)").fill(reason);

    // Without a relation: refused in words, the summary takes the focus, nothing is sent.
    await form.getByRole("button", { name: "Propose the link" }).click();
    await form.getByRole("alert").getByText("Choose how the paper relates to the technique.").waitFor();
    expect(await page.evaluate(() => document.activeElement?.classList.contains("form-error-anchor"))).toBe(true);
    expect(await form.getByLabel("Relation").getAttribute("aria-invalid")).toBe("true");
    expect(await axeViolations(page)).toEqual([]);

    await form.getByLabel("Relation").selectOption("applies");
    await form.getByRole("button", { name: "Propose the link" }).click();
    const sent = form.getByTestId("paper-proposal-sent");
    await sent.waitFor();
    const href = await sent.getByRole("link").getAttribute("href");
    expect(href).toMatch(/^\/review\/papers\/\d+$/);
    proposalId = Number(href!.split("/").pop());

    // Listed on the paper's page as waiting; the paper is not linked yet.
    const listed = main.getByTestId("paper-proposal").filter({ hasText: `#${proposalId}` });
    await listed.waitFor();
    expect(await listed.getAttribute("data-status")).toBe("pending");
    expect(await listed.textContent()).toContain(`Link to ‘${technique!.name}’ (applies)`);
    await expect(main.getByTestId("paper-link").filter({ hasText: technique!.name }).count()).resolves.toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, "paper-link-proposed.png"), fullPage: true });
  });

  it("a moderator finds it in the review queue and accepts it on its page", async () => {
    const page = await signedInPage(moderator!);
    // Oldest first: a proposal made just now is on the last page (past the end shows the last).
    await page.goto(url("/review?paperProposalsPage=10000"));
    const item = page.locator("#main").getByTestId("paper-review-item").filter({ hasText: `paper proposal #${proposalId}` });
    await item.waitFor();
    expect(await item.getAttribute("data-kind")).toBe("link");
    expect(await item.textContent()).toContain(reason);

    await item.getByRole("link", { name: `paper proposal #${proposalId}` }).click();
    await page.waitForURL(url(`/review/papers/${proposalId}`));
    const main = page.locator("#main");
    await expect(main.getByTestId("proposal-summary").textContent()).resolves.toBe(`Links the paper to ‘${technique!.name}’: the paper applies it.`);
    await main.getByTestId("discussion").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await main.getByRole("button", { name: "Accept" }).click();
    await main.getByRole("status").getByText(`Paper proposal #${proposalId} accepted.`).waitFor();

    // The technique's page lists the paper under "Applies".
    await page.goto(url(`/techniques/${technique!.slug}`));
    const applies = main.locator('section[aria-labelledby="papers-applies"]');
    await applies.getByRole("link", { name: paper!.title }).waitFor();

    // The changes feed says it in words.
    await page.goto(url("/changes"));
    const change = main.getByTestId("change").filter({ hasText: `Linked ‘${paper!.title}’ to ‘${technique!.name}’ (applies)` });
    await change.first().waitFor();

    // The paper's page shows the link and the accepted proposal.
    await page.goto(url(paperPath));
    await main.getByTestId("paper-link").filter({ hasText: technique!.name }).waitFor();
    expect(await main.getByTestId("paper-proposal").filter({ hasText: `#${proposalId}` }).getAttribute("data-status")).toBe("accepted");
  });
});
