/**
 * Straightforward float64 reference implementations, written separately from the engine:
 * plain loops in model space (no Gram matrices, no Cholesky coordinates, no blocking), Newton's
 * method for the logistic regression, cyclic Jacobi for eigenvalues. Slow on purpose; used only to
 * check the optimised methods on small problems.
 */

export type Mat = number[][];

export function rowsOf(X: Float32Array, n: number, d: number): Mat {
  const out: Mat = [];
  for (let i = 0; i < n; i++) out.push(Array.from(X.subarray(i * d, (i + 1) * d)));
  return out;
}

export function dotR(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function meanR(rows: number[][]): number[] {
  const d = rows[0]!.length;
  const m = new Array<number>(d).fill(0);
  for (const r of rows) for (let k = 0; k < d; k++) m[k]! += r[k]! / rows.length;
  return m;
}

export function sub(a: number[], b: number[]): number[] {
  return a.map((x, i) => x - b[i]!);
}

export function cosR(a: number[], b: number[]): number {
  return dotR(a, b) / Math.sqrt(dotR(a, a) * dotR(b, b));
}

/** AUROC by counting every (positive, negative) pair. */
export function aurocR(scores: number[], labels: number[]): number {
  let wins = 0;
  let total = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      total++;
      if (scores[i]! > scores[j]!) wins += 1;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  return total === 0 ? 0.5 : wins / total;
}

export function cohensDR(scores: number[], labels: number[]): number {
  const a = scores.filter((_, i) => labels[i] === 1);
  const b = scores.filter((_, i) => labels[i] === 0);
  const ma = a.reduce((s, x) => s + x, 0) / a.length;
  const mb = b.reduce((s, x) => s + x, 0) / b.length;
  const va = a.reduce((s, x) => s + (x - ma) ** 2, 0);
  const vb = b.reduce((s, x) => s + (x - mb) ** 2, 0);
  return (ma - mb) / Math.sqrt((va + vb) / (a.length + b.length - 2));
}

export function accuracyR(scores: number[], labels: number[]): number {
  let ok = 0;
  scores.forEach((s, i) => (ok += (s > 0 ? 1 : 0) === labels[i] ? 1 : 0));
  return ok / scores.length;
}

/** Mean-difference classifier on train rows; metrics on test rows. */
export function diffmeanR(X: Mat, y: number[], train: number[], test: number[]): { w: number[]; acc: number; auc: number; d: number } {
  const mp = meanR(train.filter((i) => y[i] === 1).map((i) => X[i]!));
  const mn = meanR(train.filter((i) => y[i] === 0).map((i) => X[i]!));
  const w = sub(mp, mn);
  const mid = mp.map((v, k) => (v + mn[k]!) / 2);
  const s = test.map((i) => dotR(sub(X[i]!, mid), w));
  const yt = test.map((i) => y[i]!);
  return { w, acc: accuracyR(s, yt), auc: aurocR(s, yt), d: cohensDR(s, yt) };
}

/** Solve A x = b by Gaussian elimination with partial pivoting. */
export function solveR(A: Mat, b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

/**
 * L2 logistic regression by Newton's method in model space:
 * minimise (1/m) Σ log(1 + exp(−s (x·w·scale + b))) + (λ/2)|w|².
 */
export function logisticR(X: Mat, y: number[], rows: number[], lambda: number, scale: number): { w: number[]; b: number } {
  const d = X[0]!.length;
  let w = new Array<number>(d).fill(0);
  let b = 0;
  const m = rows.length;
  for (let it = 0; it < 100; it++) {
    const g = new Array<number>(d + 1).fill(0);
    const H: Mat = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (const i of rows) {
      const x = [...X[i]!.map((v) => v * scale), 1];
      const f = dotR(x.slice(0, d), w) + b;
      const p = 1 / (1 + Math.exp(-f));
      const t = y[i] === 1 ? 1 : 0;
      for (let a = 0; a <= d; a++) {
        g[a]! += ((p - t) * x[a]!) / m;
        for (let c = 0; c <= d; c++) H[a]![c]! += (p * (1 - p) * x[a]! * x[c]!) / m;
      }
    }
    for (let a = 0; a < d; a++) {
      g[a]! += lambda * w[a]!;
      H[a]![a]! += lambda;
    }
    const step = solveR(H, g);
    w = w.map((v, a) => v - step[a]!);
    b -= step[d]!;
    if (Math.max(...step.map(Math.abs)) < 1e-12) break;
  }
  return { w, b };
}

/** Eigenvalues of a symmetric matrix by cyclic Jacobi, descending. */
export function eigenvaluesR(A: Mat): number[] {
  const n = A.length;
  const a = A.map((r) => [...r]);
  for (let sweep = 0; sweep < 200; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (off < 1e-28) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p]![q]!) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * a[p]![q]!);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((r, i) => r[i]!).sort((x, y) => y - x);
}

/** Second-moment matrix Σ dᵢ dᵢᵀ of rows (d × d). */
export function secondMomentR(D: Mat): Mat {
  const d = D[0]!.length;
  const M: Mat = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const r of D) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) M[a]![b]! += r[a]! * r[b]!;
  return M;
}

export function varianceCountsR(values: number[]): { k80: number; k90: number; k95: number; pr: number } {
  const v = values.map((x) => Math.max(0, x));
  const total = v.reduce((s, x) => s + x, 0);
  const count = (t: number) => {
    let cum = 0;
    for (let i = 0; i < v.length; i++) {
      cum += v[i]!;
      if (cum >= t * total * (1 - 1e-12)) return i + 1;
    }
    return v.length;
  };
  return { k80: count(0.8), k90: count(0.9), k95: count(0.95), pr: total ** 2 / v.reduce((s, x) => s + x * x, 0) };
}

/** INLP with explicit projections in model space. */
export function inlpR(X: Mat, y: number[], train: number[], test: number[], lambda: number, scale: number, maxDirections: number, sigmas: number): { count: number; accuracies: number[] } {
  let Xc = X.map((r) => [...r]);
  const yt = test.map((i) => y[i]!);
  const ones = yt.filter((v) => v === 1).length;
  const chance = Math.max(ones, yt.length - ones) / yt.length;
  const threshold = chance + sigmas * Math.sqrt((chance * (1 - chance)) / yt.length);
  const accuracies: number[] = [];
  let count = 0;
  for (let t = 0; t <= maxDirections; t++) {
    const fit = logisticR(Xc, y, train, lambda, scale);
    const acc = accuracyR(test.map((i) => dotR(Xc[i]!, fit.w) * scale + fit.b), yt);
    accuracies.push(acc);
    if (acc <= threshold || t === maxDirections) break;
    const nw = Math.sqrt(dotR(fit.w, fit.w));
    const u = fit.w.map((v) => v / nw);
    Xc = Xc.map((r) => {
      const c = dotR(r, u);
      return r.map((v, k) => v - c * u[k]!);
    });
    count++;
  }
  return { count, accuracies };
}
