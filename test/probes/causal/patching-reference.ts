/**
 * Activation patching and steered greedy generation computed the slow, obvious way in float64:
 * one full forward per patched cell (no skipping, no batching), one full forward per generated token.
 */
import type { ModelWeights } from "../../../workers/runtime/types";
import { forwardF64, logSoftmaxF64 } from "./patching-forward-f64";

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
  const { nHeads: H, headDim: D } = weights.config;
  const len = pairs[0]!.clean.length;
  const ld = (logits: Float64Array[], p: ReferencePair): number => logits[logits.length - 1]![p.answer]! - logits[logits.length - 1]![p.wrong]!;
  let clean = 0;
  let corrupted = 0;
  const resid = layers.map(() => new Array<number>(len).fill(0));
  const heads = layers.map(() => new Array<number>(H).fill(0));
  for (const p of pairs) {
    const c = forwardF64(weights, p.clean);
    clean += ld(c.logits, p) / pairs.length;
    corrupted += ld(forwardF64(weights, p.corrupted).logits, p) / pairs.length;
    layers.forEach((layer, row) => {
      for (let t = 0; t < len; t++) {
        const patched = forwardF64(weights, p.corrupted, { residPre: [{ layer, position: t, value: c.residPre[layer]![t]! }] });
        resid[row]![t] = resid[row]![t]! + ld(patched.logits, p) / pairs.length;
      }
      for (let h = 0; h < H; h++) {
        const values = c.z[layer]!.map((zt) => zt.subarray(h * D, (h + 1) * D));
        const patched = forwardF64(weights, p.corrupted, { z: [{ layer, head: h, values }] });
        heads[row]![h] = heads[row]![h]! + ld(patched.logits, p) / pairs.length;
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
export function referenceGreedy(weights: ModelWeights, prompt: number[], maxNewTokens: number, stopIds: number[], steering?: { afterBlock: number; vector: ArrayLike<number> }): ReferenceGeneration {
  const ids = [...prompt];
  const tokens: number[] = [];
  let minMargin = Infinity;
  for (let i = 0; i < maxNewTokens; i++) {
    const out = forwardF64(weights, ids, steering ? { steering: [steering] } : {});
    const logits = out.logits[out.logits.length - 1]!;
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
export function referenceTargetScore(weights: ModelWeights, prompt: number[], target: number[], opposite: number[], steering?: { afterBlock: number; vector: ArrayLike<number> }): number {
  const out = forwardF64(weights, prompt, steering ? { steering: [steering] } : {});
  const lp = logSoftmaxF64(out.logits[out.logits.length - 1]!);
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
    const out = forwardF64(weights, p);
    s += Math.hypot(...out.residPost[layer]![p.length - 1]!);
  }
  return s / prompts.length;
}

/** Mean over the positive prompts minus mean over the negative prompts of resid_post at the last token. */
export function referenceMeanDifference(weights: ModelWeights, positive: number[][], negative: number[][], layer: number): Float64Array {
  const d = weights.config.dModel;
  const mean = (set: number[][]): Float64Array => {
    const m = new Float64Array(d);
    for (const p of set) {
      const x = forwardF64(weights, p).residPost[layer]![p.length - 1]!;
      for (let k = 0; k < d; k++) m[k] = m[k]! + x[k]! / set.length;
    }
    return m;
  };
  const a = mean(positive);
  const b = mean(negative);
  return a.map((v, k) => v - b[k]!);
}
