/**
 * Ragged batches: padding (right, as the hosted model does, and left, at the graph level) must
 * not change any activation or logit at the real positions compared with one-by-one runs.
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadGgufWeights } from "../../../workers/runtime/formats/gguf-model";
import { createHostedModel } from "../../../workers/runtime/hosted-model";
import type { ModelWeights } from "../../../workers/runtime/types";
import { STORIES_GGUF } from "../fixtures";
import { allHooks, maxAbsDiff, runGraph, tempDir, testSessionCache } from "./helpers";
import { randomWeights, tinyConfig } from "./random-weights";

const cache = tempDir("padding");
const sessions = testSessionCache();
afterAll(async () => {
  await sessions.clear();
  cache.cleanup();
});

const prompts = [
  [1, 20, 33, 4, 50, 6, 7, 18, 9, 10, 41],
  [1, 5],
  [1, 40, 2, 9, 13, 60],
  [7],
];

const models: Array<[string, () => Promise<ModelWeights>]> = [
  ["stories260K", () => loadGgufWeights(STORIES_GGUF)],
  ["qwen3 (random)", async () => randomWeights(tinyConfig("qwen3"), 11)],
  ["gpt2 (random)", async () => randomWeights(tinyConfig("gpt2"), 12)],
];

describe("padding", () => {
  it.each(models)("%s: right-padded batch equals one-by-one runs (1e-5), also when split into chunks", async (_name, load) => {
    const weights = await load();
    const taps = allHooks(weights.config.nLayers);
    const model = createHostedModel(weights, null, { cacheDir: cache.dir, sessionCache: sessions });
    const batched = await model.forward({ inputIds: prompts, taps, logits: true });
    const chunked = await createHostedModel(weights, null, { cacheDir: cache.dir, sessionCache: sessions, maxBatchTokens: 12 }).forward({
      inputIds: prompts,
      taps,
      logits: true,
    });
    // output-size limit smaller than one sequence: every sequence runs alone
    const tiny = await createHostedModel(weights, null, { cacheDir: cache.dir, sessionCache: sessions, maxOutputBytes: 1 }).forward({
      inputIds: prompts,
      taps: [],
      logits: true,
    });
    for (const [b, ids] of prompts.entries()) {
      const single = await model.forward({ inputIds: [ids], taps, logits: true });
      for (const hook of taps) {
        const one = single.taps.get(hook)![0]!;
        expect(batched.taps.get(hook)![b]!.length).toBe(one.length);
        expect(maxAbsDiff(batched.taps.get(hook)![b]!, one), `${hook} seq ${b}`).toBeLessThan(1e-5);
        expect(maxAbsDiff(chunked.taps.get(hook)![b]!, one), `${hook} seq ${b} (chunked)`).toBeLessThan(1e-5);
      }
      expect(maxAbsDiff(batched.logits![b]!, single.logits![0]!)).toBeLessThan(1e-5);
      expect(maxAbsDiff(tiny.logits![b]!, single.logits![0]!)).toBeLessThan(1e-5);
    }
  });

  it.each(models)("%s: left padding gives the same activations at the real positions", async (_name, load) => {
    const weights = await load();
    const spec = { taps: ["blocks.0.hook_resid_post", `blocks.${weights.config.nLayers - 1}.mlp.hook_post`], logits: true, steeringBlocks: [], ablationBlocks: [] };
    const S = Math.max(...prompts.map((p) => p.length));
    const leftIds = prompts.map((p) => [...Array<number>(S - p.length).fill(0), ...p]);
    const leftMask = prompts.map((p) => [...Array<number>(S - p.length).fill(0), ...Array<number>(p.length).fill(1)]);
    const left = await runGraph(weights, spec, leftIds, leftMask);
    for (const [b, ids] of prompts.entries()) {
      const single = await runGraph(weights, spec, [ids], [ids.map(() => 1)]);
      for (const [name, data] of Object.entries(single)) {
        const width = data.length / ids.length;
        const padded = left[name]!.subarray((b * S + S - ids.length) * width, (b + 1) * S * width);
        expect(Number.isFinite(maxAbsDiff(left[name]!, left[name]!))).toBe(true); // no NaN even at padding
        expect(maxAbsDiff(padded, data), `${name} seq ${b}`).toBeLessThan(1e-5);
      }
    }
  });
});
