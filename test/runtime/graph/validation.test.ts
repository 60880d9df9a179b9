/** Forward requests are validated with readable errors before anything is compiled or run. */
import { afterAll, describe, expect, it } from "vitest";
import { graphCacheStats } from "../../../workers/runtime/graph-cache";
import { createHostedModel, orthonormalize } from "../../../workers/runtime/hosted-model";
import type { ForwardRequest } from "../../../workers/runtime/types";
import { tempDir, testSessionCache } from "./helpers";
import { randomWeights, tinyConfig } from "./random-weights";

const cache = tempDir("validation");
const sessions = testSessionCache();
afterAll(async () => {
  await sessions.clear();
  cache.cleanup();
});

const weights = randomWeights(tinyConfig("llama"), 2); // 3 blocks, d = 32, vocab 64
const model = createHostedModel(weights, null, { cacheDir: cache.dir, sessionCache: sessions, name: "tiny" });
const base: ForwardRequest = { inputIds: [[1, 2, 3]], taps: ["blocks.0.hook_resid_post"], logits: false };

describe("forward request validation", () => {
  it.each<[string, ForwardRequest, RegExp]>([
    ["unknown hook", { ...base, taps: ["blocks.0.hook_qq"] }, /unknown hook "blocks\.0\.hook_qq".*supported: hook_embed/],
    ["hook block out of range", { ...base, taps: ["blocks.3.hook_resid_post"] }, /block 3 out of range \(model has 3 blocks/],
    ["hook_pos_embed on llama", { ...base, taps: ["hook_pos_embed"] }, /only for gpt2/],
    ["nothing requested", { ...base, taps: [] }, /neither taps nor logits/],
    ["empty batch", { ...base, inputIds: [] }, /empty batch/],
    ["empty sequence", { ...base, inputIds: [[1], []] }, /empty sequence/],
    ["token id outside the vocabulary", { ...base, inputIds: [[1, 64]] }, /token id must be < vocab size 64/],
    ["negative / fractional ids", { ...base, inputIds: [[1, 2.5]] }, /inputIds/],
    ["steering block out of range", { ...base, steering: [{ afterBlock: 3, vector: new Float32Array(32) }] }, /block index must be < 3/],
    ["steering vector of wrong length", { ...base, steering: [{ afterBlock: 0, vector: new Float32Array(31) }] }, /length 31 is neither d \(32\) nor seq × d \(3 × 32\)/],
    ["steering vector with NaN", { ...base, steering: [{ afterBlock: 0, vector: new Float32Array(32).fill(NaN) }] }, /NaN/],
    ["ablation direction of wrong length", { ...base, ablation: { blocks: [0], directions: [new Float32Array(16)] } }, /direction length must be d = 32/],
    ["ablation without blocks", { ...base, ablation: { blocks: [], directions: [new Float32Array(32).fill(1)] } }, /at least one block/],
    ["all-zero ablation directions", { ...base, ablation: { blocks: [0], directions: [new Float32Array(32)] } }, /all zero/],
  ])("rejects: %s", async (_label, request, message) => {
    const compiles = graphCacheStats.compiles;
    await expect(model.forward(request)).rejects.toThrow(message);
    expect(graphCacheStats.compiles).toBe(compiles);
  });

  it("accepts a valid request", async () => {
    const result = await model.forward(base);
    expect(result.taps.get("blocks.0.hook_resid_post")![0]).toHaveLength(3 * 32);
    expect(result.logits).toBeNull();
  });

  it("orthonormalises directions (dropping dependent ones)", () => {
    const a = Float32Array.from({ length: 4 }, (_, i) => i + 1);
    const b = Float32Array.from([1, 0, 0, 1]);
    const rows = orthonormalize([a, b, a.map((x, i) => x + 2 * b[i]!)], 4);
    expect(rows).toHaveLength(2);
    const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * y[i]!, 0);
    expect(dot(rows[0]!, rows[0]!)).toBeCloseTo(1, 6);
    expect(dot(rows[1]!, rows[1]!)).toBeCloseTo(1, 6);
    expect(Math.abs(dot(rows[0]!, rows[1]!))).toBeLessThan(1e-6);
  });
});
