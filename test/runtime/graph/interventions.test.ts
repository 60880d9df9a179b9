/**
 * Steering and directional ablation against the float64 reference with the same intervention.
 */
import { afterAll, describe, expect, it } from "vitest";
import { compileGraph } from "../../../workers/runtime/onnx";
import { createHostedModel } from "../../../workers/runtime/hosted-model";
import { referenceSequenceForward } from "../../../workers/runtime/reference";
import { allHooks, maxAbsDiff, tempDir, testSessionCache } from "./helpers";
import { randomWeights, rng, tinyConfig } from "./random-weights";

const cache = tempDir("interventions");
const sessions = testSessionCache();
afterAll(async () => {
  await sessions.clear();
  cache.cleanup();
});

const weights = randomWeights(tinyConfig("qwen3", { nLayers: 4 }), 21);
const d = weights.config.dModel;
const model = createHostedModel(weights, null, { cacheDir: cache.dir, sessionCache: sessions });
const prompts = [
  [1, 9, 14, 33, 2, 60, 7],
  [4, 18, 5],
];
const taps = allHooks(weights.config.nLayers);

function randomVector(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => r.normal() * scale);
}

const toF64 = (v: Float32Array): Float64Array => Float64Array.from(v);

describe("interventions", () => {
  it("a graph without interventions has only input_ids and attention_mask as inputs", () => {
    const compiled = compileGraph(weights, { taps, logits: true, steeringBlocks: [], ablationBlocks: [] });
    expect(compiled.builder.inputs.map((i) => i.name)).toEqual(["input_ids", "attention_mask"]);
    const steered = compileGraph(weights, { taps, logits: true, steeringBlocks: [2], ablationBlocks: [1, 3] });
    expect(steered.builder.inputs.map((i) => i.name)).toEqual(["input_ids", "attention_mask", "steer.2", "ablate.directions"]);
  });

  it("steering with a zero vector changes nothing", async () => {
    const plain = await model.forward({ inputIds: prompts, taps, logits: true });
    const zero = await model.forward({ inputIds: prompts, taps, logits: true, steering: [{ afterBlock: 1, vector: new Float32Array(d) }] });
    for (const hook of taps) for (let b = 0; b < prompts.length; b++) expect(maxAbsDiff(zero.taps.get(hook)![b]!, plain.taps.get(hook)![b]!)).toBeLessThanOrEqual(1e-7);
    for (let b = 0; b < prompts.length; b++) expect(maxAbsDiff(zero.logits![b]!, plain.logits![b]!)).toBeLessThanOrEqual(1e-7);
  });

  it("the plain (no-intervention) graph equals the float64 reference model", async () => {
    const plain = await model.forward({ inputIds: prompts, taps, logits: true });
    prompts.forEach((ids, b) => {
      const ref = referenceSequenceForward(weights, ids);
      for (const hook of taps) expect(maxAbsDiff(plain.taps.get(hook)![b]!, ref.taps.get(hook)!)).toBeLessThan(1e-4);
      expect(maxAbsDiff(plain.logits![b]!, ref.logits)).toBeLessThan(1e-4);
    });
  });

  it.each([0, 2])("steering with a broadcast vector after block %i matches the reference downstream", async (L) => {
    const v = randomVector(d, 100 + L, 0.5);
    const result = await model.forward({ inputIds: prompts, taps, logits: true, steering: [{ afterBlock: L, vector: v }] });
    const plain = await model.forward({ inputIds: prompts, taps: [`blocks.${L + 1}.hook_resid_pre`], logits: false });
    prompts.forEach((ids, b) => {
      const ref = referenceSequenceForward(weights, ids, { steering: new Map([[L, toF64(v)]]) });
      for (const hook of taps) expect(maxAbsDiff(result.taps.get(hook)![b]!, ref.taps.get(hook)!), hook).toBeLessThan(1e-4);
      expect(maxAbsDiff(result.logits![b]!, ref.logits)).toBeLessThan(1e-4);
      // the steered stream really differs from the plain one by v
      const steered = result.taps.get(`blocks.${L + 1}.hook_resid_pre`)![b]!;
      const base = plain.taps.get(`blocks.${L + 1}.hook_resid_pre`)![b]!;
      const diff = steered.map((x, i) => x - base[i]!);
      expect(maxAbsDiff(diff, Float32Array.from({ length: diff.length }, (_, i) => v[i % d]!))).toBeLessThan(1e-5);
    });
  });

  it("per-position steering (seq × d) and two vectors at one block add up", async () => {
    const S = Math.max(...prompts.map((p) => p.length));
    const perPos = randomVector(S * d, 7, 0.3);
    const broad = randomVector(d, 8, 0.3);
    const result = await model.forward({
      inputIds: prompts,
      taps,
      logits: true,
      steering: [
        { afterBlock: 1, vector: perPos },
        { afterBlock: 1, vector: broad },
        { afterBlock: 3, vector: broad },
      ],
    });
    prompts.forEach((ids, b) => {
      const rows = ids.map((_, t) => Float64Array.from({ length: d }, (_, i) => perPos[t * d + i]! + broad[i]!));
      const ref = referenceSequenceForward(weights, ids, { steering: new Map<number, Float64Array | Float64Array[]>([[1, rows], [3, toF64(broad)]]) });
      for (const hook of taps) expect(maxAbsDiff(result.taps.get(hook)![b]!, ref.taps.get(hook)!), hook).toBeLessThan(1e-4);
      expect(maxAbsDiff(result.logits![b]!, ref.logits)).toBeLessThan(1e-4);
    });
  });

  it("ablation projects the (orthonormalised) directions out after the chosen blocks", async () => {
    const u1 = randomVector(d, 31);
    const u2 = randomVector(d, 32);
    const u3 = u1.map((x, i) => 2 * x - u2[i]!); // dependent: dropped by orthonormalisation
    const blocks = [0, 2];
    const result = await model.forward({ inputIds: prompts, taps, logits: true, ablation: { blocks, directions: [u1, u2, u3] } });
    // orthonormal basis of span(u1, u2), computed independently
    const n1 = Math.hypot(...u1);
    const e1 = Float64Array.from(u1, (x) => x / n1);
    const dot12 = e1.reduce((s, x, i) => s + x * u2[i]!, 0);
    const w2 = Float64Array.from(u2, (x, i) => x - dot12 * e1[i]!);
    const n2 = Math.hypot(...w2);
    const e2 = w2.map((x) => x / n2);
    prompts.forEach((ids, b) => {
      const ref = referenceSequenceForward(weights, ids, { ablation: { blocks, directions: [e1, e2] } });
      for (const hook of taps) expect(maxAbsDiff(result.taps.get(hook)![b]!, ref.taps.get(hook)!), hook).toBeLessThan(1e-4);
      for (const L of blocks) {
        for (const hook of [`blocks.${L}.hook_resid_post`, `blocks.${L + 1}.hook_resid_pre`]) {
          const x = result.taps.get(hook)![b]!;
          for (let t = 0; t < ids.length; t++) {
            const row = x.subarray(t * d, (t + 1) * d);
            const norm = Math.hypot(...row);
            for (const u of [u1, u2]) {
              const cos = row.reduce((s, xi, i) => s + xi * u[i]!, 0) / (norm * Math.hypot(...u));
              expect(Math.abs(cos), `${hook} position ${t}`).toBeLessThan(1e-4);
            }
          }
        }
      }
      // not ablated at block 1: the stream there still has a component along u1
      const x1 = result.taps.get("blocks.1.hook_resid_post")![b]!.subarray(0, d);
      expect(Math.abs(x1.reduce((s, xi, i) => s + xi * e1[i]!, 0)) / Math.hypot(...x1)).toBeGreaterThan(1e-3);
    });
  });

  it("steering and ablation at the same block: the stream leaving it is still orthogonal", async () => {
    const u = randomVector(d, 41);
    const v = u.map((x) => 3 * x); // steering along u, then ablated away
    const result = await model.forward({
      inputIds: prompts,
      taps: ["blocks.2.hook_resid_pre"],
      logits: false,
      steering: [{ afterBlock: 1, vector: v }],
      ablation: { blocks: [1], directions: [u] },
    });
    const x = result.taps.get("blocks.2.hook_resid_pre")![0]!;
    const nu = Math.hypot(...u);
    for (let t = 0; t < prompts[0]!.length; t++) {
      const row = x.subarray(t * d, (t + 1) * d);
      expect(Math.abs(row.reduce((s, xi, i) => s + (xi * u[i]!) / nu, 0)) / Math.hypot(...row)).toBeLessThan(1e-4);
    }
  });
});
