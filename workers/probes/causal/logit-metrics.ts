/** The numbers the causal methods report, computed in float64 from one position's logits. */

/** logit(answer) − logit(wrong) at one position of a [len × vocab] logit array. */
export function logitDiff(logits: Float32Array, position: number, vocab: number, answer: number, wrong: number): number {
  const o = position * vocab;
  return logits[o + answer]! - logits[o + wrong]!;
}

/**
 * Share of the clean-minus-corrupted logit difference a patch restores: 0 = corrupted, 1 = clean.
 * Null when the clean and corrupted differences (nearly) coincide — nothing to restore.
 */
export function normalisedRestored(patched: number, clean: number, corrupted: number): number | null {
  const gap = clean - corrupted;
  if (!(Math.abs(gap) > 1e-6 * Math.max(1, Math.abs(clean), Math.abs(corrupted)))) return null;
  return (patched - corrupted) / gap;
}

/** log Σ_{id ∈ ids} softmax(logits)[id] at one position, in float64. */
export function logProbOfAny(logits: Float32Array, position: number, vocab: number, ids: readonly number[]): number {
  const o = position * vocab;
  let mx = -Infinity;
  for (let v = 0; v < vocab; v++) mx = Math.max(mx, logits[o + v]!);
  let all = 0;
  for (let v = 0; v < vocab; v++) all += Math.exp(logits[o + v]! - mx);
  let mxIds = -Infinity;
  for (const id of ids) mxIds = Math.max(mxIds, logits[o + id]!);
  let some = 0;
  for (const id of ids) some += Math.exp(logits[o + id]! - mxIds);
  return mxIds + Math.log(some) - (mx + Math.log(all));
}

/** log p(any target) − log p(any opposite) at one position; without opposite words, log p(any target). */
export function targetScore(logits: Float32Array, position: number, vocab: number, target: readonly number[], opposite: readonly number[]): number {
  const t = logProbOfAny(logits, position, vocab, target);
  return opposite.length > 0 ? t - logProbOfAny(logits, position, vocab, opposite) : t;
}

/** Mean of the non-null values, null when there are none. */
export function meanOrNull(values: ReadonlyArray<number | null>): number | null {
  let s = 0;
  let n = 0;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    s += v;
    n++;
  }
  return n > 0 ? s / n : null;
}
