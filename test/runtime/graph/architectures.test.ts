/**
 * Compiled graphs for every architecture (random weights built directly as ModelWeights) against
 * the independent float64 reference forward pass: every tap and the logits within 1e-4.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createHostedModel } from "../../../workers/runtime/hosted-model";
import type { Architecture, ModelConfig } from "../../../workers/runtime/types";
import { referenceSequenceForward } from "../../../workers/runtime/reference";
import { allHooks, maxAbsDiff, tempDir, testSessionCache } from "./helpers";
import { randomWeights, tinyConfig } from "./random-weights";

const cache = tempDir("arch");
const sessions = testSessionCache();
afterAll(async () => {
  await sessions.clear();
  cache.cleanup();
});

const prompts = [
  [1, 17, 42, 5, 63, 8, 30, 2, 11],
  [3, 9, 27],
];

const variants: Array<[string, Architecture, Partial<ModelConfig>]> = [
  ["llama (adjacent-pairs RoPE, GQA)", "llama", {}],
  ["llama (rotate-half RoPE, MHA, tied)", "llama", { ropeLayout: "rotate-half", nKvHeads: 4, tiedEmbeddings: true }],
  ["qwen2 (qkv biases, GQA)", "qwen2", {}],
  ["qwen3 (q/k RMSNorm, tied)", "qwen3", {}],
  ["qwen3 (4 query heads per kv head)", "qwen3", { nKvHeads: 1, tiedEmbeddings: false }],
  ["gpt2 (LayerNorm, GELU, learned positions)", "gpt2", {}],
];

describe("compiled graph vs float64 reference", () => {
  it.each(variants)("%s", async (_label, arch, overrides) => {
    const weights = randomWeights(tinyConfig(arch, overrides), 7);
    const model = createHostedModel(weights, null, { cacheDir: cache.dir, sessionCache: sessions });
    const extra = arch === "gpt2" ? ["hook_pos_embed"] : [];
    const taps = allHooks(weights.config.nLayers, extra);
    const result = await model.forward({ inputIds: prompts, taps, logits: true });
    prompts.forEach((ids, b) => {
      const ref = referenceSequenceForward(weights, ids);
      for (const hook of taps) {
        const got = result.taps.get(hook)?.[b];
        const want = ref.taps.get(hook);
        if (!got || !want) throw new Error(`missing ${hook}`);
        expect(maxAbsDiff(got, want), `${hook} (sequence ${b})`).toBeLessThan(1e-4);
      }
      const logits = result.logits?.[b];
      if (!logits) throw new Error("no logits");
      expect(maxAbsDiff(logits, ref.logits)).toBeLessThan(1e-4);
    });
  });

  it("detects a wrong RoPE layout (the comparison is sensitive)", async () => {
    const weights = randomWeights(tinyConfig("llama"), 7);
    const wrong = { ...weights, config: { ...weights.config, ropeLayout: "rotate-half" as const }, sha256: "wrong-layout" };
    const model = createHostedModel(wrong, null, { cacheDir: cache.dir, sessionCache: sessions });
    const ids = prompts[0]!;
    const result = await model.forward({ inputIds: [ids], taps: ["blocks.2.hook_resid_post"], logits: false });
    const ref = referenceSequenceForward(weights, ids);
    expect(maxAbsDiff(result.taps.get("blocks.2.hook_resid_post")![0]!, ref.taps.get("blocks.2.hook_resid_post")!)).toBeGreaterThan(1e-3);
  });
});
