/**
 * logitLens (nostalgebraist 2020): read each block's output residual stream (blocks.{L}.hook_resid_post)
 * as if it were the last one — apply the model's final norm (RMSNorm, or LayerNorm for gpt2, with
 * output_norm's weights) and the unembedding (output.weight, or token_embd.weight when tied) — and
 * report per layer and position the top-k next tokens with their probabilities, and, with a target,
 * the target token's rank and probability at the last position layer by layer. The last layer's
 * lens is the model's own output distribution.
 *
 * The norm and unembedding run here in float64 (vocab × d per position: small for the models the
 * platform hosts), on the model's own weights. Ranks are 1-based; ties are ordered by token id, as
 * in the top-k lists.
 */
import type { LogitLensParams } from "../../../server/probes/spec";
import type { HostedModel, ModelConfig, ModelWeights } from "../../runtime/types";
import { ProbeInputError } from "../types";
import type { CausalContext } from "./context";
import { firstTokenAfter } from "./answer-tokens";

export interface LensEntry {
  token: string;
  id: number;
  prob: number;
}

export interface LogitLensPrompt {
  text: string;
  /** Token labels, BOS included. */
  tokens: string[];
  /** Every block, 0 … nLayers − 1 (the last is the model's output). */
  layers: number[];
  /** [layer][position][k]. */
  top: LensEntry[][][];
  /** The target's first token after the prompt; rank (1 = most likely) and probability per layer, at the last position. */
  target?: { token: string; id: number; rank: number[]; prob: number[] };
}

export interface LogitLensResult {
  prompts: LogitLensPrompt[];
}

/** The weights of a model hosted in this process (OnnxHostedModel keeps them), or null. */
export function hostedWeights(model: HostedModel): ModelWeights | null {
  const w: unknown = (model as { weights?: unknown }).weights;
  if (typeof w !== "object" || w === null || !("tensors" in w) || !((w as { tensors: unknown }).tensors instanceof Map)) return null;
  return w as ModelWeights;
}

/** The final norm and unembedding of a model: residual vector → logits, in float64. */
export class LensHead {
  private readonly d: number;
  private readonly vocab: number;
  private readonly normWeight: Float32Array;
  private readonly normBias: Float32Array | null;
  private readonly unembed: Float32Array;
  private readonly layerNorm: boolean;
  private readonly eps: number;

  constructor(weights: ModelWeights) {
    const c: ModelConfig = weights.config;
    const get = (name: string): Float32Array => {
      const t = weights.tensors.get(name);
      if (!t) throw new Error(`logit lens: the model has no tensor ${name}`);
      return t.data;
    };
    this.d = c.dModel;
    this.vocab = c.vocabSize;
    this.layerNorm = c.architecture === "gpt2";
    this.eps = c.normEps;
    this.normWeight = get("output_norm.weight");
    this.normBias = this.layerNorm ? (weights.tensors.get("output_norm.bias")?.data ?? null) : null;
    this.unembed = c.tiedEmbeddings ? get("token_embd.weight") : get("output.weight");
    if (this.unembed.length !== this.vocab * this.d) throw new Error(`logit lens: the unembedding has ${this.unembed.length} values, expected ${this.vocab} × ${this.d}`);
  }

  /** The normalised vector (final norm) of x[offset … offset + d). */
  normed(x: Float32Array, offset: number): Float64Array {
    const d = this.d;
    const out = new Float64Array(d);
    if (this.layerNorm) {
      let mean = 0;
      for (let i = 0; i < d; i++) mean += x[offset + i]!;
      mean /= d;
      let variance = 0;
      for (let i = 0; i < d; i++) variance += (x[offset + i]! - mean) ** 2;
      const inv = 1 / Math.sqrt(variance / d + this.eps);
      for (let i = 0; i < d; i++) out[i] = (x[offset + i]! - mean) * inv * this.normWeight[i]! + (this.normBias ? this.normBias[i]! : 0);
      return out;
    }
    let ss = 0;
    for (let i = 0; i < d; i++) ss += x[offset + i]! ** 2;
    const inv = 1 / Math.sqrt(ss / d + this.eps);
    for (let i = 0; i < d; i++) out[i] = this.normWeight[i]! * x[offset + i]! * inv;
    return out;
  }

  /** Logits [vocab] of the residual vector x[offset … offset + d). */
  logits(x: Float32Array, offset: number): Float64Array {
    const h = this.normed(x, offset);
    const d = this.d;
    const out = new Float64Array(this.vocab);
    for (let v = 0; v < this.vocab; v++) {
      let s = 0;
      const row = v * d;
      for (let i = 0; i < d; i++) s += this.unembed[row + i]! * h[i]!;
      out[v] = s;
    }
    return out;
  }
}

/** Softmax in float64 (max-subtracted). */
export function softmax(logits: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i]! - max);
    sum += out[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / sum;
  return out;
}

/** The k most probable ids, most probable first; ties → lower id first. */
export function topK(probs: Float64Array, k: number): number[] {
  const best: number[] = [];
  for (let id = 0; id < probs.length; id++) {
    const p = probs[id]!;
    if (best.length === k && p <= probs[best[k - 1]!]!) continue;
    let j = best.length;
    while (j > 0 && probs[best[j - 1]!]! < p) j--;
    best.splice(j, 0, id);
    if (best.length > k) best.pop();
  }
  return best;
}

/** 1-based rank of `id` in the order topK uses (probability descending, ties by id). */
export function rankOf(probs: Float64Array, id: number): number {
  const p = probs[id]!;
  let rank = 1;
  for (let j = 0; j < probs.length; j++) if (probs[j]! > p || (probs[j] === p && j < id)) rank++;
  return rank;
}

export async function logitLens(model: HostedModel, params: LogitLensParams, ctx: CausalContext): Promise<{ result: LogitLensResult; artifacts: null }> {
  const weights = hostedWeights(model);
  if (!weights) throw new Error("logit lens: the model's weights are not available in this process");
  const head = new LensHead(weights);
  const nLayers = model.config.nLayers;
  const layers = Array.from({ length: nLayers }, (_, l) => l);
  const taps = layers.map((l) => `blocks.${l}.hook_resid_post`);
  const ids = params.prompts.map((p, i) => ctx.tokenize(p, `${ctx.path}.prompts[${i}]`));
  const targets = params.target === undefined ? null : params.prompts.map((p, i) => firstTokenAfter(model.tokenizer, p, params.target!, `${ctx.path}.target (after prompt ${i})`));
  const d = model.config.dModel;
  await ctx.progress({ stage: "logit lens", message: `logit lens: reading ${nLayers} layers of ${ids.length} prompt(s)`, done: 0, total: ids.length + 1 });
  const forward = await model.forward({ inputIds: ids, taps, logits: false });

  const prompts: LogitLensPrompt[] = [];
  for (const [b, seq] of ids.entries()) {
    const len = seq.length;
    const top: LensEntry[][][] = [];
    const rank: number[] = [];
    const prob: number[] = [];
    for (const l of layers) {
      const x = forward.taps.get(taps[l]!)?.[b];
      if (!x || x.length !== len * d) throw new Error(`logit lens: the model returned no ${taps[l]} for prompt ${b}`);
      const row: LensEntry[][] = [];
      for (let t = 0; t < len; t++) {
        for (let i = 0; i < d; i++) {
          if (!Number.isFinite(x[t * d + i]!)) throw new ProbeInputError(`${ctx.path}.prompts[${b}]: the residual stream at ${taps[l]} is not finite — the model produced NaN or infinite values`);
        }
        const probs = softmax(head.logits(x, t * d));
        row.push(topK(probs, params.topK).map((id) => ({ token: ctx.pieces([id])[0]!, id, prob: probs[id]! })));
        if (targets && t === len - 1) {
          rank.push(rankOf(probs, targets[b]!));
          prob.push(probs[targets[b]!]!);
        }
      }
      top.push(row);
    }
    prompts.push({
      text: params.prompts[b]!,
      tokens: ctx.pieces(seq),
      layers,
      top,
      ...(targets ? { target: { token: ctx.pieces([targets[b]!])[0]!, id: targets[b]!, rank, prob } } : {}),
    });
    await ctx.progress({ stage: "logit lens", message: `logit lens: prompt ${b + 1} of ${ids.length}`, done: b + 2, total: ids.length + 1 });
  }
  return { result: { prompts }, artifacts: null };
}
