import { beforeAll, describe, expect, it } from "vitest";
import { experiments, experimentVersions, models, runArtifacts, runs } from "../../db/schema";
import { float32Bytes } from "../../server/artifacts/tensor-files";
import { anchorPositions, hookKind, layerCharts, neuronPoints, relativeDepth, squareRows, steeringCurves } from "../../server/services/runs/chart-data";
import { useDatabaseWithRoles } from "../setup/callers";

/** A small metrics object in the shape runProbe returns (3 blocks). */
const metrics = {
  engine: "mechmap-probes",
  model: { name: "tiny", nLayers: 3, dModel: 4 },
  methods: [
    {
      method: "diffmean",
      perLayer: [
        { hook: "blocks.0.hook_resid_post", layer: 0, accuracy: 0.5, auroc: 0.55, cohensD: 0.1 },
        { hook: "blocks.2.hook_resid_post", layer: 2, accuracy: 0.9, auroc: 0.95, cohensD: 2.5 },
      ],
    },
    {
      method: "logistic",
      perLayer: [{ hook: "blocks.1.hook_resid_post", layer: 1, accuracy: 0.8, auroc: 0.85, controlAccuracy: 0.6, selectivity: null }],
    },
    {
      method: "steering",
      perLayer: [
        { hook: "blocks.1.hook_resid_post", layer: 1, slope: 2, maxAbsEffect: 2, effects: [{ alpha: -1, effect: -2, stderr: 0.1 }, { alpha: 1, effect: 2, stderr: 0.2 }] },
        { hook: "blocks.2.hook_resid_post", layer: 2, slope: 1, maxAbsEffect: 1, effects: [{ alpha: 1, effect: 1, stderr: 0 }] },
      ],
    },
    {
      method: "anchors",
      perLayer: [{ hook: "blocks.2.hook_resid_post", layer: 2, positions: [0.25, 1.5], firstAnchorsMean: 0.1, secondAnchorsMean: 0.9 }],
    },
    { method: "neuronMap", perLayer: [{ hook: "blocks.1.mlp.hook_post", layer: 1, neurons: 2 }] },
    "not a method",
  ],
};

const details = [null, null, { metric: "final-projection", baseline: 0, prompts: 2 }, { firstName: "good", secondName: "bad", queries: [{ text: "a hug", label: "good" }, { text: "a monster", label: null }] }];

describe("relative depth", () => {
  it("maps the first block to 0 and the last to 1 (layer / (nLayers − 1))", () => {
    expect(relativeDepth(0, 5)).toBe(0);
    expect(relativeDepth(4, 5)).toBe(1);
    expect(relativeDepth(1, 5)).toBe(0.25);
    expect(relativeDepth(3, 5)).toBe(0.75);
    expect(relativeDepth(0, 1)).toBe(0);
  });
});

describe("hook kinds", () => {
  it("drops the block prefix", () => {
    expect(hookKind("blocks.3.hook_resid_post")).toBe("hook_resid_post");
    expect(hookKind("blocks.2.mlp.hook_post")).toBe("mlp.hook_post");
    expect(hookKind("blocks.{L}.hook_attn_out")).toBe("hook_attn_out");
  });
});

describe("per-layer series", () => {
  const charts = layerCharts(metrics, details);

  it("makes the headline charts of each method, skipping methods without them and malformed entries", () => {
    expect(charts.map((c) => c.id)).toEqual(["m0-diffmean-0", "m0-diffmean-1", "m1-logistic-0", "m2-steering-0"]);
  });

  it("extracts the values with layer and relative depth, and draws chance at 0.5", () => {
    const acc = charts[0]!;
    expect(acc.baselines).toEqual([{ value: 0.5, label: "chance (0.5)" }]);
    expect(acc.points.filter((p) => p.field === "accuracy").map((p) => [p.layer, p.depth, p.value])).toEqual([
      [0, 0, 0.5],
      [2, 1, 0.9],
    ]);
    expect(acc.points.filter((p) => p.field === "auroc").map((p) => p.value)).toEqual([0.55, 0.95]);
  });

  it("keeps the control task as a baseline series and leaves out missing values", () => {
    const logistic = charts[2]!;
    expect(logistic.points.map((p) => [p.field, p.role, p.depth, p.value])).toEqual([
      ["accuracy", "metric", 0.5, 0.8],
      ["auroc", "metric", 0.5, 0.85],
      ["controlAccuracy", "baseline", 0.5, 0.6],
    ]);
    // selectivity is null in the only entry: no chart for it.
    expect(charts.find((c) => c.id === "m1-logistic-1")).toBeUndefined();
  });

  it("labels intervention units from the artifact details", () => {
    expect(charts[3]!.yLabel).toContain("final-layer projection");
    expect(layerCharts(metrics, [])[3]!.yLabel).toContain("nats");
  });

  it("names series by hook when a method read several hooks", () => {
    const two = {
      model: { nLayers: 2 },
      methods: [{ method: "diffmean", perLayer: [{ hook: "blocks.0.hook_resid_post", layer: 0, accuracy: 0.6 }, { hook: "blocks.0.hook_attn_out", layer: 0, accuracy: 0.7 }] }],
    };
    expect(layerCharts(two)[0]!.points.map((p) => p.series)).toEqual(["accuracy (hook_resid_post)", "accuracy (hook_attn_out)"]);
  });

  it("returns nothing for metrics of another shape", () => {
    expect(layerCharts(null)).toEqual([]);
    expect(layerCharts({ methods: [] })).toEqual([]);
  });
});

describe("steering curves", () => {
  it("gives one point per (layer, α) with the unit", () => {
    const [curves] = steeringCurves(metrics, details);
    expect(curves?.methodIndex).toBe(2);
    expect(curves?.unit).toBe("final-layer projection, class gaps");
    expect(curves?.points).toEqual([
      { layer: 1, alpha: -1, effect: -2, stderr: 0.1 },
      { layer: 1, alpha: 1, effect: 2, stderr: 0.2 },
      { layer: 2, alpha: 1, effect: 1, stderr: 0 },
    ]);
  });
});

describe("anchor positions", () => {
  it("names each query's position per layer, with the anchor sets' own positions", () => {
    const [a] = anchorPositions(metrics, details);
    expect(a?.firstName).toBe("good");
    expect(a?.points).toEqual([
      { layer: 2, depth: 1, query: "a hug", label: "good", position: 0.25 },
      { layer: 2, depth: 1, query: "a monster", label: "unlabelled", position: 1.5 },
    ]);
    expect(a?.anchorMeans).toEqual([{ layer: 2, first: 0.1, second: 0.9 }]);
  });
});

describe("artifacts", () => {
  it("reads a row-major square matrix", () => {
    expect(squareRows(Float32Array.from([1, 0.5, 0.5, 1]), 2)).toEqual([
      [1, 0.5],
      [0.5, 1],
    ]);
    expect(() => squareRows(Float32Array.from([1, 2, 3]), 2)).toThrow(/expected 4 values/);
  });

  it("pairs embedding rows with the neurons' details", () => {
    const xy = Float32Array.from([1, 2, -3, 0.5]);
    const shaped = neuronPoints(xy, {
      embedding: "pca",
      neurons: [
        { index: 7, cluster: 1, cohensD: 0.5, top: [{ snippet: "a ⟦b⟧" }, { snippet: "c" }, { snippet: "d" }, { snippet: "e" }] },
        { index: 9, cluster: 0, cohensD: null },
      ],
    });
    expect(shaped).toEqual({
      embedding: "pca",
      points: [
        { index: 7, x: 1, y: 2, cluster: 1, cohensD: 0.5, snippets: ["a ⟦b⟧", "c", "d"] },
        { index: 9, x: -3, y: 0.5, cluster: 0, cohensD: null, snippets: [] },
      ],
    });
    // A length mismatch means the details belong to another tensor: no scatter rather than a wrong one.
    expect(neuronPoints(Float32Array.from([1, 2]), { embedding: "pca", neurons: [] })).toBeNull();
  });
});

describe("runs.charts on stored runs", () => {
  const ctx = useDatabaseWithRoles();
  const ids = { done: 0, queued: 0 };

  beforeAll(async () => {
    const db = ctx.t.db;
    const owner = ctx.as.users.member;
    const [experiment] = await db.insert(experiments).values({ ownerId: owner.id, state: "draft" }).returning({ id: experiments.id });
    const [version] = await db.insert(experimentVersions).values({ experimentId: experiment!.id, version: 1, authorId: owner.id, title: "Charts", spec: { version: 1 } }).returning({ id: experimentVersions.id });
    const [model] = await db.insert(models).values({ name: "tiny-charts", source: "/tmp/x.gguf", sha256: "c".repeat(64), status: "ready", layers: 3, dModel: 4 }).returning({ id: models.id });
    const base = { versionId: version!.id, modelId: model!.id, modelSha256: "c".repeat(64), engineVersion: "t", runKey: "charts-key" };
    const consistencyMetrics = { method: "consistency", perLayer: [0, 2].map((layer) => ({ hook: `blocks.${layer}.hook_resid_post`, layer, meanCosine: layer / 4, fractionPositive: 0.5 })) };
    const neuronMetrics = { method: "neuronMap", perLayer: [{ hook: "blocks.1.mlp.hook_post", layer: 1, neurons: 2 }] };
    const [done] = await db
      .insert(runs)
      .values({
        ...base,
        status: "done",
        metrics: { ...metrics, methods: [...metrics.methods.slice(0, 4), consistencyMetrics, neuronMetrics] },
        facts: {
          artifactDetails: [...details, { matrices: [{ hook: "blocks.{L}.hook_resid_post", layers: [0, 2] }] }, { embedding: "umap", neurons: [{ index: 3, cluster: 0, cohensD: 1.5, top: [{ snippet: "a ⟦hug⟧" }] }, { index: 5, cluster: 1, cohensD: null, top: [] }] }],
        },
      })
      .returning({ id: runs.id });
    ids.done = done!.id;
    await db.insert(runArtifacts).values([
      { runId: ids.done, name: "consistency.cosines", methodIndex: 4, hook: "blocks.{L}.hook_resid_post", layer: null, shape: [2, 2], data: float32Bytes(Float32Array.from([1, 0.25, 0.25, 1])) },
      { runId: ids.done, name: "neuronMap.embedding", methodIndex: 5, hook: "blocks.1.mlp.hook_post", layer: 1, shape: [2, 2], data: float32Bytes(Float32Array.from([0.5, -1, 2, 3])) },
      { runId: ids.done, name: "diffmean.direction", methodIndex: 0, hook: "blocks.0.hook_resid_post", layer: 0, shape: [4], data: float32Bytes(Float32Array.from([1, 0, 0, 0])) },
    ]);
    const [queued] = await db.insert(runs).values({ ...base, attempt: 1 }).returning({ id: runs.id });
    ids.queued = queued!.id;
  });

  it("returns the heatmap and neuron map from the float32 artifacts, and the series from the metrics", async () => {
    const charts = await ctx.as.member.runs.charts({ id: ids.done });
    expect(charts.nLayers).toBe(3);
    expect(charts.heatmaps).toEqual([{ methodIndex: 4, hook: "blocks.{L}.hook_resid_post", layers: [0, 2], cosines: [[1, 0.25], [0.25, 1]] }]);
    expect(charts.neuronMaps).toEqual([
      {
        methodIndex: 5,
        hook: "blocks.1.mlp.hook_post",
        layer: 1,
        embedding: "umap",
        points: [
          { index: 3, x: 0.5, y: -1, cluster: 0, cohensD: 1.5, snippets: ["a ⟦hug⟧"] },
          { index: 5, x: 2, y: 3, cluster: 1, cohensD: null, snippets: [] },
        ],
      },
    ]);
    const consistency = charts.lines.find((c) => c.method === "consistency");
    expect(consistency?.points.filter((p) => p.field === "meanCosine").map((p) => [p.layer, p.depth, p.value])).toEqual([
      [0, 0, 0],
      [2, 1, 0.5],
    ]);
    expect(charts.steering).toHaveLength(1);
    expect(charts.anchors).toHaveLength(1);
  });

  it("is empty for a run without results", async () => {
    const charts = await ctx.as.member.runs.charts({ id: ids.queued });
    expect(charts).toEqual({ nLayers: null, lines: [], steering: [], anchors: [], heatmaps: [], neuronMaps: [], causal: [] });
  });

  it("follows the run's visibility: a draft's run is hidden from anonymous viewers, shown to its author, moderators and admins", async () => {
    await expect(ctx.as.anonymous.runs.charts({ id: ids.done })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(ctx.as.moderator.runs.charts({ id: ids.done })).resolves.toMatchObject({ nLayers: 3 });
    await expect(ctx.as.admin.runs.charts({ id: ids.done })).resolves.toMatchObject({ nLayers: 3 });
    await expect(ctx.as.anonymous.runs.charts({ id: 2 ** 31 - 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(ctx.as.anonymous.runs.charts({ id: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
