/**
 * Matrix products. `gram` is the hot loop of the probe engine (X X^T for n ≤ d, X^T X for n > d):
 * it packs a block of columns of X into 4-row interleaved float64 panels and runs a 4×4
 * register-tiled micro-kernel over the upper triangle, so each loaded value is reused four times.
 * `naiveGram` is the plain triple loop kept as the benchmark's baseline.
 */
import type { FloatArray } from "./vector";

const KC = 256;
/** Row groups (of 4) per column block: 16 × 4 rows × KC × 8 bytes = 128 KiB. */
const JB = 16;

/** K = X X^T for X [n, d] row-major; returns a full symmetric Float64Array [n, n]. */
export function gram(X: FloatArray, n: number, d: number): Float64Array {
  const K = new Float64Array(n * n);
  const groups = Math.ceil(n / 4);
  const panel = new Float64Array(groups * 4 * KC);
  const tile = new Float64Array(16);
  for (let k0 = 0; k0 < d; k0 += KC) {
    const kc = Math.min(KC, d - k0);
    panel.fill(0);
    for (let i = 0; i < n; i++) {
      const base = (i >> 2) * 4 * KC + (i & 3);
      const xo = i * d + k0;
      for (let k = 0; k < kc; k++) panel[base + 4 * k] = X[xo + k]!;
    }
    // Column blocks of JB groups stay in L2 while every row group up to them streams past.
    for (let jb = 0; jb < groups; jb += JB) {
      const jEnd = Math.min(groups, jb + JB);
      for (let gi = 0; gi < jEnd; gi++) {
        const ao = gi * 4 * KC;
        for (let gj = Math.max(gi, jb); gj < jEnd; gj++) {
          microKernel(panel, ao, gj * 4 * KC, kc, tile);
          for (let r = 0; r < 4; r++) {
            const i = gi * 4 + r;
            if (i >= n) break;
            for (let s = 0; s < 4; s++) {
              const j = gj * 4 + s;
              if (j >= n) break;
              K[i * n + j] = K[i * n + j]! + tile[r * 4 + s]!;
            }
          }
        }
      }
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) K[i * n + j] = K[j * n + i]!;
  return K;
}

function microKernel(P: Float64Array, ao: number, bo: number, kc: number, out: Float64Array): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  const end = 4 * kc;
  for (let p = 0; p < end; p += 4) {
    const a0 = P[ao + p]!, a1 = P[ao + p + 1]!, a2 = P[ao + p + 2]!, a3 = P[ao + p + 3]!;
    const b0 = P[bo + p]!, b1 = P[bo + p + 1]!, b2 = P[bo + p + 2]!, b3 = P[bo + p + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  out[0] = c00; out[1] = c01; out[2] = c02; out[3] = c03;
  out[4] = c10; out[5] = c11; out[6] = c12; out[7] = c13;
  out[8] = c20; out[9] = c21; out[10] = c22; out[11] = c23;
  out[12] = c30; out[13] = c31; out[14] = c32; out[15] = c33;
}

/** X^T X for X [n, d]: the d×d scatter matrix, via the same kernel on the transpose. */
export function gramT(X: FloatArray, n: number, d: number): Float64Array {
  return gram(transpose(X, n, d), d, n);
}

export function transpose(X: FloatArray, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = X[i * cols + j]!;
  return out;
}

/** C = A B for A [m, k], B [k, n], cache-blocked i-k-j order. */
export function gemm(A: FloatArray, B: FloatArray, m: number, k: number, n: number): Float64Array {
  const C = new Float64Array(m * n);
  const BK = 128;
  for (let k0 = 0; k0 < k; k0 += BK) {
    const k1 = Math.min(k, k0 + BK);
    for (let i = 0; i < m; i++) {
      const co = i * n;
      for (let p = k0; p < k1; p++) {
        const a = A[i * k + p]!;
        if (a === 0) continue;
        const bo = p * n;
        for (let j = 0; j < n; j++) C[co + j] = C[co + j]! + a * B[bo + j]!;
      }
    }
  }
  return C;
}

/** The plain triple loop, K[i][j] = Σ_k X[i][k] X[j][k]; the benchmark's baseline. */
export function naiveGram(X: FloatArray, n: number, d: number): Float64Array {
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += X[i * d + k]! * X[j * d + k]!;
      K[i * n + j] = s;
    }
  }
  return K;
}
