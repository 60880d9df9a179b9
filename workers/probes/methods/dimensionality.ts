/**
 * dimensionality: how many directions the concept occupies at each layer.
 *  - PCA of the differences (pairs: positive − negative; labelled: positive − negative-class mean),
 *    centred by default (variance), or about zero (second moment): the number of components for
 *    80/90/95% of the variance and the participation ratio (Σλ)² / Σλ².
 *  - Iterative nullspace projection (INLP): fit a logistic probe on the training fold, test it on the
 *    held-out fold; while its accuracy is above chance, project its direction out of the data and
 *    repeat. The count is the number of orthogonal directions removed before the probe falls to chance.
 */
import type { DimensionalityParams } from "../../../server/probes/spec";
import { topEigenvectors, symmetricEigen } from "../linalg/eigen";
import { gram, gramT } from "../linalg/gemm";
import { dot } from "../linalg/vector";
import { accuracy, majorityRate } from "../stats/metrics";
import { fitLogistic, logisticScores } from "../stats/logistic-regression";
import { deriveRng } from "../stats/rng";
import type { LayerContext, MethodOutput } from "../types";
import { differences, labelsOf, unitF32 } from "./common";

export const VARIANCE_THRESHOLDS = [0.8, 0.9, 0.95] as const;

export interface DimensionalityMetrics {
  /** Number of differences analysed. */
  differences: number;
  components80: number;
  components90: number;
  components95: number;
  participationRatio: number;
  /** Fraction of variance of the leading components (up to 5). */
  explained: number[];
  inlpCount: number | null;
  /** False when INLP stopped at maxDirections with the probe still above chance (the count is then a lower bound). */
  inlpReachedChance: boolean | null;
  /** Held-out accuracy before each removal (index 0 = no direction removed), ending with the first at chance. */
  inlpAccuracies: number[] | null;
  inlpChance: number | null;
  inlpThreshold: number | null;
}

export interface DimensionalityArtifact {
  /** Leading principal directions of the differences (unit, model space). */
  components: Float32Array[];
  /** INLP directions in removal order (unit, model space). */
  inlpDirections: Float32Array[];
}

/** Eigenvalues (descending, clipped at 0) of the second-moment matrix of D [m, r]. */
export function differenceSpectrum(D: Float64Array, m: number, r: number): { values: Float64Array; small: "rows" | "cols"; M: Float64Array } {
  const small = m <= r ? "rows" : "cols";
  const M = small === "rows" ? gram(D, m, r) : gramT(D, m, r);
  const size = small === "rows" ? m : r;
  const values = symmetricEigen(M, size, false).values.map((v) => Math.max(0, v));
  return { values, small, M };
}

export function varianceCounts(values: Float64Array): { counts: number[]; participationRatio: number; explained: number[] } {
  let total = 0;
  let sq = 0;
  for (const v of values) {
    total += v;
    sq += v * v;
  }
  const counts = VARIANCE_THRESHOLDS.map((t) => {
    if (total <= 0) return 0;
    let cum = 0;
    for (let i = 0; i < values.length; i++) {
      cum += values[i]!;
      if (cum >= t * total * (1 - 1e-12)) return i + 1;
    }
    return values.length;
  });
  const explained = Array.from(values.slice(0, 5), (v) => (total > 0 ? v / total : 0));
  return { counts, participationRatio: sq > 0 ? (total * total) / sq : 0, explained };
}

export function dimensionalityLayer(ctx: LayerContext, params: DimensionalityParams): { metrics: DimensionalityMetrics; artifact: DimensionalityArtifact } {
  const basis = ctx.view.basis();
  const { r } = basis;
  const { D, m } = differences(basis, ctx.data.y, ctx.data.pairs, ctx.data.n);
  if (params.center && m > 0) {
    const mu = new Float64Array(r);
    for (let i = 0; i < m; i++) for (let k = 0; k < r; k++) mu[k] = mu[k]! + D[i * r + k]! / m;
    for (let i = 0; i < m; i++) for (let k = 0; k < r; k++) D[i * r + k] = D[i * r + k]! - mu[k]!;
  }
  const spec = differenceSpectrum(D, m, r);
  const { counts, participationRatio, explained } = varianceCounts(spec.values);
  const components: Float32Array[] = [];
  if (params.components > 0 && m > 0) {
    const size = spec.small === "rows" ? m : r;
    const top = topEigenvectors(spec.M, size, Math.min(params.components, size), deriveRng(ctx.seed, "pca", ctx.view.hook));
    top.vectors.forEach((u, j) => {
      if (top.values[j]! <= 0) return;
      let wz: Float64Array;
      if (spec.small === "cols") wz = u;
      else {
        // Right singular vector: Dᵀ u / σ.
        wz = new Float64Array(r);
        for (let i = 0; i < m; i++) {
          const c = u[i]!;
          for (let k = 0; k < r; k++) wz[k] = wz[k]! + c * D[i * r + k]!;
        }
      }
      components.push(unitF32(basis.toModelSpace(wz)));
    });
  }
  let inlp: ReturnType<typeof runInlp> | null = null;
  if (params.inlp.enabled) inlp = runInlp(ctx, params.inlp);
  return {
    metrics: {
      differences: m,
      components80: counts[0]!,
      components90: counts[1]!,
      components95: counts[2]!,
      participationRatio,
      explained,
      inlpCount: inlp?.count ?? null,
      inlpReachedChance: inlp?.reachedChance ?? null,
      inlpAccuracies: inlp?.accuracies ?? null,
      inlpChance: inlp?.chance ?? null,
      inlpThreshold: inlp?.threshold ?? null,
    },
    artifact: { components, inlpDirections: inlp?.directions ?? [] },
  };
}

/** INLP on the first fold (train → held-out test). */
export function runInlp(ctx: LayerContext, p: DimensionalityParams["inlp"]): { count: number; reachedChance: boolean; accuracies: number[]; chance: number; threshold: number; directions: Float32Array[] } {
  const basis = ctx.view.basis();
  const { r } = basis;
  const Z = Float64Array.from(basis.Z);
  const n = ctx.data.n;
  const fold = ctx.folds[0]!;
  const scale = ctx.view.rmsNorm > 0 ? 1 / ctx.view.rmsNorm : 1;
  const yt = labelsOf(fold.test, ctx.data.y);
  const chance = majorityRate(yt);
  const threshold = chance + p.chanceSigmas * Math.sqrt((chance * (1 - chance)) / Math.max(1, yt.length));
  const accuracies: number[] = [];
  const directions: Float32Array[] = [];
  let count = 0;
  let reachedChance = false;
  for (let t = 0; t <= p.maxDirections; t++) {
    const fit = fitLogistic(Z, r, fold.train, ctx.data.y, { lambda: p.l2, scale });
    const acc = accuracy(logisticScores(Z, r, fold.test, fit, scale), yt);
    accuracies.push(acc);
    if (acc <= threshold) {
      reachedChance = true;
      break;
    }
    if (t === p.maxDirections) break;
    const w = fit.w;
    const nw = Math.sqrt(dot(w, w));
    if (nw === 0) break;
    for (let k = 0; k < r; k++) w[k] = w[k]! / nw;
    // Project w out of every example: z ← z − (z·w) w.
    for (let i = 0; i < n; i++) {
      const c = dot(Z, w, r, i * r, 0);
      const o = i * r;
      for (let k = 0; k < r; k++) Z[o + k] = Z[o + k]! - c * w[k]!;
    }
    directions.push(unitF32(basis.toModelSpace(w)));
    count++;
  }
  return { count, reachedChance, accuracies, chance, threshold, directions };
}

export function dimensionality(layers: Iterable<LayerContext>, params: DimensionalityParams): MethodOutput<DimensionalityMetrics, Array<{ hook: string; layer: number } & DimensionalityArtifact>> {
  const perLayer: MethodOutput<DimensionalityMetrics, unknown>["perLayer"] = [];
  const artifacts: Array<{ hook: string; layer: number } & DimensionalityArtifact> = [];
  for (const ctx of layers) {
    const { metrics, artifact } = dimensionalityLayer(ctx, params);
    perLayer.push({ hook: ctx.view.hook, layer: ctx.view.layer, ...metrics });
    artifacts.push({ hook: ctx.view.hook, layer: ctx.view.layer, ...artifact });
  }
  return { perLayer, artifacts };
}
