import { describe, expect, it } from "vitest";
import { pivotedCholesky } from "../../workers/probes/linalg/cholesky";
import { jacobiEigen, symmetricEigen, topEigenvectors } from "../../workers/probes/linalg/eigen";
import { gemm, gram, gramT, naiveGram } from "../../workers/probes/linalg/gemm";
import { LayerView } from "../../workers/probes/layer-view";
import { matVec } from "../../workers/probes/linalg/vector";
import { auroc, cohensD } from "../../workers/probes/stats/metrics";
import { createRng, deriveRng } from "../../workers/probes/stats/rng";
import { makeFolds } from "../../workers/probes/stats/splits";
import { fitLogistic } from "../../workers/probes/stats/logistic-regression";
import { aurocR, cohensDR, eigenvaluesR, logisticR, rowsOf } from "./reference/reference";

const rng = createRng(42);
const randn = (len: number) => Float32Array.from({ length: len }, () => rng.normal());

describe("linalg kernels", () => {
  it("blocked Gram equals the triple loop, including ragged sizes", () => {
    for (const [n, d] of [[1, 3], [7, 300], [13, 5], [33, 517]] as const) {
      const X = randn(n * d);
      const a = gram(X, n, d);
      const b = naiveGram(X, n, d);
      expect(a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0)).toBeLessThan(1e-9);
      const t = gramT(X, n, d);
      const ref = naiveGram(Float32Array.from({ length: n * d }, (_, idx) => X[(idx % n) * d + Math.floor(idx / n)]!), d, n);
      expect(t.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i]!)), 0)).toBeLessThan(1e-9);
    }
  });

  it("gemm equals the definition", () => {
    const A = randn(5 * 7);
    const B = randn(7 * 3);
    const C = gemm(A, B, 5, 7, 3);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 7; k++) s += A[i * 7 + k]! * B[k * 3 + j]!;
      expect(C[i * 3 + j]).toBeCloseTo(s, 10);
    }
  });

  it("symmetric eigenvalues match the Jacobi reference; vectors satisfy A v = λ v", () => {
    for (const n of [1, 2, 5, 40]) {
      const X = randn(n * (n + 3));
      const A = gram(X, n, n + 3);
      const ev = symmetricEigen(A, n, true);
      const ref = eigenvaluesR(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, (i + 1) * n))));
      ev.values.forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 7));
      const valuesOnly = symmetricEigen(A, n, false).values;
      valuesOnly.forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 7));
      for (let j = 0; j < n; j++) {
        const v = Float64Array.from({ length: n }, (_, i) => ev.vectors![i * n + j]!);
        const Av = matVec(A, n, n, v);
        for (let i = 0; i < n; i++) expect(Av[i]).toBeCloseTo(ev.values[j]! * v[i]!, 6);
      }
      const jac = jacobiEigen(A, n);
      jac.values.forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 7));
    }
  });

  it("subspace iteration finds the leading eigenvectors of a large matrix", () => {
    const n = 300;
    const X = randn(n * 40);
    const A = gram(X, n, 40);
    const full = symmetricEigen(A, n, false).values;
    const top = topEigenvectors(A, n, 3, deriveRng(1, "t"));
    top.values.forEach((v, i) => expect(v / full[i]!).toBeCloseTo(1, 8));
  });

  it("pivoted Cholesky coordinates are an exact isometry, also when rank-deficient", () => {
    const n = 30;
    const d = 50;
    const low = randn(n * 4);
    const mix = randn(4 * d);
    const X = Float32Array.from(gemm(low, mix, n, 4, d)); // rank 4
    const chol = pivotedCholesky(gram(X, n, d), n);
    expect(chol.rank).toBe(4);
    const view = new LayerView("h", 0, X, n, d);
    const b = view.basis();
    const K = gram(X, n, d);
    const ZZ = gram(b.Z, n, b.r);
    const scale = Math.max(...K.map(Math.abs));
    for (let i = 0; i < n * n; i++) expect(Math.abs(ZZ[i]! - K[i]!) / scale).toBeLessThan(1e-6);
  });

  it("AUROC and Cohen's d match the pair-counting and textbook definitions", () => {
    const scores = Array.from({ length: 41 }, () => Math.round(rng.normal() * 3) / 3);
    const labels = scores.map((_, i) => (i % 3 === 0 ? 1 : 0));
    expect(auroc(scores, labels)).toBeCloseTo(aurocR(scores, labels), 12);
    expect(cohensD(scores, labels)).toBeCloseTo(cohensDR(scores, labels), 12);
  });

  it("L-BFGS logistic regression reaches Newton's optimum", () => {
    const n = 80;
    const d = 6;
    const X = randn(n * d);
    const y = Uint8Array.from({ length: n }, (_, i) => (X[i * d]! + 0.5 * X[i * d + 1]! + 0.7 * rng.normal() > 0 ? 1 : 0));
    const rows = Array.from({ length: n }, (_, i) => i);
    const fit = fitLogistic(Float64Array.from(X), d, rows, y, { lambda: 0.05, scale: 0.5 });
    const ref = logisticR(rowsOf(X, n, d), Array.from(y), rows, 0.05, 0.5);
    fit.w.forEach((w, k) => expect(w).toBeCloseTo(ref.w[k]!, 6));
    expect(fit.b).toBeCloseTo(ref.b, 6);
  });

  it("folds keep pairs together, stratify, and are seeded", () => {
    const groups = Int32Array.from({ length: 40 }, (_, i) => i >> 1);
    const y = Uint8Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const folds = makeFolds(groups, y, { kind: "kfold", k: 5 }, createRng(3));
    const again = makeFolds(groups, y, { kind: "kfold", k: 5 }, createRng(3));
    expect(folds).toEqual(again);
    const seen = new Set<number>();
    for (const f of folds) {
      for (const i of f.test) {
        expect(seen.has(i)).toBe(false);
        seen.add(i);
        expect(Array.from(f.test)).toContain(i % 2 === 0 ? i + 1 : i - 1);
      }
    }
    expect(seen.size).toBe(40);
  });
});
