/**
 * One layer's activations [n, d] and the derived representation the methods share.
 *
 * Every method here is linear and rotation-invariant (mean differences, L2-regularised logistic
 * regression, PCA, projections, cosines), so it can run in any orthonormal coordinates of the
 * rows' span. When n ≤ d the view computes the Gram matrix K = X Xᵀ with the blocked kernel and a
 * pivoted Cholesky K = G Gᵀ; the rows of G are the examples in an exact isometric coordinate
 * system of dimension rank ≤ n (X = G Qᵀ with Q orthonormal), so fits cost O(n·rank) per pass
 * instead of O(n·d). When n > d the coordinates are X itself. Directions map back to model space
 * with `toModelSpace` (one triangular solve and one Xᵀv product).
 */
import { type PivotedCholesky, pivotedCholesky, solvePivotTranspose } from "./linalg/cholesky";
import { gram } from "./linalg/gemm";
import { dot } from "./linalg/vector";

export interface LayerBasis {
  /** [n, r] row-major coordinates: z_i · z_j = x_i · x_j. */
  Z: Float64Array;
  r: number;
  /** The model-space vector whose coordinates are wz (length d). */
  toModelSpace(wz: Float64Array): Float64Array;
}

export class LayerView {
  private _basis: LayerBasis | null = null;
  private _rms: number | null = null;
  /** Seconds spent in the Gram kernel and the Cholesky factorisation when the basis was built (benchmarks). */
  basisTimings: { gram: number; cholesky: number } | null = null;

  constructor(
    readonly hook: string,
    readonly layer: number,
    readonly X: Float32Array,
    readonly n: number,
    readonly d: number,
  ) {
    if (X.length !== n * d) throw new Error(`LayerView ${hook}: expected ${n}×${d} values, got ${X.length}`);
  }

  /** Root-mean-square row norm: the typical size of an activation vector at this layer. */
  get rmsNorm(): number {
    if (this._rms === null) {
      let s = 0;
      for (let i = 0; i < this.X.length; i++) s += this.X[i]! * this.X[i]!;
      this._rms = Math.sqrt(s / Math.max(1, this.n));
    }
    return this._rms;
  }

  /** Mean row norm (the "typical residual norm" used by steering). */
  meanNorm(): number {
    let total = 0;
    for (let i = 0; i < this.n; i++) total += Math.sqrt(dot(this.X, this.X, this.d, i * this.d, i * this.d));
    return total / Math.max(1, this.n);
  }

  basis(): LayerBasis {
    if (this._basis) return this._basis;
    const { X, n, d } = this;
    if (n > d) {
      const Z = Float64Array.from(X);
      this._basis = { Z, r: d, toModelSpace: (wz) => Float64Array.from(wz) };
    } else {
      const t0 = performance.now();
      const K = gram(X, n, d);
      const t1 = performance.now();
      const chol = pivotedCholesky(K, n);
      this.basisTimings = { gram: (t1 - t0) / 1000, cholesky: (performance.now() - t1) / 1000 };
      this._basis = { Z: chol.G, r: chol.rank, toModelSpace: (wz) => choleskyToModel(chol, X, d, wz) };
    }
    return this._basis;
  }
}

function choleskyToModel(chol: PivotedCholesky, X: Float32Array, d: number, wz: Float64Array): Float64Array {
  const u = solvePivotTranspose(chol, wz);
  const out = new Float64Array(d);
  for (let a = 0; a < chol.rank; a++) {
    const c = u[a]!;
    const o = chol.pivots[a]! * d;
    for (let k = 0; k < d; k++) out[k] = out[k]! + c * X[o + k]!;
  }
  return out;
}
