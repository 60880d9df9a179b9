import { describe, expect, it, afterAll } from "vitest";
import { loadGgufWeights } from "../../../workers/runtime/formats/gguf-model";
import { loadModelWeights } from "../../../workers/runtime/load-weights";
import type { Architecture } from "../../../workers/runtime/types";
import { STORIES_GGUF, STORIES_SHA256, readStoriesGolden } from "../fixtures";
import { writeRandomCheckpoint } from "../writers/random-checkpoint";
import { tempDir } from "./temp";
import { expectSameWeights, maxAbsDiff } from "./weights-checks";

const tmp = tempDir();
afterAll(tmp.cleanup);

describe("stories260K.gguf -> ModelWeights", async () => {
  const w = await loadGgufWeights(STORIES_GGUF);
  const golden = readStoriesGolden();

  it("reads the hyper-parameters from metadata", () => {
    expect(w.config).toEqual({
      architecture: "llama", nLayers: 5, dModel: 64, nHeads: 8, nKvHeads: 4, headDim: 8, dFfn: 172, vocabSize: 512,
      contextLength: 2048, normEps: Math.fround(1e-5), ropeTheta: 10000, ropeLayout: "adjacent-pairs",
      tiedEmbeddings: false, attentionBias: false, qkNorm: false,
    });
    expect(w.sha256).toBe(STORIES_SHA256);
  });

  it("maps the 48 tensors to canonical shapes", () => {
    expect(w.tensors.size).toBe(48);
    expect(w.tensors.get("token_embd.weight")?.shape).toEqual([512, 64]);
    expect(w.tensors.get("output.weight")?.shape).toEqual([512, 64]);
    expect(w.tensors.get("blk.0.attn_q.weight")?.shape).toEqual([64, 64]);
    expect(w.tensors.get("blk.4.attn_k.weight")?.shape).toEqual([32, 64]);
    expect(w.tensors.get("blk.2.ffn_gate.weight")?.shape).toEqual([172, 64]);
    expect(w.tensors.get("blk.2.ffn_down.weight")?.shape).toEqual([64, 172]);
    expect(w.tensors.get("blk.3.ffn_norm.weight")?.shape).toEqual([64]);
  });

  it("has the embedding rows the golden residual stream starts from", () => {
    const embd = w.tensors.get("token_embd.weight");
    if (!embd) throw new Error("no embedding");
    for (const [pos, layers] of golden.residual) {
      const token = golden.sequence[pos] ?? -1;
      const row = embd.data.subarray(token * 64, token * 64 + 64);
      const expected = layers[0] ?? new Float32Array();
      for (let i = 0; i < 64; i++) expect(row[i]).toBeCloseTo(expected[i] ?? Number.NaN, 6);
    }
  });

  it("is what loadModelWeights returns for a .gguf path", async () => {
    const again = await loadModelWeights(STORIES_GGUF);
    expect(again.config).toEqual(w.config);
    expect(again.tensors.get("blk.1.ffn_up.weight")?.data).toEqual(w.tensors.get("blk.1.ffn_up.weight")?.data);
  });
});

describe("random checkpoints written as GGUF load back to the same weights", () => {
  const archs: Architecture[] = ["gpt2", "qwen3", "qwen2", "llama"];
  for (const arch of archs) {
    it(`${arch}, F32: exactly (gpt2 attn_qkv split back into q/k/v)`, async () => {
      const ck = writeRandomCheckpoint(`${tmp.dir}/${arch}-f32`, arch, { seed: 7 });
      const w = await loadGgufWeights(ck.ggufPath);
      expectSameWeights(w, ck.weights, 0);
      expect(w.sha256).toMatch(/^[0-9a-f]{64}$/);
    });
  }

  it("qwen3, F16 and Q8_0: within the quantisation error", async () => {
    const f16 = writeRandomCheckpoint(`${tmp.dir}/qwen3-f16`, "qwen3", { ggufType: "F16" });
    expectSameWeights(await loadGgufWeights(f16.ggufPath), f16.weights, 2e-3);
    const q8 = writeRandomCheckpoint(`${tmp.dir}/qwen3-q8`, "qwen3", { ggufType: "Q8_0" });
    const w = await loadGgufWeights(q8.ggufPath);
    expectSameWeights(w, q8.weights, 0.05);
    // Q8_0 is lossy: the matrices differ a little, the F32 norms not at all.
    expect(maxAbsDiff(w.tensors.get("blk.0.attn_q.weight")?.data ?? new Float32Array(), q8.weights.tensors.get("blk.0.attn_q.weight")?.data ?? new Float32Array())).toBeGreaterThan(0);
    expect(w.tensors.get("blk.0.attn_q_norm.weight")?.data).toEqual(q8.weights.tensors.get("blk.0.attn_q_norm.weight")?.data);
  });
});

