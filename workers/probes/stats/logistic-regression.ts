/**
 * L2-regularised logistic regression by L-BFGS (deterministic, no randomness):
 *   minimise (1/m) Σ log(1 + exp(−s_i (z_i·w + b))) + (λ/2) |w|²,   s_i = ±1,
 * on the rows `rows` of a row-major feature matrix Z [*, r], with features multiplied by `scale`.
 * The bias is not penalised.
 */
import { dot } from "../linalg/vector";

export interface LogisticFit {
  /** Weights in the (scaled) feature space, length r. */
  w: Float64Array;
  b: number;
  iterations: number;
  converged: boolean;
}

export interface LogisticOptions {
  lambda: number;
  scale?: number;
  maxIterations?: number;
  /** Stop when the gradient's max-norm falls below this. */
  gradTol?: number;
}

function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

function sigmoid(t: number): number {
  if (t >= 0) return 1 / (1 + Math.exp(-t));
  const e = Math.exp(t);
  return e / (1 + e);
}

export function fitLogistic(Z: Float64Array, r: number, rows: ArrayLike<number>, labels: ArrayLike<number>, opts: LogisticOptions): LogisticFit {
  const m = rows.length;
  const scale = opts.scale ?? 1;
  const lambda = opts.lambda;
  const maxIter = opts.maxIterations ?? 500;
  const gradTol = opts.gradTol ?? 1e-7;
  const A = new Float64Array(m * r);
  const s = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    const o = rows[t]! * r;
    for (let k = 0; k < r; k++) A[t * r + k] = Z[o + k]! * scale;
    s[t] = labels[rows[t]!] === 1 ? 1 : -1;
  }
  const dim = r + 1; // weights then bias
  const margins = new Float64Array(m);
  const coef = new Float64Array(m);
  const evaluate = (x: Float64Array, grad: Float64Array): number => {
    const b = x[r]!;
    let loss = 0;
    for (let t = 0; t < m; t++) {
      const f = dot(A, x, r, t * r, 0) + b;
      margins[t] = f;
      loss += softplus(-s[t]! * f);
      coef[t] = (-s[t]! * sigmoid(-s[t]! * f)) / m;
    }
    loss /= m;
    grad.fill(0);
    let gb = 0;
    for (let t = 0; t < m; t++) {
      const c = coef[t]!;
      gb += c;
      if (c === 0) continue;
      const o = t * r;
      for (let k = 0; k < r; k++) grad[k] = grad[k]! + c * A[o + k]!;
    }
    let reg = 0;
    for (let k = 0; k < r; k++) {
      grad[k] = grad[k]! + lambda * x[k]!;
      reg += x[k]! * x[k]!;
    }
    grad[r] = gb;
    return loss + 0.5 * lambda * reg;
  };
  const x = new Float64Array(dim);
  const g = new Float64Array(dim);
  let fx = evaluate(x, g);
  const memory = 10;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(dim);
  const xNew = new Float64Array(dim);
  const gNew = new Float64Array(dim);
  const alpha = new Float64Array(memory);
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIter; iterations++) {
    let gmax = 0;
    for (let k = 0; k < dim; k++) gmax = Math.max(gmax, Math.abs(g[k]!));
    if (gmax < gradTol) {
      converged = true;
      break;
    }
    // Two-loop recursion.
    for (let k = 0; k < dim; k++) dir[k] = -g[k]!;
    for (let j = S.length - 1; j >= 0; j--) {
      alpha[j] = rho[j]! * dot(S[j]!, dir);
      const yj = Y[j]!;
      for (let k = 0; k < dim; k++) dir[k] = dir[k]! - alpha[j]! * yj[k]!;
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!);
      for (let k = 0; k < dim; k++) dir[k] = dir[k]! * gamma;
    } else {
      const gn = Math.sqrt(dot(g, g));
      for (let k = 0; k < dim; k++) dir[k] = dir[k]! / Math.max(1, gn);
    }
    for (let j = 0; j < S.length; j++) {
      const beta = rho[j]! * dot(Y[j]!, dir);
      const sj = S[j]!;
      for (let k = 0; k < dim; k++) dir[k] = dir[k]! + (alpha[j]! - beta) * sj[k]!;
    }
    let slope = dot(g, dir);
    if (slope >= 0) {
      // Not a descent direction: restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let k = 0; k < dim; k++) dir[k] = -g[k]!;
      slope = dot(g, dir);
    }
    let step = 1;
    let fNew = 0;
    let accepted = false;
    for (let ls = 0; ls < 40; ls++) {
      for (let k = 0; k < dim; k++) xNew[k] = x[k]! + step * dir[k]!;
      fNew = evaluate(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    const sv = new Float64Array(dim);
    const yv = new Float64Array(dim);
    for (let k = 0; k < dim; k++) {
      sv[k] = xNew[k]! - x[k]!;
      yv[k] = gNew[k]! - g[k]!;
    }
    const sy = dot(sv, yv);
    x.set(xNew);
    g.set(gNew);
    const fOld = fx;
    fx = fNew;
    if (sy > 1e-16) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(sv);
      Y.push(yv);
      rho.push(1 / sy);
    }
    if (Math.abs(fOld - fx) <= 1e-15 * Math.max(1, Math.abs(fx))) {
      converged = true;
      iterations++;
      break;
    }
  }
  return { w: x.slice(0, r), b: x[r]!, iterations, converged };
}

/** Decision scores z_i·w·scale + b for the given rows. */
export function logisticScores(Z: Float64Array, r: number, rows: ArrayLike<number>, fit: LogisticFit, scale = 1): Float64Array {
  const out = new Float64Array(rows.length);
  for (let t = 0; t < rows.length; t++) out[t] = dot(Z, fit.w, r, rows[t]! * r, 0) * scale + fit.b;
  return out;
}
