/**
 * Symmetric eigendecomposition: Householder tridiagonalisation followed by the implicit QL
 * algorithm (after JAMA's tred2/tql2, public domain), with eigenvector accumulation optional
 * (eigenvalues alone cost about a third). Results are sorted by descending eigenvalue.
 * `jacobiEigen` is the cyclic Jacobi method for small matrices; `topEigenvectors` uses
 * subspace iteration with Rayleigh–Ritz for the leading k eigenpairs of a large matrix.
 */
import type { Rng } from "../stats/rng";
import { dot } from "./vector";

export interface SymmetricEigen {
  /** Descending. */
  values: Float64Array;
  /** [n, n] row-major; column j (vectors[i * n + j]) is the eigenvector of values[j]. Null when not requested. */
  vectors: Float64Array | null;
}

export function symmetricEigen(A: Float64Array, n: number, wantVectors: boolean): SymmetricEigen {
  if (n === 0) return { values: new Float64Array(0), vectors: wantVectors ? new Float64Array(0) : null };
  const V = Float64Array.from(A);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(V, d, e, n, wantVectors);
  tql2(V, d, e, n, wantVectors);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[b]! - d[a]! || a - b);
  const values = Float64Array.from(order, (i) => d[i]!);
  if (!wantVectors) return { values, vectors: null };
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vectors[i * n + j] = V[i * n + order[j]!]!;
  return { values, vectors };
}

function tred2(V: Float64Array, d: Float64Array, e: Float64Array, n: number, wantVectors: boolean): void {
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j]!;
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] = d[k]! / scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        V[j * n + i] = f;
        g = e[j]! + V[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const vkj = V[k * n + j]!;
          g += vkj * d[k]!;
          e[k] = e[k]! + vkj * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) V[k * n + j] = V[k * n + j]! - (f * e[k]! + g * d[k]!);
        d[j] = V[(i - 1) * n + j]!;
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  if (!wantVectors) {
    for (let j = 0; j < n; j++) d[j] = V[j * n + j]!;
    e[0] = 0;
    return;
  }
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i]!;
    V[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1]! * V[k * n + j]!;
        for (let k = 0; k <= i; k++) V[k * n + j] = V[k * n + j]! - g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j]!;
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

function tql2(V: Float64Array, d: Float64Array, e: Float64Array, n: number, wantVectors: boolean): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        iter++;
        if (iter > 200) throw new Error("symmetricEigen: QL iteration did not converge");
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          if (wantVectors) {
            for (let k = 0; k < n; k++) {
              const row = k * n;
              const hk = V[row + i + 1]!;
              V[row + i + 1] = s * V[row + i]! + c * hk;
              V[row + i] = c * V[row + i]! - s * hk;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}

/** Cyclic Jacobi for a small symmetric matrix; returns descending eigenvalues and column eigenvectors. */
export function jacobiEigen(A: Float64Array, n: number): SymmetricEigen {
  const a = Float64Array.from(A);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y]! - a[x * n + x]! || x - y);
  const values = Float64Array.from(order, (i) => a[i * n + i]!);
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vectors[i * n + j] = v[i * n + order[j]!]!;
  return { values, vectors };
}

/**
 * Leading k eigenpairs of a symmetric PSD matrix A [n, n] by subspace iteration with
 * Rayleigh–Ritz (block of k + 8 vectors). Returns vectors as k rows of length n.
 */
export function topEigenvectors(A: Float64Array, n: number, k: number, rng: Rng, maxIter = 300): { values: Float64Array; vectors: Float64Array[] } {
  k = Math.min(k, n);
  if (n <= 256) {
    const full = symmetricEigen(A, n, true);
    const vecs: Float64Array[] = [];
    for (let j = 0; j < k; j++) vecs.push(Float64Array.from({ length: n }, (_, i) => full.vectors![i * n + j]!));
    return { values: full.values.slice(0, k), vectors: vecs.map(fixSign) };
  }
  const b = Math.min(n, k + 8);
  let Q: Float64Array[] = [];
  for (let j = 0; j < b; j++) Q.push(Float64Array.from({ length: n }, () => rng.normal()));
  Q = orthonormalRows(Q);
  let prev = new Float64Array(k);
  let values = new Float64Array(k);
  let ritzVecs: Float64Array[] = Q;
  for (let iter = 0; iter < maxIter; iter++) {
    const AQ = Q.map((q) => symMatVec(A, n, q));
    const H = new Float64Array(b * b);
    for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) H[i * b + j] = dot(Q[i]!, AQ[j]!);
    const small = jacobiEigen(H, b);
    ritzVecs = [];
    for (let j = 0; j < b; j++) {
      const v = new Float64Array(n);
      for (let i = 0; i < b; i++) {
        const c = small.vectors![i * b + j]!;
        const qi = AQ[i]!;
        for (let t = 0; t < n; t++) v[t] = v[t]! + c * qi[t]!;
      }
      ritzVecs.push(v);
    }
    values = small.values.slice(0, k);
    let converged = iter > 0;
    for (let j = 0; j < k; j++) if (Math.abs(values[j]! - prev[j]!) > 1e-13 * Math.max(1e-300, Math.abs(values[0]!))) converged = false;
    prev = values;
    Q = orthonormalRows(ritzVecs);
    if (converged) break;
  }
  // Final Rayleigh–Ritz on Q for the reported vectors.
  const AQ = Q.map((q) => symMatVec(A, n, q));
  const H = new Float64Array(b * b);
  for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) H[i * b + j] = dot(Q[i]!, AQ[j]!);
  const small = jacobiEigen(H, b);
  const out: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < b; i++) {
      const c = small.vectors![i * b + j]!;
      const qi = Q[i]!;
      for (let t = 0; t < n; t++) v[t] = v[t]! + c * qi[t]!;
    }
    out.push(fixSign(v));
  }
  return { values: small.values.slice(0, k), vectors: out };
}

function symMatVec(A: Float64Array, n: number, x: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = dot(A, x, n, i * n, 0);
  return y;
}

/** Modified Gram–Schmidt on a list of vectors (twice, for stability); drops near-zero vectors. */
export function orthonormalRows(vs: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const v0 of vs) {
    const v = Float64Array.from(v0);
    const n0 = Math.sqrt(dot(v, v));
    for (let pass = 0; pass < 2; pass++) {
      for (const u of out) {
        const c = dot(u, v);
        for (let t = 0; t < v.length; t++) v[t] = v[t]! - c * u[t]!;
      }
    }
    const nv = Math.sqrt(dot(v, v));
    if (nv <= 1e-10 * n0 || nv === 0) continue;
    for (let t = 0; t < v.length; t++) v[t] = v[t]! / nv;
    out.push(v);
  }
  return out;
}

/** Deterministic sign: the entry of largest magnitude is made positive. */
export function fixSign(v: Float64Array): Float64Array {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]!) > Math.abs(v[best]!) + 1e-12) best = i;
  if ((v[best] ?? 0) < 0) for (let i = 0; i < v.length; i++) v[i] = -v[i]!;
  return v;
}
