import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseConnection } from "../../db/client";
import { experiments, experimentVersions, experimentVersionTechniques, models, runs, techniques } from "../../db/schema";
import { parseCsv } from "../../server/services/datasets/csv";
import { insertFirstRuns } from "../../server/services/runs/queue";
import { signUp } from "../../server/services/users";
import { DEMO_MODEL, getModel } from "../../workers/models/registry";
import { launchChromium } from "./setup/browser";
import { computeRuns, ensureZooModel } from "./setup/worker-runs";

/**
 * The compare page in Chromium on runs computed for real: a published experiment (diffmean on
 * contrastive story pairs, one claim) runs on the demo model stories260K and on the zoo's qwen2
 * model (registered from ../shared/fixtures/zoo, compiled by the worker on first use) through the
 * platform's job loop. Then: open /compare, filter by the experiment's technique with the form,
 * find both cells with the verdict and headline the worker stored, open a cell (the run page) and
 * switch its charts to relative depth; the permalink and the CSV export keep the filter.
 *
 * Leaves the qwen2 model registered and ready (other files count ready models, none assumes one).
 */

const baseUrl = inject("e2eBaseUrl");
const url = (p: string) => new URL(p, baseUrl).toString();
const salt = randomBytes(4).toString("hex");
const title = `Compare happy vs sad across models (e2e ${salt})`;
const ZOO_MODEL = "tinystories-qwen2-d64-l4";
const TECHNIQUE = "linear-probing";
const ARTIFACTS = path.resolve(import.meta.dirname, "..", "artifacts");

let connection: DatabaseConnection;
let browser: Browser;
let page: Page;
let experimentId: number;
let techniqueName: string;
const runIds: number[] = [];

function pairs() {
  const things = ["dog", "cat", "ball", "kite", "cake", "tree", "boat", "bird", "doll", "hat", "sun", "cup"];
  return things.map((t, i) => ({ positive: `Lily saw the ${t} and she was very happy ${i}.`, negative: `Lily saw the ${t} and she was very sad ${i}.` }));
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  connection = connect(inject("e2eDatabaseUrl"), { max: 2 });
  const { db } = connection;
  const demo = await getModel(db, DEMO_MODEL.name);
  if (!demo || demo.status !== "ready" || !demo.sha256) throw new Error("e2e: the demo model is not ready");
  const zoo = await ensureZooModel(db, ZOO_MODEL);

  const owner = await signUp(db, { email: `compare-${salt}@example.test`, password: `compare-password-${salt}`, name: `Compare ${salt}` });
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
      spec: { version: 1, data: { kind: "pairs", pairs: pairs() }, methods: [{ method: "diffmean" }], seed: 1 },
      claims: [{ metric: "diffmean.accuracy", model: DEMO_MODEL.name, where: { kind: "peak" }, comparison: "gte", value: 0.6, note: "" }],
      publishedAt: now,
    })
    .returning({ id: experimentVersions.id });
  const [technique] = await db.select({ id: techniques.id, name: techniques.name }).from(techniques).where(eq(techniques.slug, TECHNIQUE));
  if (!technique) throw new Error(`e2e: the seed has no technique ${TECHNIQUE}`);
  techniqueName = technique.name;
  await db.insert(experimentVersionTechniques).values({ versionId: version!.id, techniqueId: technique.id });
  runIds.push(...(await insertFirstRuns(db, [demo, zoo].map((m) => ({ versionId: version!.id, model: { id: m.id, sha256: m.sha256! } })), owner.id)));
  expect(runIds).toHaveLength(2);

  // The platform's worker computes both runs (the qwen2 graph is compiled on first use).
  await computeRuns(inject("e2eDatabaseUrl"), db, runIds, 110_000);

  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })).newPage();
  page.setDefaultTimeout(20_000);
  page.on("console", (m) => {
    if (m.type() === "error") console.log(`[browser] ${m.text().slice(0, 1500)}`);
  });
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await connection?.close();
});

describe("compare page", () => {
  it("filters by a technique with the form, shows both models' verdicts and headlines, opens a cell and switches the run page to relative depth", async () => {
    const stored = await connection.db
      .select({ id: runs.id, model: models.name, verdict: runs.verdict, metric: runs.headlineMetric, value: runs.headlineValue, layer: runs.headlineLayer })
      .from(runs)
      .innerJoin(models, eq(models.id, runs.modelId))
      .where(inArray(runs.id, runIds));
    expect(stored.map((r) => r.model).sort()).toEqual([DEMO_MODEL.name, ZOO_MODEL].sort());
    // The worker stored a verdict and a headline for each (what the cells must show).
    for (const r of stored) {
      expect(r.verdict).not.toBeNull();
      expect(r.metric).toBe("diffmean.accuracy");
      expect(r.value).not.toBeNull();
    }

    const response = await page.goto(url("/compare"));
    expect(response?.status()).toBe(200);
    await page.getByTestId("compare-summary").waitFor();
    const form = page.getByTestId("compare-filters");
    await form.getByLabel("Technique").selectOption(TECHNIQUE);
    await form.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL((u) => u.pathname === "/compare" && u.searchParams.get("technique") === TECHNIQUE);
    await expect(page.getByTestId("compare-summary").textContent()).resolves.toContain(`technique ${techniqueName}`);
    // Every row shown exercises the technique (or one below it): ours is among them.
    const row = page.locator(`[data-testid="compare-row"][data-experiment="${experimentId}"]`);
    await row.waitFor();
    await expect(row.getByRole("rowheader").textContent()).resolves.toContain(title);

    for (const r of stored) {
      const cell = row.locator(`[data-testid="compare-cell"][data-model="${r.model}"]`);
      await expect(cell.getAttribute("data-verdict")).resolves.toBe(r.verdict);
      const label = { reproduced: "Reproduced", partly: "Partly", not_reproduced: "Not reproduced", unchecked: "Not checked" }[r.verdict!];
      await expect(cell.getByTestId("verdict-badge").textContent()).resolves.toContain(label);
      await expect(cell.getByTestId("cell-metric").textContent()).resolves.toBe(`acc ${Number.isInteger(r.value) ? r.value : r.value!.toFixed(2)} @ L${r.layer}`);
      await expect(cell.getByRole("link").getAttribute("href")).resolves.toBe(`/runs/${r.id}`);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, "compare.png"), fullPage: true });
    // The column header links to the model's page.
    await expect(page.getByTestId("compare-model").filter({ hasText: ZOO_MODEL }).getByRole("link").getAttribute("href")).resolves.toBe(`/models/${ZOO_MODEL}`);

    // The permalink restores the filter: the technique is still chosen after a reload.
    await page.reload();
    await expect(page.getByTestId("compare-filters").getByLabel("Technique").inputValue()).resolves.toBe(TECHNIQUE);

    // The CSV export keeps the filter: our two cells are there, with the stored numbers.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
    const [header, ...lines] = parseCsv(await readFile((await download.path())!, "utf8"), { maxRows: 100_000, maxFieldChars: 10_000 });
    // Other e2e files may leave more models ready: their cells read "not run" and are not ours.
    const ourModels = new Set(stored.map((r) => r.model));
    const ours = lines.filter((l) => l[header!.indexOf("experiment_id")] === String(experimentId) && ourModels.has(l[header!.indexOf("model")]!));
    expect(ours.map((l) => [l[header!.indexOf("model")], l[header!.indexOf("run_id")], l[header!.indexOf("verdict")]]).sort()).toEqual(
      stored.map((r) => [r.model, String(r.id), r.verdict]).sort(),
    );

    // Open the zoo model's cell: the run page, whose charts switch to relative depth.
    const zooRun = stored.find((r) => r.model === ZOO_MODEL)!;
    await row.locator(`[data-testid="compare-cell"][data-model="${ZOO_MODEL}"]`).getByRole("link").click();
    await page.waitForURL(url(`/runs/${zooRun.id}`));
    await expect(page.getByTestId("run-title").textContent()).resolves.toContain(title);
    const axis = page.getByTestId("x-axis-state");
    const before = (await axis.textContent()) ?? "";
    expect(before).toContain("absolute layer");
    await page.getByTestId("depth-toggle").click();
    await expect(page.getByTestId("depth-toggle").getAttribute("aria-pressed")).resolves.toBe("true");
    const after = (await axis.textContent()) ?? "";
    expect(after).not.toBe(before);
    expect(after).toContain("relative depth");
  });

  it("a technique no experiment uses, an unknown technique and a page past the end say so instead of failing", async () => {
    await page.goto(url("/compare?technique=no-such-technique-here"));
    await expect(page.getByTestId("compare-notes").textContent()).resolves.toContain("There is no technique “no-such-technique-here”");
    await expect(page.getByTestId("compare-empty").textContent()).resolves.toContain("No published experiment matches these filters");
    await page.goto(url(`/compare?technique=${TECHNIQUE}&page=999`));
    await expect(page.getByTestId("compare-notes").textContent()).resolves.toContain("There is no page 999");
    await page.getByTestId("compare-notes").getByRole("link", { name: /last page/ }).click();
    await page.locator(`[data-testid="compare-row"]`).first().waitFor();
  });
});
