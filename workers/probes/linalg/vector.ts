/**
 * Small vector helpers on row-major matrices stored in Float32Array / Float64Array.
 * A matrix [rows, cols] stores element (i, j) at i * cols + j.
 */

export type FloatArray = Float32Array | Float64Array;

export function dot(a: FloatArray, b: FloatArray, n = a.length, aOffset = 0, bOffset = 0): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += a[aOffset + k]! * b[bOffset + k]!;
    s1 += a[aOffset + k + 1]! * b[bOffset + k + 1]!;
    s2 += a[aOffset + k + 2]! * b[bOffset + k + 2]!;
    s3 += a[aOffset + k + 3]! * b[bOffset + k + 3]!;
  }
  for (; k < n; k++) s0 += a[aOffset + k]! * b[bOffset + k]!;
  return s0 + s1 + (s2 + s3);
}

export function norm(a: FloatArray): number {
  return Math.sqrt(dot(a, a));
}

/** a / |a| as a new Float64Array (a zero vector stays zero). */
export function normalize(a: FloatArray): Float64Array {
  const out = Float64Array.from(a);
  const nr = norm(out);
  if (nr > 0) for (let i = 0; i < out.length; i++) out[i] = out[i]! / nr;
  return out;
}

export function cosine(a: FloatArray, b: FloatArray): number {
  const na = norm(a);
  const nb = norm(b);
  if (na === 0 || nb === 0) return 0;
  return dot(a, b) / (na * nb);
}

/** y += alpha * x */
export function axpy(alpha: number, x: FloatArray, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] = y[i]! + alpha * x[i]!;
}

/** X [n, d] times w [d] → [n]. */
export function matVec(X: FloatArray, n: number, d: number, w: FloatArray): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = dot(X, w, d, i * d, 0);
  return out;
}

/** X^T [d, n] times v [n] → [d]. */
export function matTVec(X: FloatArray, n: number, d: number, v: FloatArray): Float64Array {
  const out = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const vi = v[i]!;
    if (vi === 0) continue;
    const o = i * d;
    for (let k = 0; k < d; k++) out[k] = out[k]! + vi * X[o + k]!;
  }
  return out;
}

/** Mean of the selected rows of X [*, d] (all rows when `rows` is omitted). */
export function rowMean(X: FloatArray, d: number, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(d);
  const m = rows.length;
  if (m === 0) return out;
  for (let t = 0; t < m; t++) {
    const o = rows[t]! * d;
    for (let k = 0; k < d; k++) out[k] = out[k]! + X[o + k]!;
  }
  for (let k = 0; k < d; k++) out[k] = out[k]! / m;
  return out;
}

/** Copy the selected rows of X [*, d] into a new Float64Array [rows.length, d]. */
export function takeRows(X: FloatArray, d: number, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length * d);
  for (let t = 0; t < rows.length; t++) {
    const o = rows[t]! * d;
    for (let k = 0; k < d; k++) out[t * d + k] = X[o + k]!;
  }
  return out;
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return values.length === 0 ? 0 : s / values.length;
}

/** Population variance (divides by n). */
export function variance(values: ArrayLike<number>): number {
  const m = mean(values);
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i]! - m) ** 2;
  return values.length === 0 ? 0 : s / values.length;
}
