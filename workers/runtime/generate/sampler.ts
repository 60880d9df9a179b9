/**
 * Choosing the next token from one position's logits: greedy (argmax, ties → lowest id, as
 * llama2.c) or sampling with temperature and nucleus (top-p) filtering from a seeded generator.
 * Pure functions: the same logits and generator state always give the same token.
 */

export interface SamplingOptions {
  /** 0 → greedy. */
  temperature: number;
  /** Keep the smallest set of most likely tokens whose probability reaches topP (0 < topP ≤ 1). */
  topP: number;
}

/** A uniform [0, 1) source (workers/probes/stats/rng.ts's `Rng` fits). */
export interface UniformSource {
  next(): number;
}

/** First index of the maximum (ties → lowest id). */
export function argmaxLogits(logits: ArrayLike<number>): number {
  let best = 0;
  let bestValue = logits[0]!;
  for (let i = 1; i < logits.length; i++) {
    const x = logits[i]!;
    if (x > bestValue) {
      best = i;
      bestValue = x;
    }
  }
  return best;
}

/** log softmax(logits)[id] at temperature 1, in float64. */
export function logProbOf(logits: ArrayLike<number>, id: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  return logits[id]! - max - Math.log(sum);
}

/**
 * The next token. Greedy when `sampling` is null or its temperature is 0; otherwise one draw
 * from `rng` (exactly one per call, so streams stay aligned whatever the logits).
 */
export function chooseToken(logits: ArrayLike<number>, sampling: SamplingOptions | null, rng: UniformSource | null): number {
  if (!sampling || sampling.temperature === 0) return argmaxLogits(logits);
  if (!rng) throw new Error("sampling needs a random source");
  const { temperature, topP } = sampling;
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new Error(`temperature must be ≥ 0 and finite (got ${temperature})`);
  if (!(topP > 0 && topP <= 1)) throw new Error(`topP must be in (0, 1] (got ${topP})`);
  const n = logits.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logits[i]! > max) max = logits[i]!;
  const probs = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.exp((logits[i]! - max) / temperature);
    probs[i] = p;
    sum += p;
  }
  if (topP === 1) return pick(probs, null, n, rng.next() * sum);
  // most likely first; equal probabilities keep id order, so p → 0 picks the argmax (lowest id on ties)
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => probs[b]! - probs[a]! || a - b);
  const threshold = topP * sum;
  let kept = 0;
  let mass = 0;
  while (kept < n && (kept === 0 || mass < threshold)) mass += probs[order[kept++]!]!;
  return pick(probs, order, kept, rng.next() * mass);
}

/** The first of `count` candidates (ids in `order`, or 0..count-1) where the running sum of probs passes u. */
function pick(probs: Float64Array, order: number[] | null, count: number, u: number): number {
  let acc = 0;
  let id = 0;
  for (let r = 0; r < count; r++) {
    id = order ? order[r]! : r;
    acc += probs[id]!;
    if (u < acc && probs[id]! > 0) return id;
  }
  // rounding left u at the very top: the last candidate with any mass
  for (let r = count - 1; r >= 0; r--) {
    id = order ? order[r]! : r;
    if (probs[id]! > 0) return id;
  }
  return id;
}
