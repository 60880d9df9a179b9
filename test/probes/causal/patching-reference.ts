/**
 * Activation patching and steered greedy generation computed the slow, obvious way in float64:
 * one full forward per patched cell (no skipping, no batching), one full forward per generated token.
 */
import { referenceSequenceForward, replaceHeads, type SequenceReferenceOptions } from "../../../workers/runtime/reference";
import type { ModelWeights } from "../../../workers/runtime/types";

type Steering = { afterBlock: number; vector: ArrayLike<number> };

/** The float64 reference with `steering` (if any) added after its block at every position. */
function forward(weights: ModelWeights, ids: number[], steering?: Steering, edit?: SequenceReferenceOptions["edit"]) {
  return referenceSequenceForward(weights, ids, {
    ...(steering ? { steering: new Map([[steering.afterBlock, Float64Array.from(steering.vector)]]) } : {}),
    ...(edit ? { edit } : {}),
  });
}

/** The last of a flat [len × width] array's rows. */
function lastRow(flat: Float64Array, len: number): Float64Array {
  const width = flat.length / len;
  return flat.subarray((len - 1) * width, len * width);
}

/** log softmax of one logit vector. */
function logSoftmaxF64(logits: ArrayLike<number>): Float64Array {
  let mx = -Infinity;
  for (let i = 0; i < logits.length; i++) mx = Math.max(mx, logits[i]!);
  let se = 0;
  for (let i = 0; i < logits.length; i++) se += Math.exp(logits[i]! - mx);
  const lse = mx + Math.log(se);
  return Float64Array.from({ length: logits.length }, (_, i) => logits[i]! - lse);
}

export interface ReferencePair {
  clean: number[];
  corrupted: number[];
  answer: number;
  wrong: number;
}

export interface ReferencePatching {
  cleanLogitDiff: number;
  corruptedLogitDiff: number;
  resid: number[][];
  heads: number[][];
}

/** Means over pairs first, then (mean patched − mean corrupted) / (mean clean − mean corrupted). */
export function referencePatching(weights: ModelWeights, pairs: ReferencePair[], layers: number[]): ReferencePatching {
  const { dModel: d, nHeads: H, headDim: D } = weights.config;
  const len = pairs[0]!.clean.length;
  const ld = (logits: Float64Array, len: number, p: ReferencePair): number => {
    const last = lastRow(logits, len);
    return last[p.answer]! - last[p.wrong]!;
  };
  /** The logit difference of the corrupted prompt run with `edit`. */
  const patchedLd = (p: ReferencePair, edit?: SequenceReferenceOptions["edit"]): number => ld(forward(weights, p.corrupted, undefined, edit).logits, p.corrupted.length, p);
  let clean = 0;
  let corrupted = 0;
  const resid = layers.map(() => new Array<number>(len).fill(0));
  const heads = layers.map(() => new Array<number>(H).fill(0));
  for (const p of pairs) {
    const c = forward(weights, p.clean);
    clean += ld(c.logits, p.clean.length, p) / pairs.length;
    corrupted += patchedLd(p) / pairs.length;
    const T = p.corrupted.length;
    layers.forEach((layer, row) => {
      const residHook = `blocks.${layer}.hook_resid_pre`;
      const cleanResid = c.taps.get(residHook)!;
      for (let t = 0; t < len; t++) {
        const patch = (hook: string, rows: Float64Array[]): void => {
          if (hook === residHook) rows[t]!.set(cleanResid.subarray(t * d, (t + 1) * d));
        };
        resid[row]![t] = resid[row]![t]! + patchedLd(p, patch) / pairs.length;
      }
      const zHook = `blocks.${layer}.attn.hook_z`;
      const cleanZ = c.taps.get(zHook)!;
      const positions = Array.from({ length: T }, (_, t) => t);
      for (let h = 0; h < H; h++) {
        const values = new Float64Array(T * D);
        for (let t = 0; t < T; t++) values.set(cleanZ.subarray(t * H * D + h * D, t * H * D + (h + 1) * D), t * D);
        heads[row]![h] = heads[row]![h]! + patchedLd(p, replaceHeads(zHook, D, positions, [h], values)) / pairs.length;
      }
    });
  }
  const norm = (x: number): number => (x - corrupted) / (clean - corrupted);
  return { cleanLogitDiff: clean, corruptedLogitDiff: corrupted, resid: resid.map((r) => r.map(norm)), heads: heads.map((r) => r.map(norm)) };
}

export interface ReferenceGeneration {
  tokens: number[];
  /** The smallest gap between the best and second-best logit over the steps (how safe argmax is). */
  minMargin: number;
}

/** Greedy decoding (ties → lowest id) with a vector added after one block at every position. */
export function referenceGreedy(weights: ModelWeights, prompt: number[], maxNewTokens: number, stopIds: number[], steering?: Steering): ReferenceGeneration {
  const ids = [...prompt];
  const tokens: number[] = [];
  let minMargin = Infinity;
  for (let i = 0; i < maxNewTokens; i++) {
    const logits = lastRow(forward(weights, ids, steering).logits, ids.length);
    let best = 0;
    for (let v = 1; v < logits.length; v++) if (logits[v]! > logits[best]!) best = v;
    let second = -Infinity;
    for (let v = 0; v < logits.length; v++) if (v !== best) second = Math.max(second, logits[v]!);
    minMargin = Math.min(minMargin, logits[best]! - second);
    ids.push(best);
    tokens.push(best);
    if (stopIds.includes(best)) break;
  }
  return { tokens, minMargin };
}

/** log Σ p(targets) − log Σ p(opposites) at the prompt's last position, in float64. */
export function referenceTargetScore(weights: ModelWeights, prompt: number[], target: number[], opposite: number[], steering?: Steering): number {
  const lp = logSoftmaxF64(lastRow(forward(weights, prompt, steering).logits, prompt.length));
  const lse = (ids: number[]): number => {
    const m = Math.max(...ids.map((i) => lp[i]!));
    return m + Math.log(ids.reduce((s, i) => s + Math.exp(lp[i]! - m), 0));
  };
  return opposite.length > 0 ? lse(target) - lse(opposite) : lse(target);
}

/** Mean norm of blocks.{layer}.hook_resid_post at the last token over the prompts. */
export function referenceMeanLastNorm(weights: ModelWeights, prompts: number[][], layer: number): number {
  let s = 0;
  for (const p of prompts) {
    s += Math.hypot(...lastRow(forward(weights, p).taps.get(`blocks.${layer}.hook_resid_post`)!, p.length));
  }
  return s / prompts.length;
}

/** Mean over the positive prompts minus mean over the negative prompts of resid_post at the last token. */
export function referenceMeanDifference(weights: ModelWeights, positive: number[][], negative: number[][], layer: number): Float64Array {
  const d = weights.config.dModel;
  const mean = (set: number[][]): Float64Array => {
    const m = new Float64Array(d);
    for (const p of set) {
      const x = lastRow(forward(weights, p).taps.get(`blocks.${layer}.hook_resid_post`)!, p.length);
      for (let k = 0; k < d; k++) m[k] = m[k]! + x[k]! / set.length;
    }
    return m;
  };
  const a = mean(positive);
  const b = mean(negative);
  return a.map((v, k) => v - b[k]!);
}
