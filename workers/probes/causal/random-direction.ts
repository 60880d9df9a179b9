/** The baseline of steered generation: a random direction with the steering vector's norm. */
import type { Rng } from "../stats/rng";

/** A uniformly random unit vector of length d (normalised Gaussian), in float32. */
export function randomUnitVector(d: number, rng: Rng): Float32Array {
  const v = Float64Array.from({ length: d }, () => rng.normal());
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  return Float32Array.from(v, (x) => x / n);
}

/** v / |v| in float64, or null for a zero (or non-finite) vector. */
export function unitOrNull(v: ArrayLike<number>): Float32Array | null {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  n = Math.sqrt(n);
  if (!(n > 0) || !Number.isFinite(n)) return null;
  return Float32Array.from({ length: v.length }, (_, i) => v[i]! / n);
}

/** u · scale, in float32. */
export function scaled(u: Float32Array, scale: number): Float32Array {
  return u.map((x) => x * scale);
}
