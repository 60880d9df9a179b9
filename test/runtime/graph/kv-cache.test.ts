/**
 * KV-cache decoding against the full-sequence graph and the golden files: on stories260K and every
 * zoo model (llama adjacent-pairs RoPE, qwen2 rotate-half with biases, gpt2 learned positions), the
 * cached graph's logits at each step equal the full forward's at that position, and greedy
 * generation reproduces the golden sequence. Then the generate() contract: ragged batches equal
 * one-at-a-time runs, seeded sampling, top-p → 0 is greedy, stop ids, steering/ablation, abort.
 */
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadGgufWeights } from "../../../workers/runtime/formats/gguf-model";
import { logProbOf } from "../../../workers/runtime/generate/sampler";
import { createHostedModel, loadHostedModel, type OnnxHostedModel } from "../../../workers/runtime/hosted-model";
import { pastKeyInputName, pastValueInputName, presentKeyOutputName, presentValueOutputName } from "../../../workers/runtime/onnx";
import { greedyDecode } from "../../../workers/runtime/reference";
import type { ForwardRequest, ModelWeights, Tokenizer } from "../../../workers/runtime/types";
import { STORIES_GGUF, ZOO_MODEL_NAMES, hasZooFixtures, readStoriesGolden, readZooGolden, zooGgufPath } from "../fixtures";
import { maxAbsDiff, tempDir, testSessionCache } from "./helpers";
import { rng } from "./random-weights";

const cache = tempDir("kv-cache");
const sessions = testSessionCache();
afterAll(async () => {
  await sessions.clear();
  cache.cleanup();
});

/**
 * Worst |kv − full| over every step, relative to the largest |logit| of the full path. Measured:
 * ≤ 4e-7 on these models (float32 sums in a different order); 1e-5 leaves ample room.
 */
const RELATIVE_LOGIT_TOLERANCE = 1e-5;

/**
 * Runs the KV-cache graph by hand over `sequence`: the first `promptLen` tokens in one prefill,
 * then the rest one position per step, except one step that feeds two tokens at once (several new
 * positions after a non-empty cache). The cache is grown by concatenation here, with two unused
 * zero slots at its end that the mask hides (generate() feeds a preallocated buffer that way).
 * Returns the last-position logits of each run and the position they belong to.
 */
async function kvLogitsByHand(model: OnnxHostedModel, sequence: number[], promptLen: number): Promise<Array<{ pos: number; logits: Float32Array }>> {
  const graph = await model.prepare({ taps: [], logits: true, steeringBlocks: [], ablationBlocks: [], kvCache: true });
  const session = await ort.InferenceSession.create(graph.path, { intraOpNumThreads: 1 });
  const { nLayers, nKvHeads, headDim } = model.config;
  try {
    const out: Array<{ pos: number; logits: Float32Array }> = [];
    const chunks: Array<[number, number]> = [[0, promptLen]];
    for (let t = promptLen; t < sequence.length; ) {
      const size = t === promptLen + 2 ? 2 : 1;
      chunks.push([t, Math.min(sequence.length, t + size)]);
      t += size;
    }
    const FREE = 2;
    // per layer, keys then values: [1, KvH, filled, D] as kvHeads × filled × D
    const cached: Float32Array[] = Array.from({ length: 2 * nLayers }, () => new Float32Array(0));
    for (const [start, end] of chunks) {
      const past: Record<string, ort.Tensor> = {};
      const slots = start === 0 ? 0 : start + FREE;
      for (let L = 0; L < nLayers; L++) {
        past[pastKeyInputName(L)] = new ort.Tensor("float32", withFreeSlots(cached[2 * L]!, nKvHeads, start, slots, headDim), [1, nKvHeads, slots, headDim]);
        past[pastValueInputName(L)] = new ort.Tensor("float32", withFreeSlots(cached[2 * L + 1]!, nKvHeads, start, slots, headDim), [1, nKvHeads, slots, headDim]);
      }
      const mask = new BigInt64Array(slots + end - start).fill(1n);
      mask.fill(0n, start, slots);
      const result = await session.run({
        ...past,
        input_ids: new ort.Tensor("int64", BigInt64Array.from(sequence.slice(start, end), BigInt), [1, end - start]),
        attention_mask: new ort.Tensor("int64", mask, [1, mask.length]),
      });
      out.push({ pos: end - 1, logits: result.logits!.data as Float32Array });
      for (let L = 0; L < nLayers; L++) {
        expect(result[presentKeyOutputName(L)]!.dims).toEqual([1, nKvHeads, end - start, headDim]);
        cached[2 * L] = appendPositions(cached[2 * L]!, result[presentKeyOutputName(L)]!.data as Float32Array, nKvHeads, start, end - start, headDim);
        cached[2 * L + 1] = appendPositions(cached[2 * L + 1]!, result[presentValueOutputName(L)]!.data as Float32Array, nKvHeads, start, end - start, headDim);
      }
    }
    return out;
  } finally {
    await session.release();
  }
}

/** [H, filled, D] → [H, slots, D]: the filled positions, then zeros. */
function withFreeSlots(cache: Float32Array, H: number, filled: number, slots: number, D: number): Float32Array {
  const out = new Float32Array(H * slots * D);
  for (let h = 0; h < H; h++) out.set(cache.subarray(h * filled * D, (h + 1) * filled * D), h * slots * D);
  return out;
}

/** [H, filled, D] + [H, added, D] → [H, filled + added, D]. */
function appendPositions(cache: Float32Array, added: Float32Array, H: number, filled: number, count: number, D: number): Float32Array {
  const out = new Float32Array(H * (filled + count) * D);
  for (let h = 0; h < H; h++) {
    out.set(cache.subarray(h * filled * D, (h + 1) * filled * D), h * (filled + count) * D);
    out.set(added.subarray(h * count * D, (h + 1) * count * D), h * (filled + count) * D + filled * D);
  }
  return out;
}

/** KV logits vs the full forward at each step, and generate() vs the golden greedy sequence. */
async function checkAgainstFullPathAndGolden(model: OnnxHostedModel, promptIds: number[], sequence: number[]): Promise<number> {
  const V = model.config.vocabSize;
  const full = (await model.forward({ inputIds: [sequence], taps: [], logits: true })).logits![0]!;
  let scale = 0;
  for (const x of full) scale = Math.max(scale, Math.abs(x));
  const steps = await kvLogitsByHand(model, sequence, promptIds.length);
  expect(steps[0]!.pos).toBe(promptIds.length - 1);
  expect(steps.at(-1)!.pos).toBe(sequence.length - 1);
  let worst = 0;
  for (const { pos, logits } of steps) {
    const err = maxAbsDiff(logits, full.subarray(pos * V, (pos + 1) * V)) / scale;
    worst = Math.max(worst, err);
    expect(err, `relative logit error at position ${pos}`).toBeLessThanOrEqual(RELATIVE_LOGIT_TOLERANCE);
  }

  const generated = await model.generate({ prompts: [promptIds], maxNewTokens: sequence.length - promptIds.length, stopIds: [] });
  expect([...promptIds, ...generated.tokens[0]!]).toEqual(sequence);
  expect(generated.stoppedBy).toEqual(["budget"]);
  // log-probs of the chosen tokens under the full path's distribution
  generated.tokens[0]!.forEach((id, k) => {
    const pos = promptIds.length - 1 + k;
    expect(Math.abs(generated.logProbs[0]![k]! - logProbOf(full.subarray(pos * V, (pos + 1) * V), id))).toBeLessThan(1e-4);
  });
  return worst;
}

describe("KV-cache decoding equals the full-sequence path", () => {
  it("stories260K: logits at every step, golden greedy tokens, log-probs", async () => {
    const golden = readStoriesGolden();
    const model = await loadHostedModel(STORIES_GGUF, { cacheDir: cache.dir, sessionCache: sessions });
    const worst = await checkAgainstFullPathAndGolden(model, golden.promptIds, golden.sequence);
    console.log(`stories260K: worst relative logit difference KV vs full ${worst.toExponential(2)}`);
  });

  describe.skipIf(!hasZooFixtures())("zoo", () => {
    it.each(ZOO_MODEL_NAMES)("%s: logits at every step, golden greedy tokens, log-probs", async (name) => {
      const golden = readZooGolden(name);
      const model = await loadHostedModel(zooGgufPath(name), { cacheDir: cache.dir, sessionCache: sessions });
      const worst = await checkAgainstFullPathAndGolden(model, golden.promptIds, golden.sequence);
      console.log(`${name}: worst relative logit difference KV vs full ${worst.toExponential(2)}`);
    });
  });
});

describe("generate()", () => {
  let weights: ModelWeights;
  let model: OnnxHostedModel;
  let d = 0;
  beforeAll(async () => {
    weights = await loadGgufWeights(STORIES_GGUF);
    model = createHostedModel(weights, null, { cacheDir: cache.dir, sessionCache: sessions });
    d = weights.config.dModel;
  });
  const golden = readStoriesGolden();
  const prompts = [golden.promptIds, [1], golden.sequence.slice(0, 17), [1, 403, 261, 285, 9]];

  it("a ragged batch (left-padded inside) equals one-at-a-time generation, stops included", async () => {
    const stopIds = [golden.sequence[golden.promptIds.length + 3]!]; // the 4th greedy token of prompt 0
    const batched = await model.generate({ prompts, maxNewTokens: 20, stopIds });
    for (const [b, prompt] of prompts.entries()) {
      const alone = await model.generate({ prompts: [prompt], maxNewTokens: 20, stopIds });
      expect(batched.tokens[b], `prompt ${b}`).toEqual(alone.tokens[0]);
      expect(batched.stoppedBy[b]).toBe(alone.stoppedBy[0]);
      expect(maxAbsDiff(batched.logProbs[b]!, alone.logProbs[0]!)).toBeLessThan(1e-4);
    }
    expect(batched.tokens[0]).toHaveLength(4);
    expect(batched.stoppedBy[0]).toBe("stop");
    expect(batched.tokens.some((t) => t.length === 20)).toBe(true);
  });

  it("greedy generation equals greedy decoding by re-running the prefix", async () => {
    const prompt = prompts[3]!;
    const viaForward = await greedyDecode(nextLogits({}), prompt, { maxNewTokens: 12 });
    expect((await model.generate({ prompts: [prompt], maxNewTokens: 12, stopIds: [] })).tokens[0]).toEqual(viaForward.slice(prompt.length));
  });

  it("steering and ablation act in the cached graph as in the full graph", async () => {
    const r = rng(5);
    const vector = Float32Array.from({ length: d }, () => r.normal() * 1.5);
    const directions = Array.from({ length: 16 }, () => Float32Array.from({ length: d }, () => r.normal()));
    const steering = [{ afterBlock: 2, vector }];
    const ablation = { blocks: [1, 3], directions };
    const prompt = prompts[0]!;
    const plain = (await model.generate({ prompts: [prompt], maxNewTokens: 16, stopIds: [] })).tokens[0]!;
    for (const [name, intervention] of Object.entries({ steering: { steering }, ablation: { ablation }, both: { steering, ablation } })) {
      const want = (await greedyDecode(nextLogits(intervention), prompt, { maxNewTokens: 16 })).slice(prompt.length);
      const got = (await model.generate({ prompts: [prompt, prompts[1]!], maxNewTokens: 16, stopIds: [], ...intervention })).tokens[0]!;
      expect(got, name).toEqual(want);
      expect(got, `${name} changes the continuation`).not.toEqual(plain);
    }
  });

  it("sampling: same seed → same tokens, another seed → other tokens, top-p → 0 and temperature 0 are greedy", async () => {
    const request = { prompts, maxNewTokens: 24, stopIds: [] };
    const sample = (seed: number, temperature = 1, topP = 0.95) => model.generate({ ...request, sampling: { temperature, topP, seed } });
    const a = await sample(7);
    expect((await sample(7)).tokens).toEqual(a.tokens);
    expect((await sample(8)).tokens).not.toEqual(a.tokens);
    const greedy = await model.generate(request);
    expect(a.tokens).not.toEqual(greedy.tokens);
    expect((await sample(7, 1, 1e-9)).tokens).toEqual(greedy.tokens);
    expect((await sample(7, 0)).tokens).toEqual(greedy.tokens);
    // log-probs are under the temperature-1 distribution, whatever the sampling temperature
    const hot = await sample(3, 1.7, 1);
    const V = weights.config.vocabSize;
    for (const [b, prompt] of prompts.entries()) {
      const all = (await model.forward({ inputIds: [[...prompt, ...hot.tokens[b]!]], taps: [], logits: true })).logits![0]!;
      hot.tokens[b]!.forEach((id, k) => {
        const pos = prompt.length - 1 + k;
        expect(Math.abs(hot.logProbs[b]![k]! - logProbOf(all.subarray(pos * V, (pos + 1) * V), id))).toBeLessThan(1e-4);
      });
    }
  });

  it("stops at the tokenizer's EOS by default (included), reports null for stopped sequences, and respects the budget", async () => {
    const eos = golden.sequence[golden.promptIds.length + 5]!; // prompt 0's 6th greedy token
    const tokenizer: Tokenizer = { vocabSize: weights.config.vocabSize, bosId: 1, eosId: eos, encode: () => ({ ids: [], offsets: [] }), decode: () => "", piece: (id) => `<${id}>` };
    const withEos = createHostedModel(weights, tokenizer, { cacheDir: cache.dir, sessionCache: sessions });
    const seen: Array<Array<number | null>> = [];
    const result = await withEos.generate({ prompts: [golden.promptIds, [1]], maxNewTokens: 9, onStep: (_, tokens) => void seen.push(tokens) });
    expect(result.tokens[0]).toEqual(golden.sequence.slice(golden.promptIds.length, golden.promptIds.length + 6));
    expect(result.stoppedBy[0]).toBe("stop");
    expect(result.tokens[1]).toHaveLength(9);
    expect(result.stoppedBy[1]).toBe("budget");
    expect(seen).toHaveLength(9);
    expect(seen.map((s) => s[0])).toEqual([...result.tokens[0]!, null, null, null]);
    expect(seen.map((s) => s[1])).toEqual(result.tokens[1]);
    expect((await withEos.generate({ prompts: [[1]], maxNewTokens: 0 })).tokens).toEqual([[]]);
  });

  it("an abort signal stops generation between steps with its reason", async () => {
    const controller = new AbortController();
    const steps: number[] = [];
    const run = model.generate({
      prompts,
      maxNewTokens: 30,
      signal: controller.signal,
      onStep: (step) => {
        steps.push(step);
        if (step === 2) controller.abort(new Error("stopped by the test"));
      },
    });
    await expect(run).rejects.toThrow("stopped by the test");
    expect(steps).toEqual([0, 1, 2]);
  });

  it("rejects prompts that do not fit with the budget, per-position steering and bad sampling", async () => {
    const n = weights.config.contextLength;
    await expect(model.generate({ prompts: [[1, 2, 3]], maxNewTokens: n - 2 })).rejects.toThrow(/exceeds the context length/);
    await expect(model.generate({ prompts: [[1, 2]], maxNewTokens: 2, steering: [{ afterBlock: 0, vector: new Float32Array(2 * d) }] })).rejects.toThrow(/\[d\] vectors/);
    await expect(model.generate({ prompts: [[1]], maxNewTokens: 2, sampling: { temperature: 1, topP: 0, seed: 1 } })).rejects.toThrow(/invalid generate request/);
    await expect(model.generate({ prompts: [[]], maxNewTokens: 2 })).rejects.toThrow(/empty prompt/);
  });

  /** Next-token logits by re-running the whole prefix through the full graph with the same interventions. */
  function nextLogits(interventions: Pick<ForwardRequest, "steering" | "ablation">) {
    const V = weights.config.vocabSize;
    return async (ids: number[]): Promise<Float32Array> => {
      const all = (await model.forward({ inputIds: [ids], taps: [], logits: true, ...interventions })).logits![0]!;
      return all.slice((ids.length - 1) * V, ids.length * V);
    };
  }
});
