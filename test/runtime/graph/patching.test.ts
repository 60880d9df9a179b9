/**
 * Activation patches (ForwardRequest.patches) and head ablation against the float64 sequence
 * reference patched by hand; one batch patching each sequence differently equals separate runs.
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadGgufWeights } from "../../../workers/runtime/formats/gguf-model";
import { graphCacheKey, graphCacheStats } from "../../../workers/runtime/graph-cache";
import { createHostedModel, type OnnxHostedModel } from "../../../workers/runtime/hosted-model";
import { referenceSequenceForward, type SequenceReferenceOptions } from "../../../workers/runtime/reference";
import type { ActivationPatch, ForwardRequest, ForwardResult, ModelWeights } from "../../../workers/runtime/types";
import { STORIES_GGUF } from "../fixtures";
import { allHooks, maxAbsDiff, tempDir, testSessionCache } from "./helpers";
import { randomWeights, rng, tinyConfig } from "./random-weights";

const cache = tempDir("patching");
const sessions = testSessionCache();
afterAll(async () => {
  await sessions.clear();
  cache.cleanup();
});

const host = (weights: ModelWeights): OnnxHostedModel => createHostedModel(weights, null, { cacheDir: cache.dir, sessionCache: sessions, name: "tiny" });
const qwen3 = randomWeights(tinyConfig("qwen3"), 31); // 3 blocks, d 32, 4 heads over 2 kv heads, headDim 8
const gpt2 = randomWeights(tinyConfig("gpt2"), 32);
const prompts = [
  [1, 9, 14, 33, 2, 60, 7],
  [4, 18, 5],
];

function randomValues(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => r.normal());
}

/** Taps (every hook incl. hook_z) and logits of sequence b equal the reference run with `options`. */
function expectMatchesReference(weights: ModelWeights, result: ForwardResult, taps: string[], b: number, options: SequenceReferenceOptions, tolerance = 1e-4): void {
  const ref = referenceSequenceForward(weights, prompts[b]!, options);
  for (const hook of taps) expect(maxAbsDiff(result.taps.get(hook)![b]!, ref.taps.get(hook)!), `${hook} sequence ${b}`).toBeLessThan(tolerance);
  expect(maxAbsDiff(result.logits![b]!, ref.logits), `logits sequence ${b}`).toBeLessThan(tolerance);
}

const tapsOf = (weights: ModelWeights): string[] => [
  ...allHooks(weights.config.nLayers),
  ...Array.from({ length: weights.config.nLayers }, (_, L) => `blocks.${L}.attn.hook_z`),
];

describe.each([
  ["qwen3", qwen3],
  ["gpt2", gpt2],
])("activation patches (%s)", (_arch, weights) => {
  const model = host(weights);
  const c = weights.config;
  const taps = tapsOf(weights);

  it.each([
    ["blocks.1.hook_resid_post", c.dModel],
    ["blocks.1.hook_resid_pre", c.dModel],
    ["blocks.0.hook_attn_out", c.dModel],
    ["blocks.2.hook_mlp_out", c.dModel],
    ["blocks.1.mlp.hook_post", c.dFfn],
  ])("%s at two positions of one sequence equals the reference patched by hand", async (hook, width) => {
    const positions = [3, 1];
    const values = randomValues(positions.length * width, hook.length);
    const result = await model.forward({ inputIds: prompts, taps, logits: true, patches: [{ hook, perSequence: [{ positions, values }, null] }] });
    expectMatchesReference(weights, result, taps, 0, {
      edit: (name, rows) => {
        if (name !== hook) return;
        positions.forEach((t, i) => rows[t]!.set(values.subarray(i * width, (i + 1) * width)));
      },
    });
    expectMatchesReference(weights, result, taps, 1, {}); // the unpatched sequence of the batch
    // the tap of the patched hook reports the replacement exactly
    expect(maxAbsDiff(result.taps.get(hook)![0]!.subarray(3 * width, 4 * width), values.subarray(0, width))).toBe(0);
  });

  it("attn.hook_z of one head at chosen positions equals the reference patched by hand", async () => {
    const D = c.headDim;
    const hook = "blocks.1.attn.hook_z";
    const positions = [2, 4];
    const head = 2;
    const values = randomValues(positions.length * D, 5);
    const result = await model.forward({ inputIds: prompts, taps, logits: true, patches: [{ hook, perSequence: [{ positions, heads: [head], values }, null] }] });
    expectMatchesReference(weights, result, taps, 0, {
      edit: (name, rows) => {
        if (name !== hook) return;
        positions.forEach((t, i) => {
          for (let k = 0; k < D; k++) rows[t]![head * D + k] = values[i * D + k]!;
        });
      },
    });
    // other heads at the patched positions keep their clean values
    const clean = await model.forward({ inputIds: prompts, taps: [hook], logits: false });
    const z = result.taps.get(hook)![0]!;
    const z0 = clean.taps.get(hook)![0]!;
    expect(maxAbsDiff(z.subarray(2 * c.nHeads * D, 2 * c.nHeads * D + D), z0.subarray(2 * c.nHeads * D, 2 * c.nHeads * D + D))).toBe(0);
  });

  it("a no-op patch (the clean activation) equals the unpatched run", async () => {
    const hooks = ["blocks.1.hook_resid_post", "blocks.0.attn.hook_z"];
    const clean = await model.forward({ inputIds: prompts, taps: [...taps], logits: true });
    const patches: ActivationPatch[] = hooks.map((hook) => ({
      hook,
      perSequence: prompts.map((ids, b) => ({ positions: ids.map((_, t) => t), values: clean.taps.get(hook)![b]!.slice() })),
    }));
    const patched = await model.forward({ inputIds: prompts, taps, logits: true, patches });
    prompts.forEach((_, b) => {
      for (const hook of taps) expect(maxAbsDiff(patched.taps.get(hook)![b]!, clean.taps.get(hook)![b]!), hook).toBeLessThan(1e-6);
      expect(maxAbsDiff(patched.logits![b]!, clean.logits![b]!)).toBeLessThan(1e-6);
    });
  });

  it("one batch patching each sequence differently equals separate runs", async () => {
    // activation patching: corrupted prompt, clean activations patched in at each (layer, position) and one head each
    const clean = [1, 9, 14, 33, 2, 60, 7];
    const corrupted = [1, 9, 40, 33, 2, 60, 7];
    const cleanRun = await model.forward({ inputIds: [clean], taps: taps, logits: false });
    const cells: Array<{ hook: string; position: number; head?: number }> = [];
    for (let L = 0; L < c.nLayers; L++) {
      for (const position of [0, 2, 6]) cells.push({ hook: `blocks.${L}.hook_resid_post`, position });
      cells.push({ hook: `blocks.${L}.attn.hook_z`, position: 5, head: L % c.nHeads });
    }
    const patchFor = (cell: (typeof cells)[number]) => {
      const row = cleanRun.taps.get(cell.hook)![0]!;
      if (cell.head === undefined) {
        const w = c.dModel;
        return { positions: [cell.position], values: row.slice(cell.position * w, (cell.position + 1) * w) };
      }
      const D = c.headDim;
      const at = cell.position * c.nHeads * D + cell.head * D;
      return { positions: [cell.position], heads: [cell.head], values: row.slice(at, at + D) };
    };
    const hooks = [...new Set(cells.map((x) => x.hook))];
    const batch = await model.forward({
      inputIds: cells.map(() => corrupted),
      taps: [],
      logits: true,
      patches: hooks.map((hook) => ({ hook, perSequence: cells.map((cell) => (cell.hook === hook ? patchFor(cell) : null)) })),
    });
    const base = await model.forward({ inputIds: [corrupted], taps: [], logits: true });
    let changed = 0;
    for (const [i, cell] of cells.entries()) {
      const single = await model.forward({ inputIds: [corrupted], taps: [], logits: true, patches: [{ hook: cell.hook, perSequence: [patchFor(cell)] }] });
      expect(maxAbsDiff(batch.logits![i]!, single.logits![0]!), `${cell.hook} @ ${cell.position}`).toBeLessThan(1e-5);
      if (maxAbsDiff(single.logits![0]!, base.logits![0]!) > 1e-3) changed++;
    }
    expect(changed).toBeGreaterThan(cells.length / 2); // the patches really did something
  });

  it.each(["zero", "mean"] as const)("head ablation (%s) equals the reference with those heads replaced at every position", async (mode) => {
    const D = c.headDim;
    const heads = [0, 3];
    const means = mode === "mean" ? randomValues(heads.length * D, 9) : undefined;
    const result = await model.forward({ inputIds: prompts, taps, logits: true, headAblation: [{ layer: 1, heads, mode, means }] });
    for (const b of [0, 1]) {
      expectMatchesReference(weights, result, taps, b, {
        edit: (name, rows) => {
          if (name !== "blocks.1.attn.hook_z") return;
          for (const row of rows) heads.forEach((h, j) => {
            for (let k = 0; k < D; k++) row[h * D + k] = means ? means[j * D + k]! : 0;
          });
        },
      });
    }
  });

  it("patches combine with steering and directional ablation (the patch acts last at hook_resid_post)", async () => {
    const d = c.dModel;
    const v = randomValues(d, 11).map((x) => x * 0.5);
    const u = randomValues(d, 12);
    const un = Float64Array.from(u, (x) => x / Math.hypot(...u));
    const values = randomValues(d, 13);
    const result = await model.forward({
      inputIds: prompts,
      taps,
      logits: true,
      steering: [{ afterBlock: 0, vector: v }],
      ablation: { blocks: [0, 1], directions: [u] },
      patches: [{ hook: "blocks.0.hook_resid_post", perSequence: [null, { positions: [1], values }] }],
      headAblation: [{ layer: 2, heads: [1], mode: "zero" }],
    });
    for (const b of [0, 1]) {
      expectMatchesReference(weights, result, taps, b, {
        steering: new Map([[0, Float64Array.from(v)]]),
        ablation: { blocks: [0, 1], directions: [un] },
        edit: (name, rows) => {
          if (name === "blocks.0.hook_resid_post" && b === 1) rows[1]!.set(values);
          if (name === "blocks.2.attn.hook_z") for (const row of rows) row.fill(0, c.headDim, 2 * c.headDim);
        },
      });
    }
  });
});

describe("patches: graph and validation", () => {
  const model = host(qwen3);
  const spec = (taps: string[], patchHooks: string[]) => ({ taps, logits: false, steeringBlocks: [], ablationBlocks: [], patchHooks });

  it("a patch that cannot reach any output does not change the graph; one that can does", () => {
    const plain = graphCacheKey(qwen3, spec(["blocks.1.hook_attn_out"], []));
    expect(graphCacheKey(qwen3, spec(["blocks.1.hook_attn_out"], ["blocks.1.hook_mlp_out", "blocks.2.hook_resid_pre"]))).toBe(plain);
    expect(graphCacheKey(qwen3, spec(["blocks.1.hook_attn_out"], ["blocks.1.attn.hook_z"]))).not.toBe(plain);
    expect(graphCacheKey(qwen3, spec(["blocks.1.hook_attn_out"], ["blocks.0.hook_resid_post"]))).not.toBe(plain);
  });

  it("steering before an attention-only tap reaches it (interventions are kept up to the last hook point needed)", async () => {
    const taps = ["blocks.2.attn.hook_pattern"];
    const plain = graphCacheKey(qwen3, { ...spec(taps, []), steeringBlocks: [] });
    expect(graphCacheKey(qwen3, { ...spec(taps, []), steeringBlocks: [2] })).toBe(plain);
    expect(graphCacheKey(qwen3, { ...spec(taps, []), steeringBlocks: [1] })).not.toBe(plain);
    const v = randomValues(qwen3.config.dModel, 41);
    const result = await model.forward({ inputIds: [prompts[0]!], taps, logits: false, steering: [{ afterBlock: 1, vector: v }] });
    const ref = referenceSequenceForward(qwen3, prompts[0]!, { steering: new Map([[1, Float64Array.from(v)]]) });
    expect(maxAbsDiff(result.taps.get(taps[0]!)![0]!, ref.taps.get(taps[0]!)!)).toBeLessThan(1e-5);
    const unsteered = referenceSequenceForward(qwen3, prompts[0]!);
    expect(maxAbsDiff(result.taps.get(taps[0]!)![0]!, unsteered.taps.get(taps[0]!)!)).toBeGreaterThan(1e-3);
  });

  it("stories260K: a residual and a head patch equal the reference patched by hand", async () => {
    const weights = await loadGgufWeights(STORIES_GGUF);
    const D = weights.config.headDim;
    const ids = [1, 403, 407, 261, 378, 297, 30];
    const resid = randomValues(weights.config.dModel, 21);
    const z = randomValues(D, 22);
    const result = await host(weights).forward({
      inputIds: [ids],
      taps: ["blocks.4.hook_resid_post"],
      logits: true,
      patches: [
        { hook: "blocks.1.hook_resid_post", perSequence: [{ positions: [4], values: resid }] },
        { hook: "blocks.2.attn.hook_z", perSequence: [{ positions: [5], heads: [3], values: z }] },
      ],
    });
    const ref = referenceSequenceForward(weights, ids, {
      edit: (name, rows) => {
        if (name === "blocks.1.hook_resid_post") rows[4]!.set(resid);
        if (name === "blocks.2.attn.hook_z") rows[5]!.set(z, 3 * D);
      },
    });
    expect(maxAbsDiff(result.taps.get("blocks.4.hook_resid_post")![0]!, ref.taps.get("blocks.4.hook_resid_post")!)).toBeLessThan(1e-4);
    expect(maxAbsDiff(result.logits![0]!, ref.logits)).toBeLessThan(1e-4);
  });

  const base: ForwardRequest = { inputIds: [[1, 2, 3], [4, 5]], taps: [], logits: true };
  const ok = (n: number) => new Float32Array(n).fill(0.5);
  it.each<[string, Partial<ForwardRequest>, RegExp]>([
    ["unpatchable hook", { patches: [{ hook: "blocks.0.attn.hook_pattern", perSequence: [null, null] }] }, /cannot be patched; patchable hooks: blocks\.\{L\}\.hook_resid_pre/],
    ["unknown hook", { patches: [{ hook: "blocks.0.hook_nope", perSequence: [null, null] }] }, /unknown hook "blocks\.0\.hook_nope"/],
    ["hook block out of range", { patches: [{ hook: "blocks.3.hook_resid_post", perSequence: [null, null] }] }, /block 3 out of range/],
    ["perSequence of the wrong length", { patches: [{ hook: "blocks.0.hook_resid_post", perSequence: [null] }] }, /has 1 entries but the batch has 2 sequences/],
    ["position outside the sequence", { patches: [{ hook: "blocks.0.hook_resid_post", perSequence: [null, { positions: [2], values: ok(32) }] }] }, /position 2 is outside sequence 1 \(length 2, positions 0\.\.1\)/],
    ["negative position", { patches: [{ hook: "blocks.0.hook_resid_post", perSequence: [{ positions: [-1], values: ok(32) }, null] }] }, /must be ≥ 0/],
    ["fractional position", { patches: [{ hook: "blocks.0.hook_resid_post", perSequence: [{ positions: [0.5], values: ok(32) }, null] }] }, /must be an integer/],
    ["duplicate position", { patches: [{ hook: "blocks.0.hook_resid_post", perSequence: [{ positions: [1, 1], values: ok(64) }, null] }] }, /position 1 is listed twice/],
    ["no positions", { patches: [{ hook: "blocks.0.hook_resid_post", perSequence: [{ positions: [], values: ok(0) }, null] }] }, /at least one position/],
    ["values of the wrong length", { patches: [{ hook: "blocks.0.hook_resid_post", perSequence: [{ positions: [0, 1], values: ok(32) }, null] }] }, /has length 32, expected 64 \(2 positions × width 32\)/],
    ["mlp.hook_post width", { patches: [{ hook: "blocks.0.mlp.hook_post", perSequence: [{ positions: [0], values: ok(32) }, null] }] }, /expected 48 \(1 positions × width 48\)/],
    ["hook_z values for all heads", { patches: [{ hook: "blocks.0.attn.hook_z", perSequence: [{ positions: [0], values: ok(8) }, null] }] }, /expected 32 \(1 positions × 4 heads × headDim 8\)/],
    ["head out of range", { patches: [{ hook: "blocks.0.attn.hook_z", perSequence: [{ positions: [0], heads: [4], values: ok(8) }, null] }] }, /head index must be < 4/],
    ["duplicate head", { patches: [{ hook: "blocks.0.attn.hook_z", perSequence: [{ positions: [0], heads: [1, 1], values: ok(16) }, null] }] }, /head 1 is listed twice/],
    ["heads on a residual patch", { patches: [{ hook: "blocks.0.hook_resid_post", perSequence: [{ positions: [0], heads: [1], values: ok(32) }, null] }] }, /heads can only be given for attn\.hook_z/],
    ["NaN values", { patches: [{ hook: "blocks.0.hook_resid_post", perSequence: [{ positions: [0], values: new Float32Array(32).fill(NaN) }, null] }] }, /NaN or infinite/],
    ["values not a Float32Array", { patches: [{ hook: "blocks.0.hook_resid_post", perSequence: [{ positions: [0], values: [1, 2] as unknown as Float32Array }, null] }] }, /expected a Float32Array/],
    ["head ablation layer out of range", { headAblation: [{ layer: 3, heads: [0], mode: "zero" }] }, /layer must be < 3/],
    ["head ablation without heads", { headAblation: [{ layer: 0, heads: [], mode: "zero" }] }, /at least one head/],
    ["mean ablation without means", { headAblation: [{ layer: 0, heads: [0, 1], mode: "mean" }] }, /mode "mean" needs means \(heads × headDim = 16 values\)/],
    ["mean ablation with means of the wrong length", { headAblation: [{ layer: 0, heads: [0, 1], mode: "mean", means: ok(8) }] }, /has length 8, expected heads × headDim = 2 × 8 = 16/],
    ["zero ablation with means", { headAblation: [{ layer: 0, heads: [0], mode: "zero", means: ok(8) }] }, /means are only used with mode "mean"/],
    ["unknown ablation mode", { headAblation: [{ layer: 0, heads: [0], mode: "half" as "zero" }] }, /mode/],
  ])("rejects: %s", async (_label, extra, message) => {
    const compiles = graphCacheStats.compiles;
    await expect(model.forward({ ...base, ...extra })).rejects.toThrow(message);
    expect(graphCacheStats.compiles).toBe(compiles);
  });

  it("a request whose patches are all null runs the plain graph", async () => {
    const plain = await model.forward(base);
    const compiles = graphCacheStats.compiles;
    const nulls = await model.forward({ ...base, patches: [{ hook: "blocks.0.hook_resid_post", perSequence: [null, null] }] });
    expect(graphCacheStats.compiles).toBe(compiles);
    expect(maxAbsDiff(nulls.logits![0]!, plain.logits![0]!)).toBe(0);
  });
});
