import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { and, asc, eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseConnection } from "../../db/client";
import { experiments, experimentVersions, models, runArtifacts, runs } from "../../db/schema";
import { DEMO_EXPERIMENTS, demoDatasetJsonl, demoSpec } from "../../db/seed/data/experiments";
import { float32FromBytes } from "../../server/artifacts/tensor-files";
import { claimSchema } from "../../server/experiments/claims";
import { uploadDataset } from "../../server/services/datasets/store";
import { insertFirstRuns } from "../../server/services/runs/queue";
import { signUp } from "../../server/services/users";
import { DEMO_MODEL, getModel } from "../../workers/models/registry";
import { launchChromium } from "./setup/browser";
import { computeRuns, ensureZooModel } from "./setup/worker-runs";

/**
 * The across-models page in Chromium on runs computed for real: a demo experiment (the
 * depth-consistency one: story pairs, consistency and diffmean on every block) runs through the
 * platform's job loop on the demo model stories260K (5 blocks) and three zoo models — the qwen2
 * layout (4 blocks) and the two seeds of tinystories-llama-d64 (one recipe). Then: open the page,
 * switch x to relative depth (the URL changes), reload and find the state restored, open the
 * agreement view for stories260K × qwen2 and read its heatmap and best matches (checked against
 * the stored scores), beside the same-recipe seed baseline; the CSV export keeps the state.
 *
 * Leaves the zoo models registered and ready (compare.test.ts reuses the qwen2 one; other files
 * count ready models, none assumes one).
 */

const baseUrl = inject("e2eBaseUrl");
const ARTIFACTS = path.resolve(import.meta.dirname, "..", "artifacts");
const url = (p: string) => new URL(p, baseUrl).toString();
const salt = randomBytes(4).toString("hex");
const demo = DEMO_EXPERIMENTS.find((e) => e.spec.methods && JSON.stringify(e.spec.methods).includes('"consistency"'))!;
const title = `${demo.title} (e2e ${salt})`;
const QWEN = "tinystories-qwen2-d64-l4";
const SEEDS = ["tinystories-llama-d64-s1", "tinystories-llama-d64-s2"];

let connection: DatabaseConnection;
let browser: Browser;
let page: Page;
let experimentId = 0;
let versionId = 0;
const main = () => page.locator("#main");

/** Two-pass Pearson over float32 scores as stored (the page's numbers must match it). */
function pearson(x: Float32Array, y: Float32Array): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

async function scoresOf(model: string): Promise<Float32Array[]> {
  const rows = await connection.db
    .select({ data: runArtifacts.data })
    .from(runArtifacts)
    .innerJoin(runs, eq(runs.id, runArtifacts.runId))
    .innerJoin(models, eq(models.id, runs.modelId))
    .where(and(eq(runs.versionId, versionId), eq(models.name, model), eq(runArtifacts.name, "diffmean.scores")))
    .orderBy(asc(runArtifacts.layer));
  return rows.map((r) => float32FromBytes(r.data));
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  connection = connect(inject("e2eDatabaseUrl"), { max: 2 });
  const { db } = connection;
  const stories = await getModel(db, DEMO_MODEL.name);
  if (!stories || stories.status !== "ready" || !stories.sha256) throw new Error("e2e: the demo model is not ready");
  const hosted = [stories, await ensureZooModel(db, QWEN), ...(await Promise.all(SEEDS.map((name) => ensureZooModel(db, name))))];

  const owner = await signUp(db, { email: `across-${salt}@example.test`, password: `across-password-${salt}`, name: `Across ${salt}` });
  const upload = await uploadDataset(db, { ...owner, name: `Across ${salt}` }, { name: `${demo.dataset.name} ${salt}`, format: "jsonl", bytes: new TextEncoder().encode(demoDatasetJsonl(demo.dataset)), previewOnly: false });
  if (!upload.saved) throw new Error("e2e: the demo data set was not saved");
  const now = new Date();
  const [experiment] = await db.insert(experiments).values({ ownerId: owner.id, state: "published", publishedAt: now }).returning({ id: experiments.id });
  experimentId = experiment!.id;
  const [version] = await db
    .insert(experimentVersions)
    .values({
      experimentId,
      version: 1,
      authorId: owner.id,
      title,
      spec: demoSpec(demo, upload.id),
      datasetId: upload.id,
      claims: demo.claims.map((c) => claimSchema.parse(c.claim)),
      publishedAt: now,
    })
    .returning({ id: experimentVersions.id });
  versionId = version!.id;
  const runIds = await insertFirstRuns(db, hosted.map((m) => ({ versionId, model: { id: m.id, sha256: m.sha256! } })), owner.id);
  expect(runIds).toHaveLength(4);

  // The platform's worker computes every run (each zoo graph is compiled on first use).
  await computeRuns(inject("e2eDatabaseUrl"), db, runIds, 170_000);

  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
  page.setDefaultTimeout(20_000);
  page.on("console", (m) => {
    if (m.type() === "error") console.log(`[browser] ${m.text().slice(0, 1500)}`);
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await connection?.close();
});

describe("across models", () => {
  it("draws one curve per model with the claimed metric, switches x to relative depth, and a reload restores it", async () => {
    await page.goto(url(`/experiments/${experimentId}`));
    await main().getByTestId("across-models-link").click();
    await page.waitForURL(url(`/experiments/${experimentId}/across-models`));
    await expect(main().getByTestId("across-title").textContent()).resolves.toContain(title);

    // The default metric is the first claimed one the runs measured: consistency.meanCosine.
    const chart = main().locator('[data-testid="chart-model-curves"] svg[aria-label]').first();
    await chart.waitFor();
    expect(await chart.getAttribute("aria-label")).toMatch(/^consistency\.meanCosine by layer for 4 models: /);
    await expect(main().getByLabel("Metric").inputValue()).resolves.toBe("consistency.meanCosine");
    await expect(main().getByTestId("across-claims").textContent()).resolves.toContain("consistency.meanCosine ≥ 0.18 at relative depth 0.75–1");
    const table = main().getByTestId("curves-table");
    const header = await table.locator("thead th").allTextContents();
    expect(header[0]).toBe("Layer");
    const columns = ["stories260K", QWEN, ...SEEDS].sort((a, b) => a.localeCompare(b));
    expect(header.slice(1).map((h) => h.replace(/\s*\(\d+ blocks\)$/, "").trim())).toEqual(columns);
    // By layer: rows 0–4 (stories260K and the llamas have 5 blocks, qwen2 4).
    await expect(table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-x")))).resolves.toEqual(["0", "1", "2", "3", "4"]);

    // The table holds the stored numbers.
    const [stored] = await connection.db
      .select({ metrics: runs.metrics })
      .from(runs)
      .innerJoin(models, eq(models.id, runs.modelId))
      .where(and(eq(runs.versionId, versionId), eq(models.name, QWEN)));
    const consistency = (stored!.metrics as { methods: Array<{ method: string; perLayer: Array<{ layer: number; meanCosine: number }> }> }).methods.find((m) => m.method === "consistency")!;
    const qwenColumn = columns.indexOf(QWEN) + 2;
    for (const r of consistency.perLayer) {
      await expect(table.locator(`tbody tr[data-x="${r.layer}"] > :nth-child(${qwenColumn})`).getAttribute("data-value")).resolves.toBe(String(r.meanCosine));
    }

    // Relative depth: the URL says so, and the rows are the depths any model has (4 blocks: thirds; 5 blocks: quarters).
    await main().getByRole("radio", { name: "Relative depth" }).check();
    await page.waitForURL((u) => u.searchParams.get("x") === "depth");
    await expect(table.locator("thead th").first().textContent()).resolves.toBe("Relative depth");
    await expect(table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-x")))).resolves.toEqual(["0.00", "0.25", "0.33", "0.50", "0.67", "0.75", "1.00"]);
    expect(await chart.getAttribute("aria-label")).toMatch(/by relative depth/);
    const permalink = page.url();
    await page.screenshot({ path: path.join(ARTIFACTS, "across-models-curves.png"), fullPage: true });

    // A reload (or a shared link) shows the same view.
    await page.reload();
    await main().locator('[data-testid="chart-model-curves"] svg[aria-label]').first().waitFor();
    expect(page.url()).toBe(permalink);
    await expect(main().getByRole("radio", { name: "Relative depth" }).isChecked()).resolves.toBe(true);
    await expect(main().getByTestId("curves-table").locator("thead th").first().textContent()).resolves.toBe("Relative depth");
    await expect(main().locator('[data-testid="chart-model-curves"] svg[aria-label]').first().getAttribute("aria-label")).resolves.toMatch(/by relative depth/);

    // The CSV export carries the same state: rows by relative depth, a column per model.
    const href = await main().getByTestId("across-downloads").getByRole("link", { name: /\(CSV\)/ }).getAttribute("href");
    expect(new URL(href!, baseUrl).searchParams.get("x")).toBe("depth");
    const csv = await page.request.get(url(href!));
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe(["relative_depth", ...columns].join(","));
    expect(lines.map((l) => l.split(",")[0])).toEqual(["relative_depth", "0", "0.25", "0.333333", "0.5", "0.666667", "0.75", "1"]);
  });

  it("opens agreement for stories260K × qwen2: a heatmap, each layer's best match, and the two seeds' baseline", async () => {
    await main().getByTestId("view-agreement").click();
    await page.waitForURL((u) => u.searchParams.get("view") === "agreement");
    await main().getByLabel("Model a (rows)").selectOption(DEMO_MODEL.name);
    await page.waitForURL((u) => u.searchParams.get("a") === DEMO_MODEL.name);
    await main().getByLabel("Model b (columns)").selectOption(QWEN);
    await page.waitForURL((u) => u.searchParams.get("b") === QWEN && u.searchParams.get("a") === DEMO_MODEL.name);
    // The curves' state rides along in the URL.
    expect(new URL(page.url()).searchParams.get("x")).toBe("depth");

    const panel = main().getByTestId("agreement-pair");
    await panel.getByRole("heading", { name: `${DEMO_MODEL.name} × ${QWEN}` }).waitFor();
    const heatmap = panel.locator('[data-testid="chart-agreement-pair"] svg[aria-label]').first();
    await heatmap.waitFor();
    expect(await heatmap.getAttribute("aria-label")).toMatch(/between 5 layers of stories260K \(rows\) and 4 layers of tinystories-qwen2-d64-l4 \(columns\)/);
    expect(await heatmap.locator("rect").count()).toBeGreaterThanOrEqual(20);

    // Best matches, checked against a correlation of the stored scores computed here.
    const [a, b] = await Promise.all([scoresOf(DEMO_MODEL.name), scoresOf(QWEN)]);
    expect(a).toHaveLength(5);
    expect(b).toHaveLength(4);
    const best = panel.getByTestId("agreement-pair-best");
    await expect(best.locator("tbody tr").count()).resolves.toBe(5);
    const bests: number[] = [];
    for (let i = 0; i < 5; i++) {
      const rs = b.map((col) => pearson(a[i]!, col));
      const j = rs.indexOf(Math.max(...rs));
      bests.push(rs[j]!);
      const row = best.locator(`tbody tr[data-layer="${i}"]`);
      await expect(row.locator("[data-match]").getAttribute("data-match")).resolves.toBe(String(j));
      expect(Number(await row.locator("td[data-value]").getAttribute("data-value"))).toBeCloseTo(rs[j]!, 6);
    }
    const summary = Number(await panel.getByTestId("agreement-pair-summary").locator("strong").getAttribute("data-value"));
    expect(summary).toBeCloseTo(bests.reduce((s, v) => s + v, 0) / 5, 6);

    // The same-recipe, different-seed baseline beside it.
    const seed = main().getByTestId("agreement-seed");
    await seed.getByRole("heading", { name: `Same recipe, different seed: ${SEEDS[0]} × ${SEEDS[1]} (recipe tinystories-llama-d64)` }).waitFor();
    await seed.locator('[data-testid="chart-agreement-seed"] svg[aria-label]').first().waitFor();
    await expect(seed.getByTestId("agreement-seed-best").locator("tbody tr").count()).resolves.toBe(5);

    await page.screenshot({ path: path.join(ARTIFACTS, "across-models-agreement.png"), fullPage: true });

    // The agreement permalink survives a reload too.
    const permalink = page.url();
    await page.reload();
    await main().getByTestId("agreement-pair").getByRole("heading", { name: `${DEMO_MODEL.name} × ${QWEN}` }).waitFor();
    expect(page.url()).toBe(permalink);
    await expect(main().getByLabel("Model b (columns)").inputValue()).resolves.toBe(QWEN);
  });

  it("unknown experiments are not found", async () => {
    const response = await page.goto(url("/experiments/999999999/across-models"));
    expect(response?.status()).toBe(404);
    await main().getByRole("heading", { name: "Not found" }).waitFor();
  });
});
