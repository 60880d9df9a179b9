/**
 * axe-core (WCAG 2 A and AA rules) on every kind of page, signed out and signed in with the role
 * the page needs: one test per page, so a failure names the page and lists each rule broken with
 * the elements that break it. The run, compare and across-models pages are checked on runs
 * computed for real by the platform's worker (a demo experiment on the demo model and a zoo model).
 * Then forms: after a failed submit, the focus is on the error summary (role alert), which says
 * what is wrong in words meant for people.
 */
import { randomBytes } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { signIn as signInAt } from "./setup/sign-in";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseConnection } from "../../db/client";
import { experiments, experimentVersions, papers, techniques, users } from "../../db/schema";
import { DEMO_EXPERIMENTS, demoDatasetJsonl, demoSpec } from "../../db/seed/data/experiments";
import { DEMO_USERS } from "../../db/seed/demo-users";
import { claimSchema } from "../../server/experiments/claims";
import { uploadDataset } from "../../server/services/datasets/store";
import { proposeRevision, reviewRevision } from "../../server/services/revisions";
import { insertFirstRuns } from "../../server/services/runs/queue";
import { setRole, signUp } from "../../server/services/users";
import { DEMO_MODEL, getModel } from "../../workers/models/registry";
import { axeViolations } from "./setup/axe";
import { launchChromium } from "./setup/browser";
import { computeRuns, ensureZooModel } from "./setup/worker-runs";

const baseUrl = inject("e2eBaseUrl");
const url = (p: string) => new URL(p, baseUrl).toString();
const salt = randomBytes(4).toString("hex");
const member = DEMO_USERS.find((u) => u.role === "member")!;
const moderator = DEMO_USERS.find((u) => u.role === "moderator")!;
const admin = { email: `a11y-admin-${salt}@example.test`, password: `a11y-admin-password-${salt}`, name: `A11y Admin ${salt}` };
const ZOO = "tinystories-qwen2-d64-l4";
const demo = DEMO_EXPERIMENTS[0]!;

type Who = "anonymous" | "member" | "moderator" | "admin";

let connection: DatabaseConnection;
let browser: Browser;
const contexts = new Map<Who, BrowserContext>();
let experimentId = 0;
let runId = 0;
let revisionId = 0;
let paperId = 0;
let techniqueSlug = "";
let moderatorId = "";

const signIn = (page: Page, account: { email: string; password: string }) => signInAt(page, url("/signin"), account);

/** One browser context per role, signed in once. The pages' policy runs only nonce'd scripts; axe is added by the test, so CSP is bypassed. */
async function pageAs(who: Who): Promise<Page> {
  let context = contexts.get(who);
  if (!context) {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    contexts.set(who, context);
    if (who !== "anonymous") {
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      await signIn(page, who === "member" ? member : who === "moderator" ? moderator : admin);
      await page.close();
    }
  }
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

/** Opens the page (waiting for what it draws on the client, if anything) and returns axe's violations. */
async function violationsOn(who: Who, path: string, ready?: string): Promise<string[]> {
  const page = await pageAs(who);
  try {
    await page.goto(url(path));
    if (ready) await page.locator(ready).first().waitFor();
    await page.locator("#main h1").first().waitFor();
    return await axeViolations(page);
  } finally {
    await page.close();
  }
}

beforeAll(async () => {
  connection = connect(inject("e2eDatabaseUrl"), { max: 2 });
  const { db } = connection;
  await signUp(db, admin);
  await setRole(db, admin.email, "admin");
  const idOf = async (email: string) => (await db.select({ id: users.id }).from(users).where(eq(users.email, email)))[0]!.id;
  const memberId = await idOf(member.email);
  moderatorId = await idOf(moderator.email);

  const [technique] = await db.select({ slug: techniques.slug }).from(techniques).orderBy(asc(techniques.id)).limit(1);
  techniqueSlug = technique!.slug;
  const [paper] = await db.select({ id: papers.id }).from(papers).orderBy(asc(papers.id)).limit(1);
  paperId = paper!.id;
  const proposed = await proposeRevision(db, { authorId: memberId, slug: techniqueSlug, changes: { summary: `A summary proposed to check accessibility ${salt}` }, message: `Accessibility check ${salt}` });
  revisionId = proposed.id;

  // A published demo experiment, run for real on the demo model and a zoo model.
  const stories = await getModel(db, DEMO_MODEL.name);
  if (!stories || stories.status !== "ready" || !stories.sha256) throw new Error("e2e: the demo model is not ready");
  const hosted = [stories, await ensureZooModel(db, ZOO)];
  const owner = await signUp(db, { email: `a11y-${salt}@example.test`, password: `a11y-password-${salt}`, name: `A11y ${salt}` });
  const upload = await uploadDataset(db, { ...owner, name: `A11y ${salt}` }, { name: `${demo.dataset.name} ${salt}`, format: "jsonl", bytes: new TextEncoder().encode(demoDatasetJsonl(demo.dataset)), previewOnly: false });
  if (!upload.saved) throw new Error("e2e: the demo data set was not saved");
  const now = new Date();
  const [experiment] = await db.insert(experiments).values({ ownerId: owner.id, state: "published", publishedAt: now }).returning({ id: experiments.id });
  experimentId = experiment!.id;
  const [version] = await db
    .insert(experimentVersions)
    .values({ experimentId, version: 1, authorId: owner.id, title: `${demo.title} (a11y ${salt})`, spec: demoSpec(demo, upload.id), datasetId: upload.id, claims: demo.claims.map((c) => claimSchema.parse(c.claim)), publishedAt: now })
    .returning({ id: experimentVersions.id });
  const runIds = await insertFirstRuns(db, hosted.map((m) => ({ versionId: version!.id, model: { id: m.id, sha256: m.sha256! } })), owner.id);
  await computeRuns(inject("e2eDatabaseUrl"), db, runIds, 170_000);
  runId = runIds[0]!;

  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  // The proposal made here leaves the queue, so no later file finds it waiting.
  if (revisionId && connection) await reviewRevision(connection.db, { reviewerId: moderatorId, revisionId, decision: "reject", comment: "Made by the accessibility test" }).catch(() => {});
  for (const c of contexts.values()) await c.close();
  await browser?.close();
  await connection?.close();
});

const MAP_READY = '[data-testid="map-canvas"][data-ready="true"]';

describe("every page has no WCAG A/AA violation (axe-core)", () => {
  const pages: Array<{ name: string; who: Who; path: () => string; ready?: string }> = [
    { name: "home (the map)", who: "anonymous", path: () => "/", ready: MAP_READY },
    { name: "home, signed in", who: "member", path: () => "/", ready: MAP_READY },
    { name: "the techniques as a list", who: "anonymous", path: () => "/?view=list" },
    { name: "a shared map view with a selection", who: "anonymous", path: () => `/?selected=${techniqueSlug}`, ready: MAP_READY },
    { name: "a technique page", who: "anonymous", path: () => `/techniques/${techniqueSlug}` },
    { name: "a technique page, signed in", who: "member", path: () => `/techniques/${techniqueSlug}` },
    { name: "a new technique", who: "member", path: () => "/techniques/new" },
    { name: "the papers list", who: "anonymous", path: () => "/papers" },
    { name: "a paper page", who: "anonymous", path: () => `/papers/${paperId}` },
    { name: "a paper page, signed in", who: "member", path: () => `/papers/${paperId}` },
    { name: "a new paper", who: "member", path: () => "/papers/new" },
    { name: "the experiments list", who: "anonymous", path: () => "/experiments" },
    { name: "an experiment", who: "anonymous", path: () => `/experiments/${experimentId}` },
    { name: "a new experiment", who: "member", path: () => "/experiments/new" },
    { name: "a run", who: "anonymous", path: () => `/runs/${runId}`, ready: "svg[aria-label]" },
    { name: "compare", who: "anonymous", path: () => "/compare" },
    { name: "the models", who: "anonymous", path: () => "/models" },
    { name: "a model page", who: "anonymous", path: () => `/models/${DEMO_MODEL.name}` },
    { name: "across models", who: "anonymous", path: () => `/experiments/${experimentId}/across-models`, ready: "svg[aria-label]" },
    { name: "the changes feed", who: "anonymous", path: () => "/changes" },
    { name: "watched techniques", who: "member", path: () => "/watching" },
    { name: "the review queue", who: "moderator", path: () => "/review" },
    { name: "a proposal", who: "moderator", path: () => `/review/${revisionId}` },
    { name: "sign in", who: "anonymous", path: () => "/signin" },
    { name: "sign up", who: "anonymous", path: () => "/signup" },
    { name: "admin: users and roles", who: "admin", path: () => "/admin/users" },
    { name: "a page that does not exist", who: "anonymous", path: () => `/no-such-page-${salt}` },
  ];
  for (const p of pages) {
    it(p.name, async () => {
      expect((await violationsOn(p.who, p.path(), p.ready)).join("\n\n")).toBe("");
    });
  }

  it("steering (/steer), when the platform has it", async () => {
    const page = await pageAs("member");
    const response = await page.goto(url("/steer"));
    await page.close();
    if (response?.status() === 404) return;
    expect((await violationsOn("member", "/steer")).join("\n\n")).toBe("");
  });
});

/** After a refused submit the focus is on the form's error summary (an alert saying what is wrong), not on the page's body. */
async function expectFocusOnErrorSummary(page: Page, text: RegExp) {
  await page.waitForFunction(() => document.activeElement?.getAttribute("data-testid") === "form-error-summary" || document.activeElement?.getAttribute("data-testid") === "error-summary");
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    const alert = el?.getAttribute("role") === "alert" ? el : el?.querySelector('[role="alert"]');
    return { alert: alert?.textContent ?? null, inView: el ? el.getBoundingClientRect().top >= 0 && el.getBoundingClientRect().top < window.innerHeight : false };
  });
  expect(focused.alert).toMatch(text);
  expect(focused.inView).toBe(true);
}

describe("forms: after a failed submit, the focus is on the error summary", () => {
  it("sign in with a wrong password", async () => {
    const page = await pageAs("anonymous");
    await page.goto(url("/signin"));
    const main = page.locator("#main");
    await main.getByLabel("Email").fill(member.email);
    await main.getByLabel("Password").fill(`not the password ${salt}`);
    await main.getByRole("button", { name: "Sign in", exact: true }).click();
    await expectFocusOnErrorSummary(page, /^Wrong email or password\.$/);
    // A second failure with the same message takes the focus back from the field.
    await main.getByLabel("Password").fill(`still not the password ${salt}`);
    await main.getByRole("button", { name: "Sign in", exact: true }).click();
    await expectFocusOnErrorSummary(page, /^Wrong email or password\.$/);
    await page.close();
  });

  it("sign up with a short password: the field says why, in words", async () => {
    const page = await pageAs("anonymous");
    await page.goto(url("/signup"));
    const main = page.locator("#main");
    await main.getByLabel("Name").fill(`Short ${salt}`);
    await main.getByLabel("Email").fill(`short-${salt}@example.test`);
    await main.getByLabel("Password").fill("short");
    await main.getByRole("button", { name: "Create account" }).click();
    await expectFocusOnErrorSummary(page, /Please correct the marked fields/);
    await expect(main.getByLabel("Password").getAttribute("aria-invalid")).resolves.toBe("true");
    await main.getByText("Use a password of at least 10 characters.").waitFor();
    // The inputs stop at the server's limits.
    await expect(main.getByLabel("Name").getAttribute("maxlength")).resolves.toBe("100");
    await expect(main.getByLabel("Email").getAttribute("maxlength")).resolves.toBe("254");
    await page.close();
  });

  it("a new paper without a title", async () => {
    const page = await pageAs("member");
    await page.goto(url("/papers/new"));
    const form = page.getByTestId("paper-identifiers-form");
    await form.getByLabel("Authors").fill("Ada Lovelace");
    await form.getByRole("button", { name: "Add paper" }).click();
    await expectFocusOnErrorSummary(page, /Please correct the marked fields/);
    await form.getByText("Give the paper's title.").waitFor();
    await expect(form.getByLabel("Title").getAttribute("maxlength")).resolves.toBe("500");
    await page.close();
  });

  it("a new experiment without a title", async () => {
    const page = await pageAs("member");
    await page.goto(url("/experiments/new"));
    const form = page.getByTestId("experiment-form");
    await form.getByRole("button", { name: "Save draft" }).click();
    await expectFocusOnErrorSummary(page, /Give the experiment a title of at least 3 characters/);
    await page.close();
  });

  it("a comment the server refuses (a control character)", async () => {
    const page = await pageAs("member");
    await page.goto(url(`/experiments/${experimentId}`));
    const form = page.getByTestId("new-comment");
    await form.getByLabel("Add a comment").fill(`A bell \u0007 ${salt}`);
    await form.getByRole("button", { name: "Post comment" }).click();
    await expectFocusOnErrorSummary(page, /Remove the control characters/);
    await page.close();
  });
});
