/**
 * Claim verdicts in Chromium: one published experiment with two claims, run on a 5-block and a
 * 6-block model and stored the way the worker stores runs. The run pages show each claim's verdict
 * badge (label and colour, contrast ≥ 4.5:1) with its numbers; the experiment page shows each claim
 * on every model; the technique page gives the reproduction rate; the map colours by it.
 */
import { randomBytes } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseConnection } from "../../db/client";
import { experiments, experimentVersions, experimentVersionTechniques, models, runs, techniques } from "../../db/schema";
import { runSummaryColumns } from "../../server/services/runs/verdict-columns";
import { signUp } from "../../server/services/users";
import { launchChromium } from "./setup/browser";

const baseUrl = inject("e2eBaseUrl");
const url = (p: string) => new URL(p, baseUrl).toString();
const salt = randomBytes(4).toString("hex");

let connection: DatabaseConnection;
let browser: Browser;
let page: Page;
const main = () => page.locator("#main");
let experimentId = 0;
let runA = 0;
let runB = 0;
const modelA = `verdict-five-${salt}`;
const modelB = `verdict-six-${salt}`;
const techniqueSlug = `verdicts-${salt}`;

// Claim 0: accuracy ≥ 0.8 at relative depth 0.6–0.8 (reported on stories260K); claim 1: peaks at depth 0.75 ± 0.1.
const claims = [
  { metric: "diffmean.accuracy", model: "stories260K", where: { kind: "relativeDepth", from: 0.6, to: 0.8 }, comparison: "gte", value: 0.8, note: "" },
  { metric: "diffmean.accuracy", model: "any", where: { kind: "peak" }, comparison: "peaksAt", value: 0.75, tolerance: 0.1, note: "" },
];
// A (5 blocks, depths 0, .25, .5, .75, 1): range = block 3 (0.85 ✓); peak block 3 at 0.75 ✓ → reproduced.
// B (6 blocks, depths 0, .2, .4, .6, .8, 1): range = blocks 3 (0.9 ✓) and 4 (0.7 ✗) → partly; peak block 3 at 0.6 ✗ → partly overall.
const accuracyA = [0.5, 0.6, 0.7, 0.85, 0.8];
const accuracyB = [0.5, 0.6, 0.7, 0.9, 0.7, 0.6];

function metricsOf(accuracy: number[]) {
  return {
    engine: "mechmap-probes",
    model: { name: "m", nLayers: accuracy.length, dModel: 16 },
    methods: [{ method: "diffmean", perLayer: accuracy.map((a, layer) => ({ hook: `blocks.${layer}.hook_resid_post`, layer, accuracy: a, auroc: a })) }],
  };
}

/** WCAG contrast of an element's text colour on its background. */
function contrastOf(fg: string, bg: string): number {
  const lum = (css: string) => {
    const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

beforeAll(async () => {
  connection = connect(inject("e2eDatabaseUrl"), { max: 1 });
  const db = connection.db;
  const owner = await signUp(db, { email: `verdicts-${salt}@example.test`, password: `verdicts-password-${salt}`, name: `Verdicts ${salt}` });
  const [technique] = await db.insert(techniques).values({ slug: techniqueSlug, name: `Verdict technique ${salt}`, summary: "Checked by claims" }).returning({ id: techniques.id });
  const [experiment] = await db.insert(experiments).values({ ownerId: owner.id, state: "published", publishedAt: new Date() }).returning({ id: experiments.id });
  experimentId = experiment!.id;
  const [version] = await db
    .insert(experimentVersions)
    .values({ experimentId, version: 1, authorId: owner.id, title: `Verdicts ${salt}`, spec: { version: 1 }, claims, publishedAt: new Date() })
    .returning({ id: experimentVersions.id });
  await db.insert(experimentVersionTechniques).values({ versionId: version!.id, techniqueId: technique!.id });
  const insertModel = async (name: string, layers: number, n: string) =>
    (await db.insert(models).values({ name, source: `/tmp/${name}.gguf`, sha256: n.repeat(64), status: "ready", layers, dModel: 16 }).returning({ id: models.id }))[0]!.id;
  const insertRun = async (modelId: number, sha: string, accuracy: number[]) => {
    const metrics = metricsOf(accuracy);
    const [row] = await db
      .insert(runs)
      .values({ versionId: version!.id, modelId, modelSha256: sha, engineVersion: "e2e", runKey: `verdicts-${salt}-${sha}`, status: "done", metrics, finishedAt: new Date(), ...runSummaryColumns(claims, metrics, accuracy.length) })
      .returning({ id: runs.id });
    return row!.id;
  };
  runA = await insertRun(await insertModel(modelA, 5, "a"), "a".repeat(64), accuracyA);
  runB = await insertRun(await insertModel(modelB, 6, "b"), "b".repeat(64), accuracyB);

  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(20_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await connection?.close();
});

describe("the run page", () => {
  it("lists each claim with its verdict and the numbers behind it", async () => {
    await page.goto(url(`/runs/${runA}`));
    const section = main().getByTestId("run-claims");
    await expect(section.locator("h2 [data-testid=verdict-badge]").textContent()).resolves.toContain("Reproduced");
    const items = section.getByTestId("run-claim");
    expect(await items.count()).toBe(2);
    await expect(items.nth(0).getByTestId("verdict-badge").textContent()).resolves.toContain("Reproduced");
    await expect(items.nth(0).textContent()).resolves.toContain("claimed on stories260K");
    await expect(items.nth(0).getByTestId("claim-summary").textContent()).resolves.toBe("Claimed ≥ 0.8 at relative depth 0.6–0.8; measured 0.850 at block 3 of 5 (depth 0.75).");
    await expect(items.nth(1).getByTestId("claim-summary").textContent()).resolves.toBe("Claimed to peak at depth 0.75 ± 0.1; peaks at block 3 of 5 (depth 0.75) with 0.850.");
    expect(await items.nth(1).textContent()).not.toContain("claimed on");
  });

  it("the same claims on a deeper model select its own blocks", async () => {
    await page.goto(url(`/runs/${runB}`));
    const items = main().getByTestId("run-claim");
    await expect(items.nth(0).getAttribute("data-verdict")).resolves.toBe("partly");
    await expect(items.nth(0).getByTestId("verdict-badge").textContent()).resolves.toContain("Partly");
    await expect(items.nth(0).getByTestId("claim-summary").textContent()).resolves.toBe(
      "Claimed ≥ 0.8 at relative depth 0.6–0.8; measured 0.900 at block 3 of 6 (depth 0.6), 0.700 at block 4 of 6 (depth 0.8) — holds at 1 of 2 blocks.",
    );
    await expect(items.nth(1).getByTestId("verdict-badge").textContent()).resolves.toContain("Not reproduced");
    await expect(items.nth(1).getByTestId("claim-summary").textContent()).resolves.toContain("peaks at block 3 of 6 (depth 0.6)");
    // Every badge's label is readable on its colour.
    const colours = await main()
      .getByTestId("verdict-badge")
      .evaluateAll((els) => els.map((el) => ({ label: el.textContent ?? "", fg: getComputedStyle(el).color, bg: getComputedStyle(el).backgroundColor })));
    expect(colours.map((c) => c.label)).toEqual(expect.arrayContaining([expect.stringContaining("Partly"), expect.stringContaining("Not reproduced")]));
    for (const c of colours) expect(contrastOf(c.fg, c.bg), c.label).toBeGreaterThanOrEqual(4.5);
    // Each verdict has its own colour.
    expect(new Set(colours.map((c) => c.bg)).size).toBe(2);
  });
});

describe("the experiment page", () => {
  it("shows each claim's verdict on every model, linked to the run, and links across models", async () => {
    await page.goto(url(`/experiments/${experimentId}`));
    const claimItems = main().getByTestId("claim");
    expect(await claimItems.count()).toBe(2);
    const first = claimItems.nth(0).getByTestId("claim-verdict");
    expect(await first.count()).toBe(2);
    await expect(first.nth(0).getAttribute("data-model")).resolves.toBe(modelA);
    await expect(first.nth(0).getByTestId("verdict-badge").textContent()).resolves.toContain("Reproduced");
    await expect(first.nth(0).getByRole("link", { name: modelA }).getAttribute("href")).resolves.toBe(`/runs/${runA}`);
    await expect(first.nth(1).getByTestId("verdict-badge").textContent()).resolves.toContain("Partly");
    await expect(first.nth(1).textContent()).resolves.toContain("holds at 1 of 2 blocks");
    await expect(claimItems.nth(1).getByTestId("claim-verdict").nth(1).getAttribute("data-verdict")).resolves.toBe("not_reproduced");
    await expect(main().getByTestId("across-models-link").getAttribute("href")).resolves.toBe(`/experiments/${experimentId}/across-models`);
  });
});

describe("the technique", () => {
  it("its page gives the reproduction rate and each run's verdict", async () => {
    await page.goto(url(`/techniques/${techniqueSlug}`));
    // One run reproduced, one partly: (1 + ½) / 2 = 75%.
    await expect(main().getByTestId("reproduction-rate").textContent()).resolves.toContain("Reproduction rate: 75%");
    await expect(main().getByTestId("evidence-claims").textContent()).resolves.toBe("2 claims: reproduced on 1 model, partly on 1 model.");
    const verdicts = await main().getByTestId("evidence-verdict").allTextContents();
    expect(verdicts.sort()).toEqual(["✓Reproduced", "◐Partly"].sort());
  });

  it("the map colours techniques by reproduction, with a legend", async () => {
    await page.goto(url("/"));
    await main().locator('[data-testid="map-canvas"][data-ready="true"]').waitFor();
    await main().getByTestId("color-by-reproduction").check();
    const legend = main().getByTestId("map-legend");
    await legend.getByText("80% or more reproduced").waitFor();
    const labels = await legend.locator("li").allTextContents();
    expect(labels.map((l) => l.replace(/\s*\(\d+\)$/, ""))).toEqual(["80% or more reproduced", "50–80% reproduced", "Under 50% reproduced", "Not checked yet"]);
    // Every technique on the map is in exactly one band.
    const counted = labels.reduce((n, l) => n + Number(/\((\d+)\)$/.exec(l)?.[1] ?? 0), 0);
    const techniquesOnMap = await connection.db.$count(techniques);
    expect(counted).toBeGreaterThan(0);
    expect(counted).toBeLessThanOrEqual(techniquesOnMap);
  });
});
