/**
 * diffmean: the mean-difference direction μ₊ − μ₋ per layer. Held-out accuracy (threshold midway
 * between the training class means), AUROC and Cohen's d of the projection, averaged over folds.
 * Artifacts: the unit direction on all data, and every example's projection onto it (the scores
 * that cross-model agreement correlates between models, which share prompts but not bases).
 */
import type { DiffmeanParams } from "../../../server/probes/spec";
import { accuracy, auroc, cohensD, meanOf } from "../stats/metrics";
import type { LayerContext, MethodOutput } from "../types";
import { allRows, labelsOf, meanDifference, scoreRows } from "./common";

export interface DiffmeanMetrics {
  accuracy: number;
  auroc: number;
  cohensD: number;
  trainAccuracy: number;
  /** |μ₊ − μ₋| on all data. */
  directionNorm: number;
  /** |μ₊ − μ₋| / RMS activation norm. */
  relativeNorm: number;
}

export interface DiffmeanArtifact {
  /** Unit mean-difference direction in model space (all data). */
  direction: Float32Array;
  /** Per example (rows of the binary data, in order): its activation · `direction`, summed in float64. */
  scores: Float32Array;
}

/** Each row of X [n, d] dotted with u (the stored float32 direction), accumulated in float64. */
export function projectRows(X: Float32Array, n: number, d: number, u: Float32Array): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * d;
    for (let k = 0; k < d; k++) s += X[o + k]! * u[k]!;
    out[i] = s;
  }
  return out;
}

export function diffmeanLayer(ctx: LayerContext, _params?: DiffmeanParams): { metrics: DiffmeanMetrics; artifact: DiffmeanArtifact } {
  const { view, data, folds } = ctx;
  const basis = view.basis();
  const acc: number[] = [];
  const auc: number[] = [];
  const dd: number[] = [];
  const trainAcc: number[] = [];
  for (const fold of folds) {
    const md = meanDifference(basis, data.y, fold.train);
    const s = scoreRows(basis, fold.test, md.w, md.offset);
    const yt = labelsOf(fold.test, data.y);
    acc.push(accuracy(s, yt));
    auc.push(auroc(s, yt));
    dd.push(cohensD(s, yt));
    trainAcc.push(accuracy(scoreRows(basis, fold.train, md.w, md.offset), labelsOf(fold.train, data.y)));
  }
  const full = meanDifference(basis, data.y, allRows(data.n));
  const dirModel = basis.toModelSpace(full.w);
  let nr = 0;
  for (let k = 0; k < dirModel.length; k++) nr += dirModel[k]! * dirModel[k]!;
  nr = Math.sqrt(nr);
  const direction = Float32Array.from(dirModel, (x) => (nr > 0 ? x / nr : 0));
  // Onto the direction as stored, so the scores are exactly what a download of it reproduces.
  const scores = projectRows(view.X, view.n, view.d, direction);
  return {
    metrics: {
      accuracy: meanOf(acc),
      auroc: meanOf(auc),
      cohensD: meanOf(dd),
      trainAccuracy: meanOf(trainAcc),
      directionNorm: nr,
      relativeNorm: view.rmsNorm > 0 ? nr / view.rmsNorm : 0,
    },
    artifact: { direction, scores },
  };
}

export interface DiffmeanLayerArtifact extends DiffmeanArtifact {
  hook: string;
  layer: number;
}

export function diffmean(layers: Iterable<LayerContext>, params: DiffmeanParams): MethodOutput<DiffmeanMetrics, { directions: DiffmeanLayerArtifact[] }> {
  const perLayer: MethodOutput<DiffmeanMetrics, unknown>["perLayer"] = [];
  const directions: DiffmeanLayerArtifact[] = [];
  for (const ctx of layers) {
    const { metrics, artifact } = diffmeanLayer(ctx, params);
    perLayer.push({ hook: ctx.view.hook, layer: ctx.view.layer, ...metrics });
    directions.push({ hook: ctx.view.hook, layer: ctx.view.layer, ...artifact });
  }
  return { perLayer, artifacts: { directions } };
}
