/**
 * Pivoted (greedy, diagonal-pivoting) Cholesky of a symmetric positive semi-definite matrix:
 * K ≈ G G^T with G [n, rank]; stops when the largest remaining diagonal falls below
 * relTol × the largest initial diagonal, so rank-deficient Gram matrices are handled exactly.
 */
import { dot } from "./vector";

export interface PivotedCholesky {
  n: number;
  rank: number;
  /** [n, rank] row-major. Row pivots[a] has zeros after column a (lower-trapezoidal in pivot order). */
  G: Float64Array;
  /** The row chosen at each step. */
  pivots: Int32Array;
}

export function pivotedCholesky(K: Float64Array, n: number, relTol = 1e-11): PivotedCholesky {
  const diag = new Float64Array(n);
  let maxDiag0 = 0;
  for (let i = 0; i < n; i++) {
    diag[i] = K[i * n + i]!;
    if (diag[i]! > maxDiag0) maxDiag0 = diag[i]!;
  }
  const used = new Uint8Array(n);
  const Gfull = new Float64Array(n * n); // row stride n; only the first `rank` columns are used
  const pivots: number[] = [];
  const threshold = relTol * maxDiag0;
  for (let k = 0; k < n; k++) {
    let p = -1;
    let best = threshold;
    for (let i = 0; i < n; i++) {
      if (!used[i] && diag[i]! > best) {
        best = diag[i]!;
        p = i;
      }
    }
    if (p < 0) break;
    used[p] = 1;
    pivots.push(p);
    const gpp = Math.sqrt(diag[p]!);
    Gfull[p * n + k] = gpp;
    diag[p] = 0;
    const po = p * n;
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      const v = (K[i * n + p]! - dot(Gfull, Gfull, k, i * n, po)) / gpp;
      Gfull[i * n + k] = v;
      diag[i] = diag[i]! - v * v;
    }
  }
  const rank = pivots.length;
  const G = new Float64Array(n * rank);
  for (let i = 0; i < n; i++) for (let k = 0; k < rank; k++) G[i * rank + k] = Gfull[i * n + k]!;
  return { n, rank, G, pivots: Int32Array.from(pivots) };
}

/** Solve L^T u = b where L [rank, rank] = G restricted to the pivot rows (lower triangular). */
export function solvePivotTranspose(chol: PivotedCholesky, b: ArrayLike<number>): Float64Array {
  const { rank, G, pivots } = chol;
  const u = new Float64Array(rank);
  for (let a = rank - 1; a >= 0; a--) {
    let s = b[a]!;
    for (let c = a + 1; c < rank; c++) s -= G[pivots[c]! * rank + a]! * u[c]!;
    u[a] = s / G[pivots[a]! * rank + a]!;
  }
  return u;
}

/** Solve L u = b (forward substitution) with the same L. */
export function solvePivot(chol: PivotedCholesky, b: ArrayLike<number>): Float64Array {
  const { rank, G, pivots } = chol;
  const u = new Float64Array(rank);
  for (let a = 0; a < rank; a++) {
    const row = pivots[a]! * rank;
    let s = b[a]!;
    for (let c = 0; c < a; c++) s -= G[row + c]! * u[c]!;
    u[a] = s / G[row + a]!;
  }
  return u;
}
