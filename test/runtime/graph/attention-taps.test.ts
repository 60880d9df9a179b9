/**
 * Attention taps (blocks.{L}.attn.hook_q/k/v/attn_scores/pattern/z) against the float64 sequence
 * reference, on ragged (right-padded) batches: tiny random models of every architecture,
 * stories260K and every zoo model.
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadGgufWeights } from "../../../workers/runtime/formats/gguf-model";
import { createHostedModel } from "../../../workers/runtime/hosted-model";
import { attentionHookName, compileGraph, type AttentionTapKind } from "../../../workers/runtime/onnx";
import { referenceSequenceForward } from "../../../workers/runtime/reference";
import type { ModelWeights } from "../../../workers/runtime/types";
import { STORIES_GGUF, ZOO_MODEL_NAMES, hasZooFixtures, readZooGolden, zooGgufPath } from "../fixtures";
import { maxAbsDiff, tempDir, testSessionCache } from "./helpers";
import { randomWeights, tinyConfig } from "./random-weights";

const cache = tempDir("attention-taps");
const sessions = testSessionCache();
afterAll(async () => {
  await sessions.clear();
  cache.cleanup();
});

const KINDS: AttentionTapKind[] = ["q", "k", "v", "attn_scores", "pattern", "z"];
const allAttentionTaps = (nLayers: number): string[] =>
  Array.from({ length: nLayers }, (_, L) => KINDS.map((k) => attentionHookName(L, k))).flat();

/** Compares a tap with the reference; -Infinity (masked scores) must sit at the same places. */
function tapError(got: Float32Array, want: Float64Array): number {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (want[i] === -Infinity || got[i] === -Infinity) expect(got[i], `masked entry ${i}`).toBe(want[i]);
  }
  return maxAbsDiff(
    got.map((v) => (v === -Infinity ? 0 : v)),
    want.map((v) => (v === -Infinity ? 0 : v)),
  );
}

async function checkTaps(weights: ModelWeights, prompts: number[][], tolerance: number): Promise<void> {
  const c = weights.config;
  const model = createHostedModel(weights, null, { cacheDir: cache.dir, sessionCache: sessions });
  const taps = allAttentionTaps(c.nLayers);
  const result = await model.forward({ inputIds: prompts, taps, logits: false });
  let worst = 0;
  prompts.forEach((ids, b) => {
    const ref = referenceSequenceForward(weights, ids);
    const T = ids.length;
    for (const name of taps) {
      const got = result.taps.get(name)![b]!;
      const err = tapError(got, ref.taps.get(name)!);
      worst = Math.max(worst, err);
      expect(err, `${name} sequence ${b}`).toBeLessThan(tolerance);
      if (name.endsWith("hook_pattern")) {
        for (let h = 0; h < c.nHeads; h++) {
          for (let q = 0; q < T; q++) {
            const row = got.subarray((h * T + q) * T, (h * T + q + 1) * T);
            expect(Math.abs(row.reduce((s, v) => s + v, 0) - 1), `${name} head ${h} row ${q} sums to 1`).toBeLessThan(1e-5);
            expect(row.subarray(q + 1).every((v) => v === 0), `${name} head ${h} row ${q}: no attention to later keys`).toBe(true);
          }
        }
      }
    }
  });
  expect(result.taps.get(attentionHookName(0, "q"))![0]).toHaveLength(prompts[0]!.length * c.nHeads * c.headDim);
  expect(result.taps.get(attentionHookName(0, "k"))![1]).toHaveLength(prompts[1]!.length * c.nKvHeads * c.headDim);
  expect(result.taps.get(attentionHookName(0, "pattern"))![1]).toHaveLength(c.nHeads * prompts[1]!.length ** 2);
  console.log(`attention taps: max |error| ${worst.toExponential(2)}`);
}

const tinyPrompts = [
  [1, 20, 33, 4, 50, 6, 7, 18, 9, 10, 41],
  [1, 5, 60, 2, 2],
];

describe("attention taps", () => {
  it.each([
    ["llama (GQA, adjacent pairs)", tinyConfig("llama")],
    ["qwen2 (biases, rotate-half)", tinyConfig("qwen2")],
    ["qwen3 (qk-norm)", tinyConfig("qwen3")],
    ["gpt2 (learned positions)", tinyConfig("gpt2")],
    ["llama (4 query heads per kv head)", tinyConfig("llama", { nHeads: 8, nKvHeads: 2, headDim: 4 })],
  ])("%s: every tap equals the reference on a ragged batch", async (label, config) => {
    // the seed keys the graph cache (random weights' sha256), so each case gets its own
    await checkTaps(randomWeights(config, 7 + label.length), tinyPrompts, 1e-4);
  });

  it("stories260K: every tap equals the reference", async () => {
    await checkTaps(await loadGgufWeights(STORIES_GGUF), [[1, 403, 407, 261, 378, 297, 301, 400, 9, 270, 30], [1, 44, 300]], 1e-4);
  });

  it.skipIf(!hasZooFixtures()).each(ZOO_MODEL_NAMES)("zoo %s: every tap equals the reference", async (name) => {
    const golden = readZooGolden(name);
    await checkTaps(await loadGgufWeights(zooGgufPath(name)), [golden.promptIds, golden.promptIds.slice(0, 4)], 1e-4);
  });

  it("attention taps are built only when asked, and only up to the block they need", () => {
    const weights = randomWeights(tinyConfig("llama"), 3);
    const spec = (taps: string[]) => ({ taps, logits: false, steeringBlocks: [], ablationBlocks: [] });
    const plain = compileGraph(weights, spec(["blocks.0.hook_attn_out"]));
    const tapped = compileGraph(weights, spec(["blocks.0.hook_attn_out", attentionHookName(0, "pattern")]));
    expect(plain.builder.outputs.map((o) => o.name)).toEqual(["blocks.0.hook_attn_out"]);
    expect(tapped.builder.outputs).toContainEqual({ name: "blocks.0.attn.hook_pattern", type: "float", dims: ["batch", 4, "seq", "seq"] });
    expect(tapped.builder.nodes.length).toBeGreaterThan(plain.builder.nodes.length);
    expect(tapped.builder.nodes.length).toBeLessThan(plain.builder.nodes.length + 3);
    expect(tapped.builder.weights.some((w) => w.name.startsWith("blk.1."))).toBe(false);
  });
});
