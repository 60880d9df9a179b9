/**
 * Curves across models of different depths (5, 6 and 4 blocks): the relative-depth alignment of the
 * chart and its table, where claims are drawn in either x unit, and the chance / zero baselines.
 */
import { describe, expect, it } from "vitest";
import { CLAIM_METRIC_NAMES, type Claim, claimSchema } from "../../server/experiments/claims";
import { claimMarks } from "../../server/services/cross-model/claim-marks";
import { curvePoints, curveTable, type ModelCurve, measuredMetrics, shapeCurves } from "../../server/services/cross-model/curves";
import { METRIC_BASELINES, metricBaseline } from "../../server/services/cross-model/metric-baselines";
import type { DoneRun } from "../../server/services/cross-model/runs";

/** Metrics JSON as the engine writes it: diffmean accuracy per layer (value = 0.5 + layer/100 + model offset). */
function metricsFor(nLayers: number, offset: number, extra: Record<string, number> = {}) {
  return {
    model: { name: "m", nLayers, dModel: 8 },
    methods: [
      { method: "diffmean", perLayer: Array.from({ length: nLayers }, (_, layer) => ({ hook: `blocks.${layer}.hook_resid_post`, layer, accuracy: 0.5 + layer / 100 + offset, auroc: 0.6, cohensD: 1, ...extra })) },
      // A method that is not claimable is ignored; an attention hook gives a second hook kind.
      { method: "neuronMap", perLayer: [{ hook: "blocks.1.mlp.hook_post", layer: 1, neurons: 3 }] },
    ],
  };
}

const run = (model: string, nLayers: number, offset: number): DoneRun => ({
  runId: nLayers * 10,
  attempt: 0,
  engineVersion: "t",
  model,
  modelId: nLayers,
  recipe: null,
  nLayers,
  metrics: metricsFor(nLayers, offset),
  finishedAt: null,
});

const claim = (c: unknown): Claim => claimSchema.parse(c);

describe("relative-depth alignment (models of 5, 6 and 4 blocks)", () => {
  const runs = [run("five", 5, 0), run("six", 6, 0.1), run("four", 4, 0.2)];
  const curves: ModelCurve[] = runs.map((r) => ({ model: r.model, runId: r.runId, attempt: 0, nLayers: r.nLayers, points: curvePoints(r.metrics, "diffmean.accuracy", "hook_resid_post", r.nLayers) }));

  it("places layer l of an L-block model at l / (L − 1)", () => {
    expect(curves.map((c) => c.points.map((p) => p.depth))).toEqual([
      [0, 0.25, 0.5, 0.75, 1],
      [0, 0.2, 0.4, 0.6, 0.8, 1],
      [0, 1 / 3, 2 / 3, 1],
    ]);
    expect(curves[1]!.points.map((p) => p.value)).toEqual([0.6, 0.61, 0.62, 0.63, 0.64, 0.65]);
  });

  it("by depth, the table has one row per distinct depth; models share a row only where their layers sit at the same depth", () => {
    const table = curveTable(curves, "depth");
    const expectedDepths = [0, 0.2, 0.25, 1 / 3, 0.4, 0.5, 0.6, 2 / 3, 0.75, 0.8, 1];
    expect(table.map((r) => r.x)).toHaveLength(expectedDepths.length);
    table.forEach((r, i) => expect(r.x).toBeCloseTo(expectedDepths[i]!, 12));
    // First and last blocks line up across all three models.
    expect(table[0]!.cells.map((c) => c?.layer)).toEqual([0, 0, 0]);
    expect(table.at(-1)!.cells.map((c) => c?.layer)).toEqual([4, 5, 3]);
    expect(table.at(-1)!.cells.map((c) => c?.value)).toEqual([0.54, 0.65, 0.73]);
    // Depth 0.5 is block 2 of 5 only (6 and 4 blocks have no block there).
    const half = table.find((r) => Math.abs(r.x - 0.5) < 1e-12)!;
    expect(half.cells.map((c) => c?.layer ?? null)).toEqual([2, null, null]);
    // 1/3 is block 1 of 4 only.
    const third = table.find((r) => Math.abs(r.x - 1 / 3) < 1e-12)!;
    expect(third.cells.map((c) => c?.layer ?? null)).toEqual([null, null, 1]);
    // Every point appears exactly once.
    expect(table.flatMap((r) => r.cells.filter((c) => c !== null)).length).toBe(5 + 6 + 4);
  });

  it("depths equal up to rounding share a row (2/4 and 3/6 of models with 5 and 7 blocks)", () => {
    const pair: ModelCurve[] = [
      { model: "a", runId: 1, attempt: 0, nLayers: 5, points: [{ layer: 2, depth: 2 / 4, value: 1 }] },
      { model: "b", runId: 2, attempt: 0, nLayers: 7, points: [{ layer: 3, depth: 3 / 6, value: 2 }] },
      { model: "c", runId: 3, attempt: 0, nLayers: 11, points: [{ layer: 5, depth: (0.1 * 3) / 0.6, value: 3 }] },
    ];
    expect(curveTable(pair, "depth").map((r) => r.cells.map((c) => c?.value))).toEqual([[1, 2, 3]]);
  });

  it("by layer, rows are absolute layers 0 … 5 and shorter models leave their missing layers empty", () => {
    const table = curveTable(curves, "layer");
    expect(table.map((r) => r.x)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(table[4]!.cells.map((c) => c?.value ?? null)).toEqual([0.54, 0.64, null]);
    expect(table[5]!.cells.map((c) => c?.value ?? null)).toEqual([null, 0.65, null]);
  });
});

describe("claim marks", () => {
  const models = [
    { name: "five", nLayers: 5 },
    { name: "six", nLayers: 6 },
    { name: "four", nLayers: 4 },
  ];

  it("a relative-depth range is one rule by depth, and one rule per model depth count by layer", () => {
    const c = claim({ metric: "diffmean.accuracy", where: { kind: "relativeDepth", from: 0.5, to: 1 }, comparison: "gte", value: 0.7 });
    expect(claimMarks([c], "diffmean.accuracy", models, "depth")).toEqual([{ kind: "rule", claimIndex: 0, y: 0.7, low: null, high: null, from: 0.5, to: 1, models: [], label: "claimed ≥ 0.7" }]);
    const byLayer = claimMarks([c], "diffmean.accuracy", models, "layer");
    expect(byLayer.map((m) => [m.from, m.to, m.models])).toEqual([
      [2.5, 5, ["six"]],
      [2, 4, ["five"]],
      [1.5, 3, ["four"]],
    ]);
  });

  it("a layer claim is a short rule at that layer, and by depth one per model that has the layer", () => {
    const c = claim({ metric: "diffmean.accuracy", where: { kind: "layer", layer: 4 }, comparison: "approx", value: 0.6, tolerance: 0.05, model: "six" });
    const [byLayer] = claimMarks([c], "diffmean.accuracy", models, "layer");
    expect(byLayer).toMatchObject({ kind: "rule", y: 0.6, from: 3.7, to: 4.3, models: [], label: "claimed ≈ 0.6 ± 0.05 (on six)" });
    expect((byLayer as { low: number }).low).toBeCloseTo(0.55, 12);
    expect((byLayer as { high: number }).high).toBeCloseTo(0.65, 12);
    const byDepth = claimMarks([c], "diffmean.accuracy", models, "depth");
    // Layer 4 is the last of five blocks (depth 1) and block 4 of six (0.8); four blocks have no layer 4.
    expect(byDepth.map((m) => [Number(((m.from + m.to) / 2).toFixed(4)), m.models])).toEqual([
      [0.8, ["six"]],
      [0.9875, ["five"]],
    ]);
    expect(byDepth[1]!.to).toBe(1);
  });

  it("peaksAt is a band at the claimed depth ± tolerance, in layers per model depth count; peak claims span the axis", () => {
    const peak = claim({ metric: "diffmean.accuracy", where: { kind: "peak" }, comparison: "peaksAt", value: 0.75, tolerance: 0.25 });
    expect(claimMarks([peak], "diffmean.accuracy", models, "depth")).toEqual([{ kind: "band", claimIndex: 0, from: 0.5, to: 1, models: [], label: "claimed peak at depth 0.75 ± 0.25" }]);
    expect(claimMarks([peak], "diffmean.accuracy", models, "layer").map((m) => [m.from, m.to, m.models])).toEqual([
      [2.5, 5, ["six"]],
      [2, 4, ["five"]],
      [1.5, 3, ["four"]],
    ]);
    const atPeak = claim({ metric: "diffmean.accuracy", where: { kind: "peak" }, comparison: "gte", value: 0.9 });
    expect(claimMarks([atPeak], "diffmean.accuracy", models, "layer").map((m) => [m.from, m.to])).toEqual([[0, 5]]);
    expect(claimMarks([atPeak], "diffmean.accuracy", models, "depth").map((m) => [m.from, m.to])).toEqual([[0, 1]]);
  });

  it("draws only the claims about the chosen metric, keeping their index; models of one depth need no names", () => {
    const claims = [
      claim({ metric: "consistency.meanCosine", where: { kind: "peak" }, comparison: "gte", value: 0.2 }),
      claim({ metric: "diffmean.accuracy", where: { kind: "relativeDepth", from: 0, to: 0.5 }, comparison: "lte", value: 0.8 }),
    ];
    const marks = claimMarks(claims, "diffmean.accuracy", [{ name: "a", nLayers: 5 }, { name: "b", nLayers: 5 }], "layer");
    expect(marks).toEqual([{ kind: "rule", claimIndex: 1, y: 0.8, low: null, high: null, from: 0, to: 2, models: [], label: "claimed ≤ 0.8" }]);
  });
});

describe("baselines and metric choice", () => {
  it("lists a baseline (or none) for every claimable metric: chance for accuracies and AUROCs, zero for signed effects", () => {
    expect(Object.keys(METRIC_BASELINES).sort()).toEqual([...CLAIM_METRIC_NAMES].sort());
    for (const m of ["diffmean.accuracy", "diffmean.auroc", "logistic.accuracy", "logistic.auroc", "logistic.controlAccuracy", "crossDomain.meanTransferAccuracy", "crossDomain.meanInDomainAccuracy"]) {
      expect(metricBaseline(m)).toMatchObject({ kind: "chance", value: 0.5 });
      expect(metricBaseline(m)!.label).toContain("chance");
    }
    for (const m of ["logistic.selectivity", "diffmean.cohensD", "consistency.meanCosine", "crossDomain.meanCosine", "steering.slope", "ablation.drop"]) expect(metricBaseline(m)).toMatchObject({ kind: "zero", value: 0 });
    for (const m of ["dimensionality.inlpCount", "anchors.firstAnchorsMean", "diffmean.relativeNorm", "not.a.metric"]) expect(metricBaseline(m)).toBeNull();
  });

  it("defaults to the first claimed metric a run measured; a metric nobody measured leaves every model 'not measured'", () => {
    const runs = [run("five", 5, 0), run("four", 4, 0)];
    expect(measuredMetrics(runs[0]!.metrics)).toEqual(["diffmean.accuracy", "diffmean.auroc", "diffmean.cohensD"]);
    const claims = [claim({ metric: "logistic.accuracy", where: { kind: "peak" }, comparison: "gte", value: 0.9 }), claim({ metric: "diffmean.auroc", where: { kind: "peak" }, comparison: "gte", value: 0.9 })];
    const shaped = shapeCurves(runs, claims, {});
    expect(shaped.metric?.name).toBe("diffmean.auroc");
    expect(shaped.hooks).toEqual(["hook_resid_post", "mlp.hook_post"]);
    expect(shaped.hook).toBe("hook_resid_post");
    expect(shaped.curves.map((c) => c.model)).toEqual(["five", "four"]);
    expect(shaped.baseline?.kind).toBe("chance");
    expect(shaped.claims.map((c) => c.claimIndex)).toEqual([1]);
    const missing = shapeCurves(runs, claims, { metric: "logistic.accuracy" });
    expect(missing.curves).toEqual([]);
    expect(missing.notMeasured).toEqual(["five", "four"]);
    expect(missing.metrics.map((m) => m.name)).toEqual(["diffmean.accuracy", "diffmean.auroc", "diffmean.cohensD"]);
    // No claims at all: the first measured metric.
    expect(shapeCurves(runs, [], {}).metric?.name).toBe("diffmean.accuracy");
    // An unknown hook falls back to the first reported one.
    expect(shapeCurves(runs, [], { hook: "hook_attn_out" }).hook).toBe("hook_resid_post");
    // Nothing done: no metric, nothing to draw.
    expect(shapeCurves([], claims, {})).toMatchObject({ metric: null, metrics: [], curves: [], notMeasured: [], hooks: [], hook: null });
  });
});
