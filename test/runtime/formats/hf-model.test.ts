import { afterAll, describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { loadGgufWeights } from "../../../workers/runtime/formats/gguf-model";
import { loadHfWeights } from "../../../workers/runtime/formats/hf-model";
import { adjacentPairsToRotateHalf, rotateHalfToAdjacentPairs } from "../../../workers/runtime/formats/rope-permute";
import { loadModelWeights } from "../../../workers/runtime/load-weights";
import type { Architecture } from "../../../workers/runtime/types";
import { STORIES_GGUF } from "../fixtures";
import { writeRandomCheckpoint } from "../writers/random-checkpoint";
import { convertStoriesToHf } from "../writers/stories-to-hf";
import { expectSameWeights } from "./weights-checks";
import { tempDir } from "./temp";

const tmp = tempDir();
afterAll(tmp.cleanup);

describe("RoPE layout permutation", () => {
  it("moves rotate-half pairs (i, i + D/2) next to each other, per head", () => {
    // Two heads of dim 4, one column: rotate-half rows [a0 a1 b0 b1] pair (a0,b0), (a1,b1).
    const rotateHalf = Float32Array.from([10, 11, 20, 21, 30, 31, 40, 41]);
    const adjacent = rotateHalfToAdjacentPairs(rotateHalf, 2, 4, 1);
    expect(Array.from(adjacent)).toEqual([10, 20, 11, 21, 30, 40, 31, 41]);
    expect(Array.from(adjacentPairsToRotateHalf(adjacent, 2, 4, 1))).toEqual(Array.from(rotateHalf));
  });

  it("permutes whole rows of a matrix", () => {
    const m = Float32Array.from({ length: 4 * 3 }, (_, i) => i);
    expect(Array.from(rotateHalfToAdjacentPairs(m, 1, 4, 3))).toEqual([0, 1, 2, 6, 7, 8, 3, 4, 5, 9, 10, 11]);
  });
});

describe("random checkpoints as HF directories load to the same weights as their GGUF twins", () => {
  const archs: Architecture[] = ["gpt2", "qwen3", "qwen2", "llama"];
  for (const arch of archs) {
    it(`${arch}: single F32 file, HF names mapped (gpt2 Conv1D transposed, c_attn split)`, async () => {
      const ck = writeRandomCheckpoint(`${tmp.dir}/${arch}`, arch, { seed: 3 });
      const hf = await loadHfWeights(ck.hfDir);
      const expected = arch === "llama"
        // HF llama is rotate-half; compare against the GGUF weights permuted back.
        ? { ...ck.weights, config: { ...ck.weights.config, ropeLayout: "rotate-half" as const } }
        : ck.weights;
      if (arch === "llama") {
        const { nHeads, nKvHeads, headDim, dModel } = ck.weights.config;
        for (let l = 0; l < ck.weights.config.nLayers; l++) {
          const q = ck.weights.tensors.get(`blk.${l}.attn_q.weight`);
          const k = ck.weights.tensors.get(`blk.${l}.attn_k.weight`);
          if (!q || !k) throw new Error("missing q/k");
          expected.tensors = new Map(expected.tensors);
          expected.tensors.set(`blk.${l}.attn_q.weight`, { shape: q.shape, data: adjacentPairsToRotateHalf(q.data, nHeads, headDim, dModel) });
          expected.tensors.set(`blk.${l}.attn_k.weight`, { shape: k.shape, data: adjacentPairsToRotateHalf(k.data, nKvHeads, headDim, dModel) });
        }
      }
      expectSameWeights(hf, expected, 0);
      expect(hf.sha256).toMatch(/^[0-9a-f]{64}$/);
    });
  }

  it("sharded (index.json) gives the same tensors as a single file", async () => {
    const ck = writeRandomCheckpoint(`${tmp.dir}/qwen3-sharded`, "qwen3", { seed: 3, shards: 3 });
    expect(readdirSync(ck.hfDir).filter((f) => f.endsWith(".safetensors"))).toHaveLength(3);
    expectSameWeights(await loadHfWeights(ck.hfDir), ck.weights, 0);
  });

  it("BF16 and F16 safetensors dequantise within their precision", async () => {
    const bf = writeRandomCheckpoint(`${tmp.dir}/gpt2-bf16`, "gpt2", { hfDtype: "BF16" });
    expectSameWeights(await loadHfWeights(bf.hfDir), bf.weights, 0.02);
    const f16 = writeRandomCheckpoint(`${tmp.dir}/gpt2-f16`, "gpt2", { hfDtype: "F16" });
    expectSameWeights(await loadHfWeights(f16.hfDir), f16.weights, 2e-3);
  });
});

describe("stories260K converted to an HF llama directory", async () => {
  const dir = `${tmp.dir}/stories-hf`;
  await convertStoriesToHf(dir);
  const gguf = await loadGgufWeights(STORIES_GGUF);
  const hf = await loadModelWeights(dir);

  it("has the GGUF config except the RoPE layout", () => {
    expect(hf.config).toEqual({ ...gguf.config, ropeLayout: "rotate-half" });
  });

  it("has identical tensors except q/k, which differ exactly by llama.cpp's permutation", () => {
    expect([...hf.tensors.keys()].sort()).toEqual([...gguf.tensors.keys()].sort());
    const { nHeads, nKvHeads, headDim, dModel } = gguf.config;
    for (const [name, t] of gguf.tensors) {
      const h = hf.tensors.get(name);
      expect(h?.shape, name).toEqual(t.shape);
      if (!h) continue;
      const qk = /attn_(q|k)\.weight$/.exec(name);
      if (!qk) {
        expect(h.data, name).toEqual(t.data);
        continue;
      }
      const heads = qk[1] === "q" ? nHeads : nKvHeads;
      expect(h.data, name).not.toEqual(t.data);
      expect(rotateHalfToAdjacentPairs(h.data, heads, headDim, dModel), name).toEqual(t.data);
    }
  });
});
