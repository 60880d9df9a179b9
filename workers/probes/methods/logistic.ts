/**
 * logistic: L2-regularised logistic regression per layer, with held-out (k-fold or split)
 * accuracy and AUROC, and the control task — the same probe trained on shuffled labels — whose
 * accuracy is the baseline for selectivity = accuracy − control accuracy.
 * Features are divided by the layer's RMS activation norm so one λ suits every layer.
 */
import type { LogisticParams } from "../../../server/probes/spec";
import { accuracy, auroc, meanOf } from "../stats/metrics";
import { fitLogistic, logisticScores } from "../stats/logistic-regression";
import { deriveRng, shuffleInPlace } from "../stats/rng";
import type { LayerContext, MethodOutput } from "../types";
import { allRows, labelsOf, unitF32 } from "./common";

export interface LogisticMetrics {
  accuracy: number;
  auroc: number;
  trainAccuracy: number;
  controlAccuracy: number | null;
  controlAuroc: number | null;
  selectivity: number | null;
  /** Most L-BFGS iterations any fold needed. */
  iterations: number;
}

export interface LogisticArtifact {
  /** Unit weight direction in model space, fitted on all data. */
  direction: Float32Array;
}

function crossValidate(ctx: LayerContext, y: Uint8Array, params: LogisticParams): { acc: number; auc: number; trainAcc: number; iters: number } {
  const basis = ctx.view.basis();
  const scale = ctx.view.rmsNorm > 0 ? 1 / ctx.view.rmsNorm : 1;
  const acc: number[] = [];
  const auc: number[] = [];
  const trainAcc: number[] = [];
  let iters = 0;
  for (const fold of ctx.folds) {
    const fit = fitLogistic(basis.Z, basis.r, fold.train, y, { lambda: params.l2, scale, maxIterations: params.maxIterations });
    iters = Math.max(iters, fit.iterations);
    const s = logisticScores(basis.Z, basis.r, fold.test, fit, scale);
    const yt = labelsOf(fold.test, y);
    acc.push(accuracy(s, yt));
    auc.push(auroc(s, yt));
    trainAcc.push(accuracy(logisticScores(basis.Z, basis.r, fold.train, fit, scale), labelsOf(fold.train, y)));
  }
  return { acc: meanOf(acc), auc: meanOf(auc), trainAcc: meanOf(trainAcc), iters };
}

/** Labels permuted at random (the control task); pairs keep one positive and one negative member. */
export function controlLabels(ctx: LayerContext): Uint8Array {
  const rng = deriveRng(ctx.seed, "logistic-control", ctx.view.hook);
  const { data } = ctx;
  const y = new Uint8Array(data.n);
  if (data.pairs) {
    // Flip each pair's orientation at random: labels no longer follow the concept, balance is kept.
    for (let i = 0; i < data.pairs.pos.length; i++) {
      const flip = rng.next() < 0.5;
      y[data.pairs.pos[i]!] = flip ? 0 : 1;
      y[data.pairs.neg[i]!] = flip ? 1 : 0;
    }
    return y;
  }
  const labels = Array.from(data.y);
  shuffleInPlace(labels, rng);
  labels.forEach((v, i) => (y[i] = v));
  return y;
}

export function logisticLayer(ctx: LayerContext, params: LogisticParams): { metrics: LogisticMetrics; artifact: LogisticArtifact } {
  const main = crossValidate(ctx, ctx.data.y, params);
  const control = params.controlTask ? crossValidate(ctx, controlLabels(ctx), params) : null;
  const basis = ctx.view.basis();
  const scale = ctx.view.rmsNorm > 0 ? 1 / ctx.view.rmsNorm : 1;
  const full = fitLogistic(basis.Z, basis.r, allRows(ctx.data.n), ctx.data.y, { lambda: params.l2, scale, maxIterations: params.maxIterations });
  return {
    metrics: {
      accuracy: main.acc,
      auroc: main.auc,
      trainAccuracy: main.trainAcc,
      controlAccuracy: control ? control.acc : null,
      controlAuroc: control ? control.auc : null,
      selectivity: control ? main.acc - control.acc : null,
      iterations: Math.max(main.iters, control?.iters ?? 0),
    },
    artifact: { direction: unitF32(basis.toModelSpace(full.w)) },
  };
}

export function logistic(layers: Iterable<LayerContext>, params: LogisticParams): MethodOutput<LogisticMetrics, { directions: Array<{ hook: string; layer: number; direction: Float32Array }> }> {
  const perLayer: MethodOutput<LogisticMetrics, unknown>["perLayer"] = [];
  const directions: Array<{ hook: string; layer: number; direction: Float32Array }> = [];
  for (const ctx of layers) {
    const { metrics, artifact } = logisticLayer(ctx, params);
    perLayer.push({ hook: ctx.view.hook, layer: ctx.view.layer, ...metrics });
    directions.push({ hook: ctx.view.hook, layer: ctx.view.layer, direction: artifact.direction });
  }
  return { perLayer, artifacts: { directions } };
}
