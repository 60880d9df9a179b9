import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "./setup/browser";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect } from "../../db/client";
import { models, runs } from "../../db/schema";
import { startJobLoop } from "../../workers/job-loop";

/**
 * The experiment pages in Chromium: sign up, write an experiment with an uploaded CSV (previewed
 * before saving), fix a spec error shown next to its field, save a draft, publish by keyboard, and
 * find one run row per ready model (or the "no hosted model is ready" state). Then a model becomes
 * ready, an edit publishes version 2 with a queued run whose progress is polled, version 1 stays
 * readable, and the run is cancelled from the page. Finally a worker (the platform's job loop, real
 * onnxruntime on stories260K) runs the experiment: the run reaches done on the page, the run page's
 * table shows the stored numbers, a comment lands on the run, and the technique page shows the
 * run's headline metric.
 */

const baseUrl = inject("e2eBaseUrl");
const ARTIFACTS = path.resolve(import.meta.dirname, "..", "artifacts");
const run = randomBytes(4).toString("hex");
const user = { name: `Experimenter ${run}`, email: `exp-${run}@example.test`, password: `exp-password-${run}` };
const title = `Sentiment direction in tiny stories (e2e ${run})`;
const fakeModel = `e2e-fake-model-${run}`;

let browser: Browser;
let context: BrowserContext;
let page: Page;
let connection: ReturnType<typeof connect>;
let csvPath: string;
let badCsvPath: string;
let experimentUrl = "";
/** Ready models when version 1 was published: its run rows. */
let readyAtFirstPublish = 0;

const url = (p: string) => new URL(p, baseUrl).toString();
const main = () => page.locator("#main");

/** ~20 contrastive pairs in the style of the model's training stories; the run id keeps each upload new. */
function pairsCsv(): string {
  const things = ["dog", "cat", "ball", "kite", "cake", "tree", "boat", "bird", "doll", "hat"];
  const rows = ["positive,negative"];
  things.forEach((t, i) => {
    rows.push(`"Lily saw the ${t} and she was very happy (${run}).","Lily saw the ${t} and she was very sad (${run})."`);
    rows.push(`"Tom played with his ${t} ${i} and he smiled.","Tom played with his ${t} ${i} and he cried."`);
  });
  return `${rows.join("\n")}\n`;
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = mkdtempSync(path.join(tmpdir(), "mechmap-e2e-"));
  csvPath = path.join(dir, `happy-sad-${run}.csv`);
  writeFileSync(csvPath, pairsCsv());
  badCsvPath = path.join(dir, `broken-${run}.csv`);
  writeFileSync(badCsvPath, "positive,negative\nI am glad.,I am sad.\nI am happy.,I am upset.,extra\n");
  connection = connect(inject("e2eDatabaseUrl"), { max: 1 });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("console", (m) => {
    if (m.type() === "error") console.log(`[browser] ${m.text().slice(0, 1500)}`);
  });
});

afterAll(async () => {
  // The fake model must not collect runs from later test files.
  await connection?.db.update(models).set({ status: "failed", statusReason: "e2e fake model" }).where(eq(models.name, fakeModel));
  await connection?.close();
  await context?.close();
  await browser?.close();
});

describe("experiment pages", () => {
  it("signs up and finds the Experiments section with an empty drafts list", async () => {
    await page.goto(url("/signup"));
    await main().getByLabel("Name").fill(user.name);
    await main().getByLabel("Email").fill(user.email);
    await main().getByLabel("Password").fill(user.password);
    await main().getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(url("/"));
    await page.getByTestId("account-name").waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Experiments" }).click();
    await page.waitForURL(url("/experiments"));
    await main().getByTestId("my-drafts").getByText("No drafts.").waitFor();
    await main().getByRole("link", { name: "New experiment" }).click();
    await page.waitForURL(url("/experiments/new"));
  });

  it("writes an experiment: uploads a CSV, previews it, fixes a spec error next to its field, saves a draft", async () => {
    const form = main().getByTestId("experiment-form");
    await form.getByLabel("Title").fill(title);
    await form.getByLabel("Question", { exact: true }).fill("Is there one direction for *happy* vs *sad*? Accuracy $\\geq 0.9$?");
    await form.getByTestId("technique-picker").getByLabel("Filter techniques").fill("steering");
    await form.getByTestId("technique-picker").getByRole("checkbox").first().check();

    // A broken file: the server's reasons, with row numbers, and nothing to save.
    await form.getByLabel("File (CSV or JSONL)").setInputFiles(badCsvPath);
    const uploadErrors = form.getByTestId("upload-errors");
    await uploadErrors.waitFor();
    expect(await uploadErrors.textContent()).toMatch(/row \d+: 3 field\(s\), the header has 2/);
    expect(await form.getByRole("button", { name: "Save and use this data set" }).count()).toBe(0);

    // Upload: the server previews the file before anything is saved.
    await form.getByLabel("File (CSV or JSONL)").setInputFiles(csvPath);
    const preview = form.getByTestId("upload-status").getByTestId("dataset-preview");
    await preview.waitFor();
    const previewText = (await preview.textContent()) ?? "";
    expect(previewText).toContain("Contrastive pairs");
    expect(previewText).toContain("20 pairs");
    expect(previewText).toContain(`Lily saw the dog and she was very happy (${run}).`);
    await expect(form.getByLabel("Data set name").inputValue()).resolves.toBe(`happy-sad-${run}`);
    await form.getByRole("button", { name: "Save and use this data set" }).click();
    await form.getByTestId("dataset-chosen").waitFor();
    const chosen = (await form.getByTestId("dataset-chosen").textContent()) ?? "";
    const datasetId = /#(\d+)/.exec(chosen)?.[1];
    expect(datasetId).toBeDefined();
    await expect(form.getByTestId("spec-json").textContent()).resolves.toContain(`"datasetId": "${datasetId}"`);
    await form.getByTestId("spec-status").getByText("The spec is valid.").waitFor();

    // An invalid value: the engine's message appears next to the field, and in the JSON view's list.
    const folds = form.getByLabel("Folds (k)");
    await folds.fill("1");
    // `has` is matched inside each .field, so it takes a locator relative to the page.
    const foldsField = form.locator(".field", { has: page.getByLabel("Folds (k)") });
    await foldsField.getByTestId("spec-field-error").getByText("k must be at least 2").waitFor();
    await expect(folds.getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(form.getByTestId("spec-issues").textContent()).resolves.toContain("split.k");
    await expect(form.getByTestId("spec-json").textContent()).resolves.toContain('"k": 1');
    // Saving is refused with a summary that takes focus.
    await form.getByRole("button", { name: "Save draft" }).click();
    const summary = form.getByTestId("error-summary");
    await summary.waitFor();
    expect(await summary.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await summary.textContent()).toContain("split.k");

    await folds.fill("4");
    await foldsField.getByTestId("spec-field-error").waitFor({ state: "detached" });
    await form.getByTestId("spec-status").getByText("The spec is valid.").waitFor();
    await expect(folds.getAttribute("aria-invalid")).resolves.toBeNull();

    // The JSON view edits the same spec: a change there shows up in the form.
    const json = form.getByTestId("spec-json");
    await json.getByRole("button", { name: "Edit JSON" }).click();
    const text = json.getByLabel("Spec JSON");
    await text.fill((await text.inputValue()).replace('"seed": 0', '"seed": 11'));
    await expect(form.getByLabel("Seed").inputValue()).resolves.toBe("11");
    await text.fill("{ not json");
    await json.getByText(/Not valid JSON yet/).waitFor();
    await expect(form.getByLabel("Seed").inputValue()).resolves.toBe("11");
    await json.getByRole("button", { name: "Done editing JSON" }).click();
    await expect(json.textContent()).resolves.toContain('"seed": 11');

    // A claim, read back in words.
    await form.getByRole("button", { name: "+ Add a claim" }).click();
    await expect(form.getByTestId("claim-description").textContent()).resolves.toContain("diffmean.accuracy ≥ 0.9 at its peak layer (any model)");

    await form.getByRole("button", { name: "Save draft" }).click();
    await form.getByTestId("saved-status").waitFor();
    await page.waitForURL(/\/experiments\/\d+\/edit$/);
    await page.screenshot({ path: path.join(ARTIFACTS, "experiment-form.png"), fullPage: true });
  });

  it("publishes by keyboard after confirming, and shows one run row per ready model (or the empty state)", async () => {
    const form = main().getByTestId("experiment-form");
    const publish = form.getByRole("button", { name: "Publish…" });
    await publish.focus();
    await page.keyboard.press("Enter");
    const confirm = form.getByTestId("publish-confirm");
    await confirm.waitFor();
    await expect(confirm.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press("Tab");
    await expect(page.evaluate(() => document.activeElement?.textContent ?? "")).resolves.toBe("Yes, publish");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/experiments\/\d+$/);
    experimentUrl = page.url();

    await expect(main().getByTestId("experiment-title").textContent()).resolves.toBe(title);
    await expect(main().getByTestId("experiment-state").textContent()).resolves.toBe("published");
    await expect(main().getByTestId("claims").textContent()).resolves.toContain("diffmean.accuracy ≥ 0.9 at its peak layer (any model)");
    await expect(main().locator(".prose").first().innerHTML()).resolves.toContain("katex");
    await main().getByTestId("dataset-preview").waitFor();
    const download = await main().getByTestId("dataset-download").getAttribute("href");
    const csv = await page.request.get(url(download ?? "/"));
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain(`Lily saw the dog and she was very happy (${run}).`);

    const ready = await connection.db.select({ id: models.id }).from(models).where(eq(models.status, "ready"));
    readyAtFirstPublish = ready.length;
    if (ready.length === 0) {
      await expect(main().getByTestId("runs-empty").textContent()).resolves.toContain("no hosted model is ready");
    } else {
      await expect(main().getByTestId("run-row").count()).resolves.toBe(ready.length);
    }
    // Listed among the published experiments, with its technique.
    await page.goto(url("/experiments"));
    const item = main().getByTestId("experiment-list").getByTestId("experiment-item").filter({ hasText: title });
    await item.waitFor();
    expect(await main().getByTestId("my-drafts").getByText(title).count()).toBe(0);
  });

  it("a model becomes ready: an edit publishes version 2 with a queued run that can be cancelled; version 1 stays", async () => {
    await connection.db.insert(models).values({ name: fakeModel, source: "/nonexistent/e2e.gguf", sha256: randomBytes(32).toString("hex"), status: "ready", layers: 5, dModel: 64 });
    const ready = await connection.db.select({ id: models.id }).from(models).where(eq(models.status, "ready"));

    await page.goto(experimentUrl);
    await main().getByTestId("edit-experiment").click();
    await page.waitForURL(/\/edit$/);
    const form = main().getByTestId("experiment-form");
    await expect(form.getByLabel("Title").inputValue()).resolves.toBe(title);
    await form.getByTestId("dataset-chosen").waitFor();
    await form.getByLabel("Seed").fill("7");
    await form.getByLabel(/Change note/).fill("Seed 7");
    await form.getByRole("button", { name: "Publish new version…" }).click();
    await form.getByTestId("publish-confirm").getByRole("button", { name: "Yes, publish" }).click();
    await page.waitForURL(/\/experiments\/\d+\?version=2$/);

    const rows = main().getByTestId("run-row");
    await expect(rows.count()).resolves.toBe(ready.length);
    const mine = rows.filter({ hasText: fakeModel });
    await expect(mine.getByTestId("run-status").textContent()).resolves.toBe("Queued");
    await mine.getByRole("progressbar").waitFor();
    await expect(main().getByTestId("versions").getByRole("listitem").count()).resolves.toBe(2);
    expect(await main().getByTestId("versions").textContent()).toContain("Seed 7");

    // The queue is polled while the run waits; cancelling ends it and the row says so.
    const polled = page.waitForResponse((r) => r.url().includes("runs.progress"), { timeout: 15_000 });
    await polled;
    await mine.getByRole("button", { name: /Cancel run/ }).click();
    await main().getByTestId("run-action-message").getByText(/was cancelled/).waitFor();
    await mine.getByTestId("run-status").getByText("Cancelled").waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, "experiment-page.png"), fullPage: true });

    // Version 1 is still there with its own (empty) runs.
    await main().getByTestId("versions").getByRole("link", { name: "Version 1" }).click();
    await page.waitForURL(/\?version=1$/);
    await main().getByTestId("old-version").waitFor();
    expect(await main().getByTestId("run-row").count()).toBe(readyAtFirstPublish);
  });

  it("a worker runs it on stories260K: done on the page, the run page's numbers, a comment, the headline on the technique page", async () => {
    const cacheDir = mkdtempSync(path.join(tmpdir(), "mechmap-e2e-worker-"));
    const loop = await startJobLoop(inject("e2eDatabaseUrl"), { cacheDir, log: () => {} });
    try {
      await page.goto(experimentUrl);
      const row = main().getByTestId("run-row").filter({ hasText: "stories260K" }).first();
      // The page polls while the run is queued or running, and reloads its rows when it finishes.
      await row.getByTestId("run-status").getByText("Done").waitFor({ timeout: 120_000 });
      const runId = Number(/\/runs\/(\d+)/.exec((await row.getByRole("link", { name: /Run #/ }).getAttribute("href")) ?? "")?.[1]);
      const [stored] = await connection.db.select({ metrics: runs.metrics }).from(runs).where(eq(runs.id, runId));
      const methods = (stored?.metrics as { methods: Array<{ method: string; perLayer: Array<Record<string, number>> }> }).methods;
      const diffmean = methods.find((m) => m.method === "diffmean")!.perLayer;
      const best = Math.max(...diffmean.map((r) => r.accuracy!));
      const shown = Number.isInteger(best) ? String(best) : best.toFixed(3);
      // The status comes from polling; the headline arrives with the page's refresh that follows.
      await row.getByTestId("run-headline").getByText(`diffmean.accuracy ${shown}`).waitFor();

      // The run page: the diffmean table holds the stored accuracy of every layer.
      await row.getByRole("link", { name: /Run #/ }).click();
      await page.waitForURL(/\/runs\/\d+$/);
      const index = methods.findIndex((m) => m.method === "diffmean");
      const table = page.getByTestId(`table-m${index}-diffmean-0`);
      await table.locator("xpath=ancestor::details[1]/summary").click();
      await table.waitFor({ state: "visible" });
      const col = (await table.locator("thead th").allTextContents()).indexOf("accuracy");
      for (const r of diffmean) {
        await expect(table.locator(`tbody tr[data-layer="${r.layer}"] > *`).nth(col).getAttribute("data-value")).resolves.toBe(String(r.accuracy));
      }

      // A comment on the run.
      const discussion = main().getByTestId("discussion");
      await discussion.getByRole("textbox").first().fill(`Layer 3 wins again (${run}) with $p < 0.05$`);
      await discussion.getByRole("button", { name: "Post comment" }).click();
      await discussion.getByTestId("comment-body").filter({ hasText: `Layer 3 wins again (${run})` }).waitFor();

      // The technique the experiment exercises shows the run's headline among its evidence.
      await page.goto(experimentUrl);
      const techniqueHref = await main().locator("#techniques ~ ul a, section[aria-labelledby=techniques] a").first().getAttribute("href");
      await page.goto(url(techniqueHref ?? "/"));
      const evidence = main().getByTestId("evidence-experiment").filter({ hasText: title });
      await evidence.waitFor();
      await expect(evidence.getByTestId("evidence-run").filter({ hasText: "stories260K" }).getByTestId("evidence-headline").textContent()).resolves.toContain(shown);
    } finally {
      await loop.stop();
    }
  });

  it("unknown experiments are not found", async () => {
    await page.goto(url("/experiments/999999999"));
    await main().getByRole("heading", { name: "Not found" }).waitFor();
    await page.goto(url("/experiments/not-a-number"));
    await main().getByRole("heading", { name: "Not found" }).waitFor();
  });
});
