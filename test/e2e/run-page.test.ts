import { createHash, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./setup/browser";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseConnection } from "../../db/client";
import { experiments, experimentVersions, models, runArtifacts, runs } from "../../db/schema";
import { signUp } from "../../server/services/users";
import { collectArtifacts } from "../../workers/jobs/run-experiment/artifacts";
import { runtimeVersions } from "../../workers/jobs/run-experiment/facts";
import { runProbe } from "../../workers/probes/run-probe";
import { toStableJson } from "../../workers/probes/serialize";
import { fixtureSource, realSpec } from "../probes/real-spec";

/**
 * The run page in Chromium on a run computed for real (every probe method on stories260K) and stored
 * the way the worker stores it: charts drawn with their aria labels, tables with the stored numbers,
 * the relative-depth toggle by keyboard, live progress that turns into results, the determinism
 * line, a failure reason, and 404s.
 */

const baseUrl = inject("e2eBaseUrl");
const url = (p: string) => new URL(p, baseUrl).toString();
const salt = randomBytes(4).toString("hex");

let connection: DatabaseConnection;
let browser: Browser;
let page: Page;
let metrics: Record<string, unknown>;
let metricsSha256: string;
let facts: Record<string, unknown>;
let artifactRows: ReturnType<typeof collectArtifacts>["rows"];
let versionId: number;
let modelId: number;
let doneRunId: number;
let ownerLogin: { email: string; password: string };
const runKey = `e2e-run-page-${salt}`;

interface PerLayer {
  layer: number;
  accuracy?: number;
  positions?: number[];
}
const methodOf = (name: string) => (metrics.methods as Array<{ method: string; perLayer: PerLayer[] }>).find((m) => m.method === name)!;

async function insertRun(values: Partial<typeof runs.$inferInsert>): Promise<number> {
  const [row] = await connection.db
    .insert(runs)
    .values({ versionId, modelId, modelSha256: "f".repeat(64), engineVersion: "e2e", runKey, attempt: 0, ...values })
    .returning({ id: runs.id });
  return row!.id;
}

async function finishRun(id: number) {
  await connection.db.transaction(async (tx) => {
    for (const r of artifactRows) await tx.insert(runArtifacts).values({ runId: id, ...r });
    await tx
      .update(runs)
      .set({ status: "done", stage: "done", percent: 100, metrics, metricsSha256, facts, examplesDone: 240, examplesTotal: 240, worker: "e2e-host:1", startedAt: new Date(Date.now() - 4000), finishedAt: new Date(), durationMs: 3456 })
      .where(eq(runs.id, id));
  });
}

beforeAll(async () => {
  // Real numbers: the same probe run the worker performs, stored the same way.
  const result = await runProbe(realSpec(), { source: await fixtureSource() });
  const json = toStableJson(result.metrics);
  metrics = JSON.parse(json) as Record<string, unknown>;
  metricsSha256 = createHash("sha256").update(json).digest("hex");
  const collected = collectArtifacts(result);
  artifactRows = collected.rows;
  facts = { ...runtimeVersions(), seed: result.metrics.seed, model: { name: "stories260K", sha256: "f".repeat(64), nLayers: 5, dModel: 64 }, durationMs: 3456, worker: "e2e-host:1", examples: 240, artifactDetails: collected.details };

  connection = connect(inject("e2eDatabaseUrl"), { max: 1 });
  ownerLogin = { email: `runs-${salt}@example.test`, password: `runs-password-${salt}` };
  const owner = await signUp(connection.db, { ...ownerLogin, name: `Runs ${salt}` });
  const [experiment] = await connection.db.insert(experiments).values({ ownerId: owner!.id, state: "published", publishedAt: new Date() }).returning({ id: experiments.id });
  const [version] = await connection.db
    .insert(experimentVersions)
    .values({ experimentId: experiment!.id, version: 1, authorId: owner!.id, title: `Sentiment charts ${salt}`, spec: { version: 1 }, publishedAt: new Date() })
    .returning({ id: experimentVersions.id });
  versionId = version!.id;
  const [model] = await connection.db.insert(models).values({ name: `stories-e2e-${salt}`, source: "/tmp/none.gguf", sha256: "f".repeat(64), status: "ready", layers: 5, dModel: 64 }).returning({ id: models.id });
  modelId = model!.id;
  doneRunId = await insertRun({ status: "running" });
  await finishRun(doneRunId);

  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(20_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await connection?.close();
});

describe("a finished run", () => {
  it("shows the header, facts and downloads", async () => {
    const response = await page.goto(url(`/runs/${doneRunId}`));
    expect(response?.status()).toBe(200);
    await expect(page.getByTestId("run-title").textContent()).resolves.toContain(`Sentiment charts ${salt}`);
    await expect(page.getByTestId("run-status").textContent()).resolves.toBe("Done");
    await expect(page.getByTestId("model-sha").textContent()).resolves.toBe("f".repeat(64));
    const factsText = (await page.getByTestId("run-facts").textContent()) ?? "";
    expect(factsText).toContain(String(runtimeVersions().onnxruntimeVersion));
    expect(factsText).toContain("Seed7");
    expect(factsText).toContain("e2e-host:1");
    expect(factsText).toContain("3.5 s");
    const downloads = page.getByTestId("downloads");
    await expect(downloads.getByRole("link", { name: "Metrics (CSV)" }).getAttribute("href")).resolves.toBe(`/api/runs/${doneRunId}/metrics?format=csv`);
    await expect(downloads.getByRole("link", { name: "All artifacts (.safetensors)" }).getAttribute("href")).resolves.toBe(`/api/runs/${doneRunId}/artifacts?format=safetensors`);
    // The per-artifact links sit behind a disclosure.
    await downloads.getByText(`${artifactRows.length} artifacts as NumPy .npy`).click();
    const npy = await downloads.getByRole("link", { name: /^diffmean\.(hook_resid_post\.)?layer3\.direction\.npy$/ }).getAttribute("href");
    const file = await page.request.get(url(npy ?? ""));
    expect(file.status()).toBe(200);
    expect((await file.body()).subarray(1, 6).toString("latin1")).toBe("NUMPY");
    // Anonymous viewers get no controls.
    expect(await page.getByRole("button", { name: "Run again" }).count()).toBe(0);
    expect(await page.getByTestId("determinism").count()).toBe(0);
  });

  it("draws the per-layer chart and its table holds the stored numbers", async () => {
    await page.goto(url(`/runs/${doneRunId}`));
    const svg = page.locator('[data-testid="chart-m0-diffmean-0"] svg[aria-label]');
    await svg.waitFor();
    const label = (await svg.getAttribute("aria-label")) ?? "";
    expect(label).toMatch(/^Held-out accuracy and AUROC: accuracy highest \d\.\d{3} at layer \d/);
    expect(await svg.locator("path").count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="chart-m0-diffmean-0"]').textContent()).toContain("chance (0.5)");

    const table = page.getByTestId("table-m0-diffmean-0");
    await page.getByText("Show table: Held-out accuracy and AUROC").click();
    await table.waitFor({ state: "visible" });
    const headers = await table.locator("thead th").allTextContents();
    const col = headers.indexOf("accuracy");
    expect(col).toBeGreaterThan(0);
    const cell = table.locator('tbody tr[data-layer="3"] > *').nth(col);
    const stored = methodOf("diffmean").perLayer.find((e) => e.layer === 3)!.accuracy!;
    await expect(cell.getAttribute("data-value")).resolves.toBe(String(stored));
    await expect(cell.textContent()).resolves.toBe(stored.toFixed(3));
  });

  it("toggles the x axis to relative depth by keyboard", async () => {
    await page.goto(url(`/runs/${doneRunId}`));
    const chart = page.locator('[data-testid="chart-m0-diffmean-0"]');
    await chart.locator("svg[aria-label]").waitFor();
    expect(await chart.textContent()).toContain("Layer (block index)");
    // Tab from the top of the page until the toggle has focus (bounded), then press Space.
    await page.locator("body").focus();
    let focused = false;
    for (let i = 0; i < 80 && !focused; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement?.getAttribute("data-testid") === "depth-toggle");
    }
    expect(focused).toBe(true);
    await page.keyboard.press("Space");
    await expect(page.getByTestId("depth-toggle").getAttribute("aria-pressed")).resolves.toBe("true");
    await expect.poll(async () => chart.textContent(), { timeout: 10_000 }).toContain("Relative depth (layer / (layers − 1))");
    await expect(page.getByTestId("x-axis-state").textContent()).resolves.toContain("relative depth");
    // The last block is at relative depth 1: the axis runs 0 to 1.
    expect(await chart.locator("svg[aria-label]").textContent()).toContain("1.0");
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("depth-toggle").getAttribute("aria-pressed")).resolves.toBe("false");
    await expect.poll(async () => chart.textContent(), { timeout: 10_000 }).toContain("Layer (block index)");
  });

  it("draws the cosine heatmap, steering curves, anchor positions and the neuron map", async () => {
    await page.goto(url(`/runs/${doneRunId}`));
    const methods = (metrics.methods as Array<{ method: string }>).map((m) => m.method);
    const consistency = methods.indexOf("consistency");
    const steering = methods.indexOf("steering");
    const anchors = methods.indexOf("anchors");
    const neurons = methods.indexOf("neuronMap");
    for (const id of [`chart-m${consistency}-cosines-0`, `chart-m${steering}-steering-curves`, `chart-m${anchors}-anchors`, `chart-m${neurons}-neurons-0`]) {
      await page.locator(`[data-testid="${id}"] svg[aria-label]`).first().waitFor();
    }
    // Heatmap: a 5 × 5 grid of cells, the diagonal is 1.
    const heatmap = page.getByTestId(`table-m${consistency}-cosines-0`);
    expect(await heatmap.locator("tbody tr").count()).toBe(5);
    expect(Number(await heatmap.locator('tbody tr[data-layer="2"] > td').nth(2).getAttribute("data-value"))).toBeCloseTo(1, 5);
    expect(await page.locator(`[data-testid="chart-m${consistency}-cosines-0"] svg[aria-label] rect`).count()).toBeGreaterThanOrEqual(25);
    // Steering: one line per layer in the legend.
    expect(await page.locator(`[data-testid="chart-m${steering}-steering-curves"]`).textContent()).toContain("layer 4");
    // Anchors: the stored position of the first query at layer 0.
    const anchorsTable = page.getByTestId(`table-anchors-${anchors}`);
    const position = methodOf("anchors").perLayer.find((e) => e.layer === 0)!.positions![0]!;
    await expect(anchorsTable.locator("tbody tr").first().locator("td").nth(1).getAttribute("data-value")).resolves.toBe(String(position));
    // Neuron map: 172 dots; hovering one shows its snippet.
    const scatter = page.locator(`[data-testid="chart-m${neurons}-neurons-0"]`);
    const dots = scatter.locator("svg[aria-label] circle");
    expect(await dots.count()).toBe(172);
    await dots.nth(10).scrollIntoViewIfNeeded();
    const box = await dots.nth(10).boundingBox();
    if (!box) throw new Error("the dot has no box");
    await page.mouse.move(box.x + box.width / 2 + 30, box.y + box.height / 2 + 30);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    await expect.poll(async () => scatter.textContent(), { timeout: 10_000 }).toMatch(/snippet.*⟦/s);
  });
});

describe("a run in progress", () => {
  it("shows live progress, then the results and the determinism line when it finishes", async () => {
    const id = await insertRun({ attempt: 1, status: "running", stage: "reading blocks.2.hook_resid_post", percent: 40, examplesDone: 96, examplesTotal: 240, currentLayer: 2, startedAt: new Date() });
    await page.goto(url(`/runs/${id}`));
    const progress = page.getByTestId("run-progress");
    await expect(progress.textContent()).resolves.toContain("reading blocks.2.hook_resid_post");
    expect(await progress.textContent()).toContain("96 of 240 examples · layer 2");
    await expect(progress.locator("progress").getAttribute("value")).resolves.toBe("40");
    await expect(page.getByTestId("determinism").textContent()).resolves.toContain(`Compared with run #${doneRunId}`);

    await connection.db.update(runs).set({ percent: 70, examplesDone: 168, currentLayer: 3 }).where(eq(runs.id, id));
    await expect.poll(async () => progress.textContent(), { timeout: 15_000 }).toContain("168 of 240 examples · layer 3");

    await finishRun(id);
    await page.getByTestId("chart-m0-diffmean-0").locator("svg[aria-label]").waitFor({ timeout: 20_000 });
    await expect(page.getByTestId("run-status").textContent()).resolves.toBe("Done");
    expect(await page.getByTestId("run-progress").count()).toBe(0);
    await expect(page.getByTestId("determinism").textContent()).resolves.toContain(`Metrics byte-identical to run #${doneRunId}`);
  });

  it("shows why a run failed", async () => {
    const id = await insertRun({ attempt: 2, status: "failed", error: "data.pairs[3].positive: prompt is 900 tokens; the limit is 512 — shorten it", finishedAt: new Date() });
    await page.goto(url(`/runs/${id}`));
    await expect(page.getByTestId("run-error").textContent()).resolves.toContain("prompt is 900 tokens; the limit is 512");
    await expect(page.getByTestId("run-status").textContent()).resolves.toBe("Failed");
    expect(await page.getByTestId("downloads").count()).toBe(0);
  });
});

describe("the author's controls", () => {
  it("reruns a finished run and cancels the queued rerun", async () => {
    await page.goto(url("/signin"));
    await page.locator("#main").getByLabel("Email").fill(ownerLogin.email);
    await page.locator("#main").getByLabel("Password").fill(ownerLogin.password);
    await page.locator("#main").getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("account-name").waitFor();

    await page.goto(url(`/runs/${doneRunId}`));
    await page.getByRole("button", { name: "Run again" }).click();
    await page.waitForURL((u) => /\/runs\/\d+$/.test(u.pathname) && u.pathname !== `/runs/${doneRunId}`);
    const rerunId = Number(new URL(page.url()).pathname.split("/").pop());
    const [stored] = await connection.db.select({ runKey: runs.runKey, attempt: runs.attempt, status: runs.status }).from(runs).where(eq(runs.id, rerunId));
    expect(stored?.runKey).toBe(runKey);
    expect(stored?.attempt).toBeGreaterThan(0);
    await page.getByTestId("run-progress").waitFor();
    await expect(page.getByTestId("determinism").textContent()).resolves.toMatch(/Compared with run #\d+/);

    await page.getByRole("button", { name: "Cancel run" }).click();
    await expect.poll(async () => page.getByTestId("run-status").textContent(), { timeout: 15_000 }).toBe("Cancelled");
    const [after] = await connection.db.select({ status: runs.status }).from(runs).where(eq(runs.id, rerunId));
    expect(after?.status).toBe("cancelled");
    expect(await page.getByRole("button", { name: "Cancel run" }).count()).toBe(0);
    await page.context().clearCookies();
  });
});

describe("unknown runs", () => {
  it("answers 404", async () => {
    for (const path of ["/runs/99999999", "/runs/abc", "/runs/0"]) {
      const response = await page.goto(url(path));
      expect(response?.status(), path).toBe(404);
    }
  });
});
