/** Helpers shared by the methods: class means and scores in a layer's coordinates. */
import type { LayerBasis } from "../layer-view";
import { dot } from "../linalg/vector";

/** Row indices of `rows` with label `cls`. */
export function rowsOf(rows: ArrayLike<number>, y: Uint8Array, cls: number): Int32Array {
  const out: number[] = [];
  for (let t = 0; t < rows.length; t++) if (y[rows[t]!] === cls) out.push(rows[t]!);
  return Int32Array.from(out);
}

export function allRows(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** Mean of rows of Z [*, r]. */
export function meanRows(Z: Float64Array, r: number, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(r);
  for (let t = 0; t < rows.length; t++) {
    const o = rows[t]! * r;
    for (let k = 0; k < r; k++) out[k] = out[k]! + Z[o + k]!;
  }
  if (rows.length > 0) for (let k = 0; k < r; k++) out[k] = out[k]! / rows.length;
  return out;
}

export interface MeanDifference {
  /** μ₊ − μ₋ in the basis coordinates. */
  w: Float64Array;
  /** Score offset so that z·w − offset is 0 midway between the class means. */
  offset: number;
}

export function meanDifference(basis: LayerBasis, y: Uint8Array, rows: ArrayLike<number>): MeanDifference {
  const { Z, r } = basis;
  const mp = meanRows(Z, r, rowsOf(rows, y, 1));
  const mn = meanRows(Z, r, rowsOf(rows, y, 0));
  const w = new Float64Array(r);
  for (let k = 0; k < r; k++) w[k] = mp[k]! - mn[k]!;
  const offset = (dot(mp, w) + dot(mn, w)) / 2;
  return { w, offset };
}

export function scoreRows(basis: LayerBasis, rows: ArrayLike<number>, w: Float64Array, offset: number): Float64Array {
  const out = new Float64Array(rows.length);
  for (let t = 0; t < rows.length; t++) out[t] = dot(basis.Z, w, basis.r, rows[t]! * basis.r, 0) - offset;
  return out;
}

export function labelsOf(rows: ArrayLike<number>, y: Uint8Array): Uint8Array {
  return Uint8Array.from({ length: rows.length }, (_, t) => y[rows[t]!]!);
}

/** Unit vector as Float32Array (a zero vector stays zero). */
export function unitF32(v: Float64Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const nr = Math.sqrt(s);
  return Float32Array.from(v, (x) => (nr > 0 ? x / nr : 0));
}

/** Differences used by dimensionality and consistency, in basis coordinates [m, r]:
 * pairs → positive − negative; labelled → each positive example − the negative class mean. */
export function differences(basis: LayerBasis, y: Uint8Array, pairs: { pos: Int32Array; neg: Int32Array } | null, n: number): { D: Float64Array; m: number } {
  const { Z, r } = basis;
  if (pairs) {
    const m = pairs.pos.length;
    const D = new Float64Array(m * r);
    for (let i = 0; i < m; i++) {
      const po = pairs.pos[i]! * r;
      const no = pairs.neg[i]! * r;
      for (let k = 0; k < r; k++) D[i * r + k] = Z[po + k]! - Z[no + k]!;
    }
    return { D, m };
  }
  const all = allRows(n);
  const pos = rowsOf(all, y, 1);
  const mn = meanRows(Z, r, rowsOf(all, y, 0));
  const m = pos.length;
  const D = new Float64Array(m * r);
  for (let i = 0; i < m; i++) {
    const o = pos[i]! * r;
    for (let k = 0; k < r; k++) D[i * r + k] = Z[o + k]! - mn[k]!;
  }
  return { D, m };
}
