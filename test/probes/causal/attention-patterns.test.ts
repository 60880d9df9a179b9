/**
 * attentionPatterns: planted truths (a previous-token head and an induction head built into a
 * model's weights score ≈ 1, a random model's heads do not), the three scores against a plain
 * float64 forward pass of a random gpt2 model, stored patterns, and determinism.
 */
import { describe, expect, it } from "vitest";
import { parseProbeSpec, type AttentionPatternsParams } from "../../../server/probes/spec";
import { attentionPatterns, repeatedRandomTokens } from "../../../workers/probes/causal/attention-patterns";
import { runProbe } from "../../../workers/probes/run-probe";
import { toStableJson } from "../../../workers/probes/serialize";
import { HostedActivationSource } from "../../../workers/probes/hosted-activation-source";
import type { ModelWeights } from "../../../workers/runtime/types";
import { randomWeights, tinyConfig } from "../../runtime/graph/random-weights";
import { testModelHost } from "./hosted-test-models";
import { NamedTokenizer, plantedInductionModel, testContext, words } from "./observe-helpers";

const hostModel = testModelHost("attention-patterns");
const host = (w: ModelWeights) => hostModel(w, new NamedTokenizer(w.config.vocabSize));

const params = (over: Partial<AttentionPatternsParams> = {}): AttentionPatternsParams => ({
  method: "attentionPatterns",
  prompts: [],
  layers: "all",
  induction: { length: 8, sequences: 8 },
  ...over,
});

/** Plain float64 gpt2 forward (LayerNorm, learned positions, gelu_tanh MLP): each layer's pattern [nHeads × T × T]. */
function gpt2PatternsF64(w: ModelWeights, ids: number[]): Float64Array[] {
  const c = w.config;
  const { dModel: d, nHeads: H, headDim: D, dFfn: F } = c;
  const g = (n: string) => w.tensors.get(n)!.data;
  const T = ids.length;
  const x = ids.map((id, t) => Float64Array.from({ length: d }, (_, i) => g("token_embd.weight")[id * d + i]! + g("position_embd.weight")[t * d + i]!));
  const ln = (v: Float64Array, p: string) => {
    const mean = v.reduce((a, b) => a + b, 0) / d;
    const varc = v.reduce((a, b) => a + (b - mean) ** 2, 0) / d;
    return v.map((e, i) => ((e - mean) / Math.sqrt(varc + c.normEps)) * g(`${p}.weight`)[i]! + g(`${p}.bias`)[i]!);
  };
  const lin = (v: Float64Array, W: string, rows: number, cols: number, b: string | null) =>
    Float64Array.from({ length: rows }, (_, r) => {
      let s = b ? g(b)[r]! : 0;
      for (let i = 0; i < cols; i++) s += g(W)[r * cols + i]! * v[i]!;
      return s;
    });
  const patterns: Float64Array[] = [];
  for (let L = 0; L < c.nLayers; L++) {
    const p = `blk.${L}`;
    const h = x.map((v) => ln(v, `${p}.attn_norm`));
    const q = h.map((v) => lin(v, `${p}.attn_q.weight`, H * D, d, `${p}.attn_q.bias`));
    const k = h.map((v) => lin(v, `${p}.attn_k.weight`, H * D, d, `${p}.attn_k.bias`));
    const val = h.map((v) => lin(v, `${p}.attn_v.weight`, H * D, d, `${p}.attn_v.bias`));
    const A = new Float64Array(H * T * T);
    const z = Array.from({ length: T }, () => new Float64Array(H * D));
    for (let hd = 0; hd < H; hd++) {
      for (let t = 0; t < T; t++) {
        const s = Array.from({ length: t + 1 }, (_, j) => {
          let dot = 0;
          for (let i = 0; i < D; i++) dot += q[t]![hd * D + i]! * k[j]![hd * D + i]!;
          return dot / Math.sqrt(D);
        });
        const m = Math.max(...s);
        const e = s.map((v) => Math.exp(v - m));
        const sum = e.reduce((a, b) => a + b, 0);
        e.forEach((v, j) => {
          A[(hd * T + t) * T + j] = v / sum;
          for (let i = 0; i < D; i++) z[t]![hd * D + i]! += (v / sum) * val[j]![hd * D + i]!;
        });
      }
    }
    patterns.push(A);
    for (let t = 0; t < T; t++) {
      const o = lin(z[t]!, `${p}.attn_output.weight`, d, H * D, `${p}.attn_output.bias`);
      for (let i = 0; i < d; i++) x[t]![i]! += o[i]!;
      const up = lin(ln(x[t]!, `${p}.ffn_norm`), `${p}.ffn_up.weight`, F, d, `${p}.ffn_up.bias`).map((u) => 0.5 * u * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (u + 0.044715 * u ** 3))));
      const down = lin(up, `${p}.ffn_down.weight`, d, F, `${p}.ffn_down.bias`);
      for (let i = 0; i < d; i++) x[t]![i]! += down[i]!;
    }
  }
  return patterns;
}

/** The three scores from float64 patterns ([sequence][layer]), written from the definitions. */
function referenceScores(patterns: Float64Array[][], seqs: number[][], nLayers: number, H: number) {
  return Array.from({ length: nLayers }, (_, L) =>
    Array.from({ length: H }, (_, h) => {
      let prev = 0;
      let first = 0;
      let ind = 0;
      let nPrev = 0;
      let nInd = 0;
      seqs.forEach((ids, s) => {
        const T = ids.length;
        const A = patterns[s]![L]!;
        for (let q = 1; q < T; q++) {
          prev += A[(h * T + q) * T + q - 1]!;
          first += A[(h * T + q) * T]!;
          nPrev++;
        }
        // Second half: the same token one half earlier; the key is the token after that occurrence.
        const half = (T - 1) / 2;
        for (let q = half + 1; q < T; q++) {
          const earlier = q - half;
          expect(ids[earlier]).toBe(ids[q]);
          ind += A[(h * T + q) * T + earlier + 1]!;
          nInd++;
        }
      });
      return { previousToken: prev / nPrev, firstToken: first / nPrev, induction: ind / nInd };
    }),
  );
}

describe("attentionPatterns", () => {
  it("an induction pattern built into the weights scores as one; the previous-token head scores as one", async () => {
    const model = host(plantedInductionModel({ vocab: 128, context: 24 }));
    const { result } = await attentionPatterns(model, params(), testContext(model));
    expect(result.layers).toEqual([0, 1]);
    expect(result.nHeads).toBe(2);
    expect(result.scores[0]![0]!.previousToken).toBeGreaterThan(0.99);
    expect(result.scores[1]![0]!.induction).toBeGreaterThan(0.9);
    // The other heads are not what was planted.
    expect(result.scores[0]![0]!.induction).toBeLessThan(0.1);
    expect(result.scores[1]![0]!.previousToken).toBeLessThan(0.2);
    expect(result.scores[0]![1]!.previousToken).toBeLessThan(0.3);
    expect(result.scores[1]![1]!.induction).toBeLessThan(0.3);
  });

  it("a random model's heads are not induction heads", async () => {
    const model = host(randomWeights(tinyConfig("llama", { vocabSize: 128, contextLength: 64 }), 5));
    const { result } = await attentionPatterns(model, params({ induction: { length: 16, sequences: 4 } }), testContext(model));
    for (const layer of result.scores) for (const head of layer) expect(head.induction!).toBeLessThan(0.3);
  });

  it("the three scores agree with a float64 forward pass (random gpt2 model)", async () => {
    const weights = randomWeights(tinyConfig("gpt2", { vocabSize: 64, contextLength: 40, nLayers: 2 }), 9, 0.6);
    const model = host(weights);
    const ctx = testContext(model, 3);
    const p = params({ induction: { length: 6, sequences: 3 } });
    const { result } = await attentionPatterns(model, p, ctx);
    const seqs = repeatedRandomTokens(model, 6, 3, testContext(model, 3));
    expect(seqs.every((s) => s.length === 13 && s[0] === 0 && !s.slice(1).some((id) => id <= 1))).toBe(true);
    const ref = referenceScores(seqs.map((ids) => gpt2PatternsF64(weights, ids)), seqs, weights.config.nLayers, weights.config.nHeads);
    let spread = 0;
    result.scores.forEach((layer, L) =>
      layer.forEach((got, h) => {
        const want = ref[L]![h]!;
        expect(Math.abs(got.previousToken! - want.previousToken)).toBeLessThan(1e-4);
        expect(Math.abs(got.firstToken! - want.firstToken)).toBeLessThan(1e-4);
        expect(Math.abs(got.induction! - want.induction)).toBeLessThan(1e-4);
        spread = Math.max(spread, Math.abs(want.previousToken - want.firstToken));
      }),
    );
    // Not a degenerate model where every score is the same number.
    expect(spread).toBeGreaterThan(0.01);
  });

  it("stores each prompt's pattern per layer (rows sum to 1, causal), with token labels", async () => {
    const model = host(plantedInductionModel({ vocab: 32, context: 24 }));
    const prompts = [words([5, 6, 7, 5, 6]), words([9, 3])];
    const { result, artifacts } = await attentionPatterns(model, params({ prompts, layers: [1] }), testContext(model));
    expect(result.prompts).toEqual([
      { text: prompts[0], tokens: ["<s>", "t5", "t6", "t7", "t5", "t6"] },
      { text: prompts[1], tokens: ["<s>", "t9", "t3"] },
    ]);
    expect(artifacts.patterns.map((p) => [p.prompt, p.layer, p.shape])).toEqual([
      [0, 1, [2, 6, 6]],
      [1, 1, [2, 3, 3]],
    ]);
    const A = artifacts.patterns[0]!.values;
    for (let h = 0; h < 2; h++)
      for (let q = 0; q < 6; q++) {
        let sum = 0;
        for (let k = 0; k < 6; k++) {
          if (k > q) expect(A[(h * 6 + q) * 6 + k]).toBe(0);
          sum += A[(h * 6 + q) * 6 + k]!;
        }
        expect(sum).toBeCloseTo(1, 5);
      }
    // Induction on the prompt: the second " t6" (position 5) attends to the token after the first " t6" (position 3).
    expect(A[(0 * 6 + 5) * 6 + 3]).toBeGreaterThan(0.9);
  });

  it("same spec and seed → identical metrics JSON; another seed draws other random tokens", async () => {
    const model = host(randomWeights(tinyConfig("qwen2", { vocabSize: 64, contextLength: 64 }), 11));
    const spec = (seed: number) => {
      const r = parseProbeSpec({ version: 2, seed, methods: [{ method: "attentionPatterns", prompts: [words([4, 5, 6])], induction: { length: 8, sequences: 2 } }] });
      if (!r.ok) throw new Error(r.errors.join("\n"));
      return r.spec;
    };
    const run = async (seed: number) => toStableJson((await runProbe(spec(seed), { source: new HostedActivationSource(model), model })).metrics);
    const a = await run(1);
    expect(await run(1)).toBe(a);
    expect(await run(2)).not.toBe(a);
    expect(JSON.parse(a).data).toBeNull();
  });

  it("refuses layers the model does not have", async () => {
    const model = host(plantedInductionModel({ vocab: 32, context: 24 }));
    await expect(attentionPatterns(model, params({ layers: [0, 5] }), testContext(model))).rejects.toThrow("methods[0].layers: layer 5 does not exist — the model has 2 blocks (0 to 1)");
  });
});
