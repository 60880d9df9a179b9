/**
 * logitLens: against a float64 reference (resid_post from an independent float64 forward, then the
 * final norm and unembedding written here), the last layer equal to the model's own logits, target
 * ranks, determinism, and refusals.
 */
import { describe, expect, it } from "vitest";
import { parseProbeSpec, type LogitLensParams } from "../../../server/probes/spec";
import { LensHead, logitLens, rankOf, softmax, topK } from "../../../workers/probes/causal/logit-lens";
import { HostedActivationSource } from "../../../workers/probes/hosted-activation-source";
import { runProbe } from "../../../workers/probes/run-probe";
import { toStableJson } from "../../../workers/probes/serialize";
import { referenceSequenceForward } from "../../../workers/runtime/reference";
import type { Architecture, ModelWeights } from "../../../workers/runtime/types";
import { maxAbsDiff } from "../../runtime/graph/helpers";
import { randomWeights, tinyConfig } from "../../runtime/graph/random-weights";
import { testModelHost } from "./hosted-test-models";
import { NamedTokenizer, testContext, words } from "./observe-helpers";

const hostModel = testModelHost("logit-lens");
const host = (w: ModelWeights) => hostModel(w, new NamedTokenizer(w.config.vocabSize));
const lens = (over: Partial<LogitLensParams>): LogitLensParams => ({ method: "logitLens", prompts: [words([3, 4, 5])], topK: 5, ...over });

/** Final norm + unembedding of one float64 residual vector, from the architecture definitions. */
function referenceProbs(w: ModelWeights, x: Float64Array): Float64Array {
  const c = w.config;
  const d = c.dModel;
  const g = w.tensors.get("output_norm.weight")!.data;
  let h: Float64Array;
  if (c.architecture === "gpt2") {
    const b = w.tensors.get("output_norm.bias")!.data;
    const mean = x.reduce((a, v) => a + v, 0) / d;
    const variance = x.reduce((a, v) => a + (v - mean) ** 2, 0) / d;
    h = x.map((v, i) => ((v - mean) / Math.sqrt(variance + c.normEps)) * g[i]! + b[i]!);
  } else {
    const rms = Math.sqrt(x.reduce((a, v) => a + v * v, 0) / d + c.normEps);
    h = x.map((v, i) => (v / rms) * g[i]!);
  }
  const U = (c.tiedEmbeddings ? w.tensors.get("token_embd.weight") : w.tensors.get("output.weight"))!.data;
  const logits = Array.from({ length: c.vocabSize }, (_, v) => h.reduce((a, hi, i) => a + U[v * d + i]! * hi, 0));
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - m));
  const s = e.reduce((a, b) => a + b, 0);
  return Float64Array.from(e, (v) => v / s);
}

describe("logitLens", () => {
  it.each<Architecture>(["llama", "gpt2", "qwen3"])("agrees with a float64 reference at every layer and position (%s)", async (arch) => {
    const weights = randomWeights(tinyConfig(arch, { vocabSize: 48 }), 4, 0.4);
    const model = host(weights);
    const prompts = [words([3, 4, 5, 6]), words([7, 2])];
    const { result } = await logitLens(model, lens({ prompts, topK: 4, target: " t9" }), testContext(model));
    expect(result.prompts).toHaveLength(2);
    result.prompts.forEach((p, b) => {
      const ids = model.tokenizer.encode(prompts[b]!, { addBos: true }).ids;
      const ref = referenceSequenceForward(weights, ids);
      const d = weights.config.dModel;
      expect(p.layers).toEqual([0, 1, 2]);
      expect(p.tokens).toEqual(["<s>", ...ids.slice(1).map((id) => `t${id}`)]);
      p.layers.forEach((L) => {
        const resid = ref.taps.get(`blocks.${L}.hook_resid_post`)!;
        const rows = ids.map((_, t) => resid.subarray(t * d, (t + 1) * d));
        rows.forEach((x, t) => {
          const probs = referenceProbs(weights, x);
          const got = p.top[L]![t]!;
          expect(got).toHaveLength(4);
          // Same probabilities for the same tokens, in descending order.
          got.forEach((e) => expect(Math.abs(e.prob - probs[e.id]!)).toBeLessThan(1e-4));
          for (let k = 1; k < got.length; k++) expect(got[k]!.prob).toBeLessThanOrEqual(got[k - 1]!.prob);
          const refTop = [...probs.keys()].sort((a, c) => probs[c]! - probs[a]!).slice(0, 4);
          expect(Math.abs(got[0]!.prob - probs[refTop[0]!]!)).toBeLessThan(1e-4);
          expect(got[0]!.token).toBe(got[0]!.id <= 1 ? ["<s>", "</s>"][got[0]!.id] : `t${got[0]!.id}`);
          if (t === rows.length - 1) {
            const want = probs[9]!;
            expect(Math.abs(p.target!.prob[L]! - want)).toBeLessThan(1e-4);
            const better = [...probs].filter((v) => v > want + 1e-6).length;
            expect(p.target!.rank[L]).toBeGreaterThanOrEqual(better + 1);
            expect(p.target!.rank[L]).toBeLessThanOrEqual([...probs].filter((v) => v >= want - 1e-6).length);
          }
        });
      });
      expect(p.target).toMatchObject({ token: "t9", id: 9 });
    });
  });

  it.each<Architecture>(["llama", "gpt2"])("the last layer is the model's own output distribution (%s)", async (arch) => {
    const weights = randomWeights(tinyConfig(arch, { vocabSize: 48 }), 8, 0.4);
    const model = host(weights);
    const ids = model.tokenizer.encode(words([5, 6, 7, 8, 9]), { addBos: true }).ids;
    const out = await model.forward({ inputIds: [ids], taps: [`blocks.${weights.config.nLayers - 1}.hook_resid_post`], logits: true });
    const x = out.taps.values().next().value![0]!;
    const head = new LensHead(weights);
    const V = weights.config.vocabSize;
    const d = weights.config.dModel;
    for (let t = 0; t < ids.length; t++) {
      expect(maxAbsDiff(head.logits(x, t * d), out.logits![0]!.subarray(t * V, (t + 1) * V))).toBeLessThan(1e-4);
    }
    const { result } = await logitLens(model, lens({ prompts: [words([5, 6, 7, 8, 9])], topK: 3 }), testContext(model));
    const last = result.prompts[0]!.top[weights.config.nLayers - 1]!;
    last.forEach((entries, t) => {
      const probs = softmax(Float64Array.from(out.logits![0]!.subarray(t * V, (t + 1) * V)));
      expect(entries.map((e) => e.id)).toEqual(topK(probs, 3));
      entries.forEach((e) => expect(Math.abs(e.prob - probs[e.id]!)).toBeLessThan(1e-5));
    });
  });

  it("topK and rankOf: most probable first, ties by lower id, ranks from 1", () => {
    const probs = Float64Array.from([0.1, 0.3, 0.1, 0.3, 0.2]);
    expect(topK(probs, 3)).toEqual([1, 3, 4]);
    expect(topK(probs, 5)).toEqual([1, 3, 4, 0, 2]);
    expect([0, 1, 2, 3, 4].map((id) => rankOf(probs, id))).toEqual([4, 1, 5, 2, 3]);
  });

  it("same spec and seed → identical metrics JSON", async () => {
    const model = host(randomWeights(tinyConfig("qwen2", { vocabSize: 48 }), 2));
    const parsed = parseProbeSpec({ version: 2, seed: 7, methods: [{ method: "logitLens", prompts: [words([3, 4]), words([10, 11, 12])], target: " t5", topK: 3 }] });
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const run = async () => toStableJson((await runProbe(parsed.spec, { source: new HostedActivationSource(model), model })).metrics);
    const a = await run();
    expect(await run()).toBe(a);
    const metrics = JSON.parse(a) as { data: unknown; layers: number[]; methods: Array<{ method: string; perLayer: unknown[]; result: { prompts: unknown[] } }> };
    expect(metrics.data).toBeNull();
    expect(metrics.layers).toEqual([]);
    expect(metrics.methods[0]).toMatchObject({ method: "logitLens", perLayer: [] });
    expect(metrics.methods[0]!.result.prompts).toHaveLength(2);
  });

  it("refuses prompts over the causal token limit, and a spec with causal methods without a model", async () => {
    const model = host(randomWeights(tinyConfig("llama", { vocabSize: 48, contextLength: 256 }), 3));
    const long = words(Array.from({ length: 140 }, (_, i) => 2 + (i % 40)));
    await expect(logitLens(model, lens({ prompts: [long] }), testContext(model))).rejects.toThrow("methods[0].prompts[0]: prompt is 141 tokens; the limit for this method is 128 — shorten it");
    const parsed = parseProbeSpec({ version: 2, methods: [{ method: "logitLens", prompts: ["t3"] }] });
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    await expect(runProbe(parsed.spec, { source: new HostedActivationSource(model) })).rejects.toThrow(/pass the hosted model/);
  });
});
