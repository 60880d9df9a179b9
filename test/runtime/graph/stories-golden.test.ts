/**
 * stories260K (real trained weights, GGUF llama, adjacent-pairs RoPE, GQA) against the golden
 * values from an independent C implementation: residual stream, logits, greedy decoding.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHostedModel, type OnnxHostedModel } from "../../../workers/runtime/hosted-model";
import { ReferenceModel, greedyDecode, hostedNextLogits, referenceNextLogits } from "../../../workers/runtime/reference";
import { STORIES_GGUF, readStoriesGolden } from "../fixtures";
import { maxAbsDiff, tempDir, testSessionCache } from "./helpers";

const cache = tempDir("golden");
const sessions = testSessionCache();
afterAll(async () => {
  await sessions.clear();
  cache.cleanup();
});

describe("stories260K golden", () => {
  let model: OnnxHostedModel;
  beforeAll(async () => {
    model = await loadHostedModel(STORIES_GGUF, { cacheDir: cache.dir, sessionCache: sessions });
  });

  it("loads through loadHostedModel with its tokenizer", () => {
    const golden = readStoriesGolden();
    expect(model.name).toBe("stories260K.gguf");
    expect(model.weights.sha256).toBe(golden.modelSha256);
    expect(model.tokenizer.encode(golden.prompt, { addBos: true }).ids).toEqual(golden.promptIds);
  });

  it("residual stream at every position and block within 1e-4, logits within 1e-3", async () => {
    const golden = readStoriesGolden();
    const n = Math.max(...golden.residual.keys()) + 1;
    const nLayers = model.config.nLayers;
    const taps = ["hook_embed", ...Array.from({ length: nLayers }, (_, L) => `blocks.${L}.hook_resid_post`)];
    const result = await model.forward({ inputIds: [golden.sequence.slice(0, n)], taps, logits: true });
    const d = model.config.dModel;
    expect(golden.residual.size).toBe(n);
    for (const [pos, rows] of golden.residual) {
      expect(rows).toHaveLength(nLayers + 1);
      rows.forEach((want, k) => {
        const got = result.taps.get(taps[k]!)![0]!.subarray(pos * d, (pos + 1) * d);
        expect(maxAbsDiff(got, want), `residual[${pos}][${k}] (${taps[k]})`).toBeLessThan(1e-4);
      });
    }
    const V = model.config.vocabSize;
    expect([...golden.logits.keys()]).toEqual([0, 4, 11]);
    for (const [pos, want] of golden.logits) {
      const got = result.logits![0]!.subarray(pos * V, (pos + 1) * V);
      expect(maxAbsDiff(got, want), `logits[${pos}]`).toBeLessThan(1e-3);
    }
    // blocks.{L}.hook_resid_pre is the previous block's output
    const pre = await model.forward({ inputIds: [golden.sequence.slice(0, n)], taps: ["blocks.3.hook_resid_pre"], logits: false });
    expect(maxAbsDiff(pre.taps.get("blocks.3.hook_resid_pre")![0]!, result.taps.get("blocks.2.hook_resid_post")![0]!)).toBe(0);
  });

  it("greedy decoding through the ONNX graph reproduces the golden sequence", async () => {
    const golden = readStoriesGolden();
    const steps = golden.sequence.length - golden.promptIds.length;
    const seq = await greedyDecode(hostedNextLogits(model), golden.promptIds, { maxNewTokens: steps });
    expect(seq).toEqual(golden.sequence);
  });

  it("the float32 reference path (KV cache) reproduces the golden residuals and sequence", async () => {
    const golden = readStoriesGolden();
    const ref = new ReferenceModel(model.weights, 64);
    for (let pos = 0; pos < golden.residual.size; pos++) {
      const rows = golden.residual.get(pos)!;
      ref.step(golden.sequence[pos]!, (k, residual) => {
        expect(maxAbsDiff(residual, rows[k]!), `reference residual[${pos}][${k}]`).toBeLessThan(1e-4);
      });
    }
    ref.reset();
    const steps = golden.sequence.length - golden.promptIds.length;
    expect(await greedyDecode(referenceNextLogits(ref), golden.promptIds, { maxNewTokens: steps })).toEqual(golden.sequence);
  });
});
