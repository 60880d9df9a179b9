/**
 * The run page's views of the causal methods: each stored result (issue 11 contract, section 5) is
 * parsed and shape-checked, a malformed one becomes a problem for the page to show; and one layer of
 * a run's stored attention patterns is served through runs.attentionPattern.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { experiments, experimentVersions, models, runArtifacts, runs } from "../../db/schema";
import { float32Bytes } from "../../server/artifacts/tensor-files";
import { ATTENTION_PATTERN_ARTIFACT, patternSlice } from "../../server/services/runs/attention-patterns";
import { bestHeads, type CausalView, causalView, causalViews } from "../../server/services/runs/causal-results";
import { useDatabaseWithRoles } from "../setup/callers";

const tokens = ["<s>", " Lily", " gave", " Tom", " it"];

/** Hand-written results in the contract's shapes (2 layers, 2 heads, 5 tokens). */
const FIXTURE_RESULTS = {
  logitLens: {
    prompts: [
      {
        text: "Lily gave Tom it",
        tokens,
        layers: [0, 1],
        top: [0, 1].map((l) => tokens.map((_, p) => [{ token: p === 4 ? " Lily" : " the", id: 10 + p, prob: 0.2 + 0.3 * l }, { token: " a", id: 3, prob: 0.1 }])),
        target: { token: " Lily", id: 14, rank: [4, 1], prob: [0.05, 0.5] },
      },
    ],
  },
  attentionPatterns: {
    layers: [0, 1],
    nHeads: 2,
    scores: [
      [{ previousToken: 0.9, firstToken: 0.05, induction: 0.1 }, { previousToken: 0.1, firstToken: 0.8, induction: 0.2 }],
      [{ previousToken: 0.2, firstToken: 0.3, induction: 0.85 }, { previousToken: null, firstToken: 0.4, induction: 0.3 }],
    ],
    prompts: [{ text: "Lily gave Tom it", tokens }],
  },
  activationPatching: {
    pairs: 2,
    tokens,
    layers: [0, 1],
    cleanLogitDiff: 2.5,
    corruptedLogitDiff: -1.5,
    resid: [
      [0, 1, 0, 0, 0],
      [0, 0.2, 0, 0, 0.9],
    ],
    heads: [
      [0.05, -0.1],
      [0.7, null],
    ],
  },
  steeredGeneration: {
    layers: [2],
    strengths: [4, 8],
    directionNorm: [3.5],
    prompts: [
      {
        text: "The girl was sad because",
        default: " she lost her toy.",
        cells: [
          { layer: 2, strength: 4, steered: " she was happy.", baseline: " she lost her toy.", targetShift: 1.2, baselineShift: 0.1 },
          { layer: 2, strength: 8, steered: " happy happy happy", baseline: " she was lost.", targetShift: 3, baselineShift: -0.2 },
        ],
      },
    ],
    summary: [
      { layer: 2, strength: 4, meanTargetShift: 1.2, meanBaselineShift: 0.1 },
      { layer: 2, strength: 8, meanTargetShift: 3, meanBaselineShift: -0.2 },
    ],
  },
} as const;

const clone = <T>(v: T): T => structuredClone(v) as T;
const problemOf = (v: CausalView) => (v.ok ? null : v.problem);

describe("valid results", () => {
  it.each(Object.entries(FIXTURE_RESULTS))("%s parses with its data unchanged", (method, result) => {
    const view = causalView(method as keyof typeof FIXTURE_RESULTS, 3, clone(result));
    expect(problemOf(view)).toBeNull();
    expect(view).toMatchObject({ ok: true, method, methodIndex: 3, result });
  });

  it("picks the causal methods out of a run's metrics in spec order, keeping their method index", () => {
    const metrics = {
      methods: [
        { method: "diffmean", perLayer: [] },
        { method: "logitLens", perLayer: [], result: clone(FIXTURE_RESULTS.logitLens) },
        "junk",
        { method: "activationPatching", perLayer: [], result: clone(FIXTURE_RESULTS.activationPatching) },
      ],
    };
    expect(causalViews(metrics).map((v) => [v.methodIndex, v.method, v.ok])).toEqual([
      [1, "logitLens", true],
      [3, "activationPatching", true],
    ]);
    expect(causalViews(null)).toEqual([]);
    expect(causalViews({ methods: "no" })).toEqual([]);
  });

  it("finds the best head of each score, skipping undefined scores", () => {
    const view = causalView("attentionPatterns", 0, clone(FIXTURE_RESULTS.attentionPatterns));
    if (!view.ok || view.method !== "attentionPatterns") throw new Error("fixture did not parse");
    expect(bestHeads(view.result)).toEqual({
      previousToken: { layer: 0, head: 0, score: 0.9 },
      firstToken: { layer: 0, head: 1, score: 0.8 },
      induction: { layer: 1, head: 0, score: 0.85 },
    });
  });
});

describe("malformed results become a problem the page shows", () => {
  it("a missing result", () => {
    expect(problemOf(causalView("logitLens", 0, undefined))).toMatch(/no result/);
    expect(causalViews({ methods: [{ method: "steeredGeneration", perLayer: [] }] })[0]).toMatchObject({ ok: false, method: "steeredGeneration" });
  });

  it("wrong types name the field", () => {
    const lens = clone(FIXTURE_RESULTS.logitLens) as unknown as { prompts: Array<{ tokens: unknown }> };
    lens.prompts[0]!.tokens = "Lily gave";
    expect(problemOf(causalView("logitLens", 0, lens))).toMatch(/^prompts\.0\.tokens: /);
    expect(problemOf(causalView("attentionPatterns", 0, { ...FIXTURE_RESULTS.attentionPatterns, nHeads: "two" }))).toMatch(/^nHeads: /);
    expect(problemOf(causalView("steeredGeneration", 0, { ...FIXTURE_RESULTS.steeredGeneration, prompts: [{ text: "x" }] }))).toMatch(/^prompts\.0\.default: /);
    expect(problemOf(causalView("activationPatching", 0, "a string"))).toBeTruthy();
  });

  it("tables whose rows do not match the layers or tokens", () => {
    const lens = clone(FIXTURE_RESULTS.logitLens) as unknown as { prompts: Array<{ top: unknown[][] }> };
    lens.prompts[0]!.top[1] = lens.prompts[0]!.top[1]!.slice(0, 3);
    expect(problemOf(causalView("logitLens", 0, lens))).toBe("prompt 1, layer 1: 3 positions for 5 tokens");
    expect(problemOf(causalView("logitLens", 0, { prompts: [{ ...FIXTURE_RESULTS.logitLens.prompts[0], layers: [0] }] }))).toMatch(/2 rows of top tokens for 1 layers/);
    expect(problemOf(causalView("activationPatching", 0, { ...FIXTURE_RESULTS.activationPatching, resid: [[0, 1, 0, 0, 0]] }))).toMatch(/1 rows for 2 layers/);
    expect(problemOf(causalView("activationPatching", 0, { ...FIXTURE_RESULTS.activationPatching, resid: [[0, 1], [0, 1]] }))).toMatch(/2 positions for 5 tokens/);
    expect(problemOf(causalView("activationPatching", 0, { ...FIXTURE_RESULTS.activationPatching, heads: [[0.1], [0.1, 0.2]] }))).toMatch(/different numbers of heads/);
    expect(problemOf(causalView("attentionPatterns", 0, { ...FIXTURE_RESULTS.attentionPatterns, nHeads: 3 }))).toMatch(/scores for 2 heads, the model has 3/);
    expect(problemOf(causalView("steeredGeneration", 0, { ...FIXTURE_RESULTS.steeredGeneration, directionNorm: [] }))).toMatch(/0 direction norms for 1 layers/);
  });

  it("oversized lists are refused rather than drawn", () => {
    const many = Array.from({ length: 600 }, () => "x");
    expect(problemOf(causalView("activationPatching", 0, { ...FIXTURE_RESULTS.activationPatching, tokens: many }))).toMatch(/^tokens: /);
  });
});

describe("attention pattern slices", () => {
  it("keeps a [heads, len, len] tensor row-major and rounds to 4 decimals", () => {
    const data = Float32Array.from([1, 0, 0.123456, 0.876544, 1, 0, 0.5, 0.5]);
    expect(patternSlice(2, [2, 2, 2], data)).toEqual({ layer: 2, nHeads: 2, len: 2, values: [1, 0, 0.1235, 0.8765, 1, 0, 0.5, 0.5] });
  });
  it("refuses other shapes", () => {
    expect(patternSlice(0, [2, 2], Float32Array.from([1, 0, 0, 1]))).toBeNull();
    expect(patternSlice(0, [1, 2, 3], new Float32Array(6))).toBeNull();
    expect(patternSlice(0, [1, 2, 2], new Float32Array(5))).toBeNull();
  });
});

describe("runs.attentionPattern on a stored run", () => {
  const ctx = useDatabaseWithRoles();
  const ids = { done: 0, queued: 0 };
  // Two prompts (lengths 2 and 3), one head, layers 0 and 1: each pattern's values tell prompt and layer apart.
  const pattern = (len: number, mark: number) => Float32Array.from({ length: len * len }, (_, i) => (i % (len + 1) === 0 ? mark : 0));

  beforeAll(async () => {
    const db = ctx.t.db;
    const owner = ctx.as.users.member;
    const [experiment] = await db.insert(experiments).values({ ownerId: owner.id, state: "draft" }).returning({ id: experiments.id });
    const [version] = await db.insert(experimentVersions).values({ experimentId: experiment!.id, version: 1, authorId: owner.id, title: "Attention", spec: { version: 2 } }).returning({ id: experimentVersions.id });
    const [model] = await db.insert(models).values({ name: "tiny-attention", source: "/tmp/x.gguf", sha256: "a".repeat(64), status: "ready", layers: 2, dModel: 4 }).returning({ id: models.id });
    const base = { versionId: version!.id, modelId: model!.id, modelSha256: "a".repeat(64), engineVersion: "t", runKey: "attention-key" };
    const metrics = { model: { nLayers: 2 }, methods: [{ method: "diffmean", perLayer: [] }, { method: "attentionPatterns", perLayer: [], result: FIXTURE_RESULTS.attentionPatterns }] };
    const [done] = await db.insert(runs).values({ ...base, status: "done", metrics }).returning({ id: runs.id });
    ids.done = done!.id;
    const row = (layer: number, len: number, mark: number) => ({ runId: ids.done, name: ATTENTION_PATTERN_ARTIFACT, methodIndex: 1, hook: `blocks.${layer}.attn.hook_pattern`, layer, shape: [1, len, len], data: float32Bytes(pattern(len, mark)) });
    // Stored per prompt, per layer, as the worker stores them.
    await db.insert(runArtifacts).values([row(0, 2, 0.25), row(1, 2, 0.5), row(0, 3, 0.75), row(1, 3, 1)]);
    const [queued] = await db.insert(runs).values({ ...base, attempt: 1 }).returning({ id: runs.id });
    ids.queued = queued!.id;
  });

  it("serves the pattern of the asked prompt and layer", async () => {
    const second = await ctx.as.member.runs.attentionPattern({ id: ids.done, methodIndex: 1, prompt: 1, layer: 0 });
    expect(second).toEqual({ layer: 0, nHeads: 1, len: 3, values: [0.75, 0, 0, 0, 0.75, 0, 0, 0, 0.75] });
    const first = await ctx.as.member.runs.attentionPattern({ id: ids.done, methodIndex: 1, prompt: 0, layer: 1 });
    expect(first).toEqual({ layer: 1, nHeads: 1, len: 2, values: [0.5, 0, 0, 0.5] });
  });

  it("the run page's chart data carries the parsed view", async () => {
    const charts = await ctx.as.member.runs.charts({ id: ids.done });
    expect(charts.causal).toMatchObject([{ methodIndex: 1, method: "attentionPatterns", ok: true }]);
  });

  it("a missing prompt or layer is NOT_FOUND, an unfinished run CONFLICT, a hidden run NOT_FOUND", async () => {
    await expect(ctx.as.member.runs.attentionPattern({ id: ids.done, methodIndex: 1, prompt: 2, layer: 0 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(ctx.as.member.runs.attentionPattern({ id: ids.done, methodIndex: 0, prompt: 0, layer: 0 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(ctx.as.member.runs.attentionPattern({ id: ids.queued, methodIndex: 1, prompt: 0, layer: 0 })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(ctx.as.anonymous.runs.attentionPattern({ id: ids.done, methodIndex: 1, prompt: 0, layer: 0 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(ctx.as.member.runs.attentionPattern({ id: ids.done, methodIndex: 1, prompt: -1, layer: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
