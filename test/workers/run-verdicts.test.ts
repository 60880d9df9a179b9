/**
 * Verdicts stored with runs, on real PostgreSQL: a run computed by the worker (real stories260K)
 * is saved with its claims' verdict and headline in the same write as its metrics; runs finished
 * before verdicts existed are filled in by the backfill, once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { experimentVersions, models, runs } from "../../db/schema";
import { backfillRunSummaries } from "../../server/services/runs/verdict-columns";
import { runExperiment } from "../../workers/jobs/run-experiment";
import { hasStoriesFixtures } from "../runtime/fixtures";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";
import { type Fixture, createFixture, createRun, createVersion, runRow, workerSpec } from "./run-experiment-fixtures";

let t: TestDatabase;
let f: Fixture;
const cacheDir = mkdtempSync(path.join(tmpdir(), "mechmap-verdicts-"));

beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.db);
});
afterAll(async () => {
  await t?.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

const claimOf = (c: Record<string, unknown>) => ({ model: "any", note: "", ...c });

async function versionWithClaims(claims: unknown[], spec = workerSpec(f.datasetId, { methods: [{ method: "diffmean" }] })): Promise<number> {
  const versionId = await createVersion(t.db, f, spec);
  await t.db.update(experimentVersions).set({ claims }).where(eq(experimentVersions.id, versionId));
  return versionId;
}

function compute(runId: number) {
  return runExperiment(t.db, { id: `job-${runId}`, runId, retryCount: 0, retryLimit: 0 }, { workerId: "test:verdicts", maxActivationBytes: 2 ** 26, runTimeLimitMs: 120_000, cacheDir });
}

describe.skipIf(!hasStoriesFixtures())("the worker stores a run's verdict with its metrics", () => {
  it("checks each claim of the run's version; the headline is the best block of the first metric", async () => {
    // Outcomes that follow from what accuracy is, whatever the model measures: accuracy ≥ 0 holds
    // everywhere, ≥ 1.5 nowhere, a peak anywhere in 0–1 is within 0.5 of 0.5, and consistency is not run.
    const claims = [
      claimOf({ metric: "diffmean.accuracy", where: { kind: "relativeDepth", from: 0, to: 1 }, comparison: "gte", value: 0 }),
      claimOf({ metric: "diffmean.accuracy", where: { kind: "layer", layer: 2 }, comparison: "gte", value: 1.5 }),
      claimOf({ metric: "consistency.meanCosine", where: { kind: "layer", layer: 1 }, comparison: "gte", value: 0 }),
      claimOf({ metric: "diffmean.accuracy", model: "stories260K", where: { kind: "peak" }, comparison: "peaksAt", value: 0.5, tolerance: 0.5 }),
    ];
    const runId = await createRun(t.db, f, await versionWithClaims(claims));
    expect(await compute(runId)).toBe("done");
    const row = await runRow(t.db, runId);
    expect(row.status).toBe("done");
    expect(row.verdict).toBe("partly");

    // The numbers behind the checks are the stored metrics' own.
    const perLayer = (row.metrics as { methods: Array<{ perLayer: Array<{ layer: number; accuracy: number }> }> }).methods[0]!.perLayer;
    expect(perLayer.map((r) => r.layer)).toEqual([0, 1, 2, 3, 4]);
    const accuracy = perLayer.map((r) => r.accuracy);
    const details = row.verdictDetails as Array<{ claimIndex: number; verdict: string; hook: string | null; claimedOn: string | null; measured: Array<{ layer: number; depth: number; value: number; holds: boolean }>; summary: string }>;
    expect(details.map((d) => [d.claimIndex, d.verdict])).toEqual([
      [0, "reproduced"],
      [1, "not_reproduced"],
      [2, "missing"],
      [3, "reproduced"],
    ]);
    expect(details[0]!.measured).toEqual(accuracy.map((value, layer) => ({ layer, depth: layer / 4, value, holds: true })));
    expect(details[0]!.hook).toBe("blocks.{L}.hook_resid_post");
    expect(details[1]!.measured).toEqual([{ layer: 2, depth: 0.5, value: accuracy[2], holds: false }]);
    expect(details[1]!.summary).toBe(`claimed ≥ 1.5 at block 2; measured ${accuracy[2]!.toFixed(3)} at block 2 of 5 (depth 0.5)`);
    expect(details[2]!.hook).toBeNull();
    const best = Math.max(...accuracy);
    const bestLayer = accuracy.indexOf(best);
    expect(details[3]).toMatchObject({ claimedOn: "stories260K", measured: [{ layer: bestLayer, value: best }] });

    expect(row.headlineMetric).toBe("diffmean.accuracy");
    expect(row.headlineValue).toBeCloseTo(best, 6);
    expect(row.headlineLayer).toBe(bestLayer);
  });

  it("a version without claims gives an unchecked run that still has its headline", async () => {
    const runId = await createRun(t.db, f, await versionWithClaims([]));
    expect(await compute(runId)).toBe("done");
    const row = await runRow(t.db, runId);
    expect(row).toMatchObject({ verdict: "unchecked", verdictDetails: [], headlineMetric: "diffmean.accuracy" });
    expect(row.headlineLayer).not.toBeNull();
  });
});

describe("backfill", () => {
  /** A done run as a worker from before verdicts left it: metrics, no summary. */
  async function oldRun(versionId: number, metrics: Record<string, unknown> | null, status: "done" | "queued" = "done") {
    const [row] = await t.db
      .insert(runs)
      .values({ versionId, modelId: f.modelId, modelSha256: "old", engineVersion: "old", runKey: `old-${Math.random()}`, status, metrics, finishedAt: status === "done" ? new Date() : null })
      .returning({ id: runs.id });
    return row!.id;
  }
  const diffmean = (accuracy: number[], nLayers?: number) => ({
    ...(nLayers === undefined ? {} : { model: { name: "m", nLayers, dModel: 8 } }),
    methods: [{ method: "diffmean", perLayer: accuracy.map((a, layer) => ({ hook: `blocks.${layer}.hook_resid_post`, layer, accuracy: a })) }],
  });

  it("fills done runs without a verdict, in batches, once; leaves others alone", async () => {
    const versionId = await versionWithClaims([claimOf({ metric: "diffmean.accuracy", where: { kind: "relativeDepth", from: 0.5, to: 1 }, comparison: "gte", value: 0.75 })]);
    // 5 blocks, range 0.5–1 = blocks 2, 3, 4.
    const all = await oldRun(versionId, diffmean([0.1, 0.2, 0.8, 0.9, 0.95], 5));
    const some = await oldRun(versionId, diffmean([0.1, 0.2, 0.7, 0.9, 0.95], 5));
    const none = await oldRun(versionId, diffmean([0.9, 0.9, 0.5, 0.6, 0.7], 5));
    // No depth in the metrics: the model row's (the fixture model has 5 layers) is used.
    const fallback = await oldRun(versionId, diffmean([0.1, 0.2, 0.8, 0.9, 0.95]));
    const noMetric = await oldRun(versionId, { methods: [] });
    const queued = await oldRun(versionId, null, "queued");
    // Already summarised: not rewritten.
    const kept = await oldRun(versionId, diffmean([0.9, 0.9, 0.9, 0.9, 0.9], 5));
    await t.db.update(runs).set({ verdict: "not_reproduced", verdictDetails: ["kept"] }).where(eq(runs.id, kept));

    expect(await backfillRunSummaries(t.db, { batchSize: 2 })).toBe(5);
    const rows = await t.db.select().from(runs).where(inArray(runs.id, [all, some, none, fallback, noMetric, queued, kept]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(all)).toMatchObject({ verdict: "reproduced", headlineMetric: "diffmean.accuracy", headlineLayer: 4 });
    expect(byId.get(all)!.headlineValue).toBeCloseTo(0.95, 6);
    expect(byId.get(some)).toMatchObject({ verdict: "partly" });
    expect((byId.get(some)!.verdictDetails as Array<{ measured: Array<{ layer: number; holds: boolean }> }>)[0]!.measured.map((m) => [m.layer, m.holds])).toEqual([
      [2, false],
      [3, true],
      [4, true],
    ]);
    expect(byId.get(none)).toMatchObject({ verdict: "not_reproduced", headlineLayer: 0 });
    expect(byId.get(fallback)).toMatchObject({ verdict: "reproduced" });
    expect(byId.get(noMetric)).toMatchObject({ verdict: "unchecked", headlineMetric: null, headlineValue: null, headlineLayer: null });
    expect(byId.get(queued)).toMatchObject({ verdict: null, verdictDetails: null });
    expect(byId.get(kept)).toMatchObject({ verdict: "not_reproduced", verdictDetails: ["kept"] });

    // Nothing left to do the second time.
    expect(await backfillRunSummaries(t.db, { batchSize: 2 })).toBe(0);
    expect(await backfillRunSummaries(t.db, { shouldStop: () => true })).toBe(0);
  });

  it("a model with a different depth maps the same claim onto its own blocks", async () => {
    const versionId = await versionWithClaims([claimOf({ metric: "diffmean.accuracy", where: { kind: "relativeDepth", from: 0.6, to: 0.8 }, comparison: "gte", value: 0.5 })]);
    // 6 blocks at depths 0, 0.2, 0.4, 0.6, 0.8, 1: blocks 3 and 4.
    const six = await oldRun(versionId, diffmean([0.9, 0.9, 0.9, 0.4, 0.6, 0.1], 6));
    expect(await backfillRunSummaries(t.db)).toBe(1);
    const [row] = await t.db.select().from(runs).where(eq(runs.id, six));
    expect(row!.verdict).toBe("partly");
    expect((row!.verdictDetails as Array<{ measured: Array<{ layer: number }> }>)[0]!.measured.map((m) => m.layer)).toEqual([3, 4]);
    // The model row exists with 5 layers; the metrics' own depth won.
    expect((await t.db.select({ layers: models.layers }).from(models).where(eq(models.id, f.modelId)))[0]!.layers).toBe(5);
  });
});
