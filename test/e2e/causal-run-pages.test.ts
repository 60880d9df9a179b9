import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseConnection } from "../../db/client";
import { experiments, experimentVersions, runs } from "../../db/schema";
import { insertFirstRuns } from "../../server/services/runs/queue";
import { signUp } from "../../server/services/users";
import { DEMO_MODEL, getModel } from "../../workers/models/registry";
import { axeViolations } from "./setup/axe";
import { launchChromium } from "./setup/browser";
import { computeRuns } from "./setup/worker-runs";

/**
 * The run page of the four causal methods (spec version 2) in Chromium, on a run computed by the
 * platform's worker on stories260K: the patching heatmaps with token labels and keyboard reading,
 * the logit-lens table with each top token's probability on hover, the attention viewer (a layer's
 * patterns fetched on demand; click a head to enlarge it, hover a query token to see where it
 * attends), the steered continuations beside the default; and a malformed stored result shown as
 * a notice, not a crash.
 */

const baseUrl = inject("e2eBaseUrl");
const url = (p: string) => new URL(p, baseUrl).toString();
const ARTIFACTS = path.resolve(import.meta.dirname, "..", "artifacts");
const salt = randomBytes(4).toString("hex");
const CLEAN = "Once upon a time, there was a girl named Lily. One day,";
const LENS_PROMPT = "Lily had a big red ball. One day,";
const ATTENTION_PROMPT = "Lily saw a red bird. Lily saw a red bird.";

const spec = {
  version: 2,
  name: `Causal views ${salt}`,
  methods: [
    { method: "activationPatching", pairs: [{ clean: CLEAN, corrupted: "Once upon a time, there was a girl named Tim. One day,", answer: " Lily", wrongAnswer: " Tim" }] },
    { method: "logitLens", prompts: [LENS_PROMPT], topK: 3, target: " Lily" },
    { method: "attentionPatterns", prompts: [ATTENTION_PROMPT], induction: { length: 8, sequences: 2 } },
    {
      method: "steeredGeneration",
      prompts: ["Lily was sad because"],
      direction: { kind: "meanDifference", positive: ["Lily was very happy.", "Tim smiled and laughed."], negative: ["Lily was very sad.", "Tim cried and cried."] },
      layers: [1],
      strengths: [0.5],
      maxNewTokens: 8,
      targetWords: { target: [" happy"], opposite: [" sad"] },
    },
  ],
  seed: 5,
};

interface Metrics {
  methods: Array<{ method: string; result: Record<string, unknown> }>;
}
interface Patching {
  tokens: string[];
  layers: number[];
  resid: Array<Array<number | null>>;
  heads: Array<Array<number | null>>;
}
interface Lens {
  prompts: Array<{ tokens: string[]; layers: number[]; top: Array<Array<Array<{ token: string; prob: number }>>> }>;
}
interface Attention {
  layers: number[];
  nHeads: number;
  prompts: Array<{ tokens: string[] }>;
}
interface Steered {
  prompts: Array<{ default: string; cells: Array<{ steered: string; baseline: string }> }>;
}

let connection: DatabaseConnection;
let browser: Browser;
let page: Page;
let runId = 0;
let brokenRunId = 0;
let metrics: Metrics;
const resultOf = <T,>(method: string) => metrics.methods.find((m) => m.method === method)!.result as unknown as T;

beforeAll(async () => {
  connection = connect(inject("e2eDatabaseUrl"), { max: 2 });
  const { db } = connection;
  const stories = await getModel(db, DEMO_MODEL.name);
  if (!stories || stories.status !== "ready" || !stories.sha256) throw new Error("e2e: the demo model is not ready");
  const owner = await signUp(db, { email: `causal-${salt}@example.test`, password: `causal-password-${salt}`, name: `Causal ${salt}` });
  const now = new Date();
  const [experiment] = await db.insert(experiments).values({ ownerId: owner.id, state: "published", publishedAt: now }).returning({ id: experiments.id });
  const [version] = await db
    .insert(experimentVersions)
    .values({ experimentId: experiment!.id, version: 1, authorId: owner.id, title: `Causal views ${salt}`, spec, publishedAt: now })
    .returning({ id: experimentVersions.id });
  const [id] = await insertFirstRuns(db, [{ versionId: version!.id, model: { id: stories.id, sha256: stories.sha256 } }], owner.id);
  runId = id!;
  await computeRuns(inject("e2eDatabaseUrl"), db, [runId], 170_000);
  const [row] = await db.select({ metrics: runs.metrics, runKey: runs.runKey, facts: runs.facts }).from(runs).where(eq(runs.id, runId));
  metrics = row!.metrics as unknown as Metrics;

  // A second attempt whose stored patching result is malformed (a row of the map is missing).
  const broken = structuredClone(metrics);
  (broken.methods[0]!.result as { resid: unknown[] }).resid.pop();
  const [b] = await db
    .insert(runs)
    .values({ versionId: version!.id, modelId: stories.id, modelSha256: stories.sha256, engineVersion: "e2e", runKey: row!.runKey, attempt: 1, status: "done", metrics: broken as unknown as Record<string, unknown>, facts: row!.facts, finishedAt: now })
    .returning({ id: runs.id });
  brokenRunId = b!.id;

  browser = await launchChromium();
  // axe's script is added by the test: the pages' policy runs only nonce'd scripts.
  page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 }, bypassCSP: true })).newPage();
  page.setDefaultTimeout(20_000);
  page.on("console", (m) => {
    if (m.type() === "error") console.log(`[browser] ${m.text().slice(0, 1500)}`);
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await connection?.close();
});

describe("the run page of the causal methods", () => {
  it("draws the patching heatmaps with the clean tokens as column labels and reads cells by keyboard", async () => {
    const response = await page.goto(url(`/runs/${runId}`));
    expect(response?.status()).toBe(200);
    const patching = resultOf<Patching>("activationPatching");
    const grid = page.getByTestId("m0-resid");
    await grid.waitFor();
    const headers = (await grid.locator("thead th").allTextContents()).slice(1);
    expect(headers).toEqual(patching.tokens.map((t) => t.replace(/ /g, "␣") || "∅"));
    expect(headers).toContain("␣Lily");
    const cells = grid.getByTestId("m0-resid-cell");
    expect(await cells.count()).toBe(patching.layers.length * patching.tokens.length);
    // The cell of the last layer at the name's position holds the stored number, and says so in its title.
    const namePos = patching.tokens.indexOf(" Lily");
    const lastLayer = patching.layers.length - 1;
    const cell = grid.locator(`td[data-row="${lastLayer}"][data-col="${namePos}"]`);
    const stored = patching.resid[lastLayer]![namePos]!;
    await expect(cell.getAttribute("data-value")).resolves.toBe(String(stored));
    await expect(cell.getAttribute("title")).resolves.toContain(`position ${namePos} “ Lily”: ${stored.toFixed(3)} restored`);
    // One Tab stop; the arrow keys move and the status line reads the focused cell.
    await grid.locator('td[tabindex="0"]').focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowDown");
    await expect(page.getByTestId("m0-resid-status").textContent()).resolves.toContain(`Residual stream after block ${patching.layers[1]}, position 1 `);
    const heads = page.getByTestId("m0-heads-cell");
    expect(await heads.count()).toBe(patching.layers.length * patching.heads[0]!.length);
  });

  it("shows the logit-lens table with each top token and its probability on hover", async () => {
    await page.goto(url(`/runs/${runId}`));
    const lens = resultOf<Lens>("logitLens").prompts[0]!;
    const table = page.getByTestId("m1-lens-0");
    await table.waitFor();
    expect(await table.getByTestId("m1-lens-0-cell").count()).toBe(lens.layers.length * lens.tokens.length);
    const last = lens.tokens.length - 1;
    const layer = lens.layers.length - 1;
    const top = lens.top[layer]![last]!;
    const cell = table.locator(`td[data-row="${layer}"][data-col="${last}"]`);
    await expect(cell.textContent()).resolves.toBe(top[0]!.token.replace(/ /g, "␣"));
    const title = (await cell.getAttribute("title")) ?? "";
    expect(title).toContain(`“${top[0]!.token}” p = ${top[0]!.prob.toFixed(3)}`);
    expect(title).toContain(`“${top[1]!.token}” p = ${top[1]!.prob.toFixed(3)}`);
    await cell.hover();
    await expect(page.getByTestId("m1-lens-0-status").textContent()).resolves.toBe(title);
    // The target column and its chart.
    expect(await table.locator("thead th").last().textContent()).toBe("Target ␣Lily");
    expect(await page.getByTestId("m1-target-0").getAttribute("aria-label")).toMatch(/^Probability of “ Lily” at the last position by layer: layer 0 /);
  });

  it("opens the attention viewer: a layer's heads as small multiples, click one to enlarge, hover a token to see where it attends", async () => {
    await page.goto(url(`/runs/${runId}`));
    const attention = resultOf<Attention>("attentionPatterns");
    const viewer = page.getByTestId("m2-attention-viewer");
    const headButtons = viewer.getByTestId("attention-head");
    await headButtons.first().waitFor();
    expect(await headButtons.count()).toBe(attention.nHeads);
    await headButtons.nth(1).click();
    const enlarged = viewer.getByTestId("attention-enlarged");
    await enlarged.waitFor();
    await expect(enlarged.getByRole("heading").textContent()).resolves.toBe(`Layer ${attention.layers[0]}, head 1`);
    await expect(headButtons.nth(1).getAttribute("aria-pressed")).resolves.toBe("true");
    // Rows are the prompt's tokens; hovering the second " Lily" lights up the keys it attends to (a row sums to 1).
    const tokens = attention.prompts[0]!.tokens;
    const queries = enlarged.getByTestId("attention-query");
    expect(await queries.count()).toBe(tokens.length);
    const q = tokens.lastIndexOf(" Lily");
    await queries.nth(q).hover();
    await expect(enlarged.getByTestId("attention-status").textContent()).resolves.toMatch(new RegExp(`^“ Lily” \\(position ${q}\\) attends most to “`));
    const weights = (await enlarged.getByTestId("attention-strip").locator("span").evaluateAll((spans) => spans.map((s) => Number(s.getAttribute("data-attention"))))) as number[];
    expect(weights.slice(q + 1).every((w) => w === 0)).toBe(true);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    // Another layer is fetched when chosen; the enlarged head follows it.
    const other = attention.layers[attention.layers.length - 1]!;
    await viewer.getByTestId("attention-layer").selectOption(String(other));
    await expect.poll(() => enlarged.getByRole("heading").textContent()).toBe(`Layer ${other}, head 1`);
    // The summary scores, best heads outlined.
    expect(await page.getByTestId("m2-scores-induction-cell").count()).toBe(attention.layers.length * attention.nHeads);
    expect(await page.getByTestId("m2-best-previousToken").textContent()).toMatch(/previous-token layer \d+ head \d+ \(/);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "causal-run-page.png"), fullPage: true });
    // With the enlarged head open, the page has no WCAG A/AA violation.
    expect(await axeViolations(page)).toEqual([]);
    // Close hands the focus back to the head's button; Enter on a button opens it again.
    await enlarged.getByRole("button", { name: "Close" }).click();
    await expect(enlarged.count()).resolves.toBe(0);
    await expect(page.evaluate(() => document.activeElement?.getAttribute("data-head"))).resolves.toBe("1");
    await page.keyboard.press("Enter");
    await enlarged.waitFor();
  });

  it("sets the steered continuations beside the default one", async () => {
    await page.goto(url(`/runs/${runId}`));
    const steered = resultOf<Steered>("steeredGeneration").prompts[0]!;
    await expect(page.getByTestId("m3-default").textContent()).resolves.toBe(steered.default);
    await expect(page.getByTestId("m3-steered-text").first().textContent()).resolves.toBe(steered.cells[0]!.steered);
    await expect(page.getByTestId("m3-steered-summary").locator("tbody tr").count()).resolves.toBe(1);
  });

  it("shows a malformed stored result as a notice and the other methods as usual", async () => {
    const response = await page.goto(url(`/runs/${brokenRunId}`));
    expect(response?.status()).toBe(200);
    await expect(page.getByTestId("m0-causal-problem").textContent()).resolves.toMatch(/cannot be shown \(the residual-stream map has \d+ rows for \d+ layers\)/);
    await page.getByTestId("m1-lens-0").waitFor();
  });
});
