/**
 * steering: add α · (unit direction × typical residual norm at L) to the residual stream after
 * block L, over a grid of α and L, and measure the mean change (over prompts) in
 * log p(target) − log p(opposite) — or, without completions, in the final-layer projection onto
 * the final mean-difference direction, in units of the class gap (1 = the whole way from the
 * negative to the positive class mean). Reports the per-layer effect curve and its slope in α.
 */
import type { SteeringParams } from "../../../server/probes/spec";
import type { MethodOutput } from "../types";
import { type EffectMetric, type InterventionContext, directionFor, promptMetric, resolveInterventionLayers } from "./interventions-common";

export interface SteeringPoint {
  alpha: number;
  effect: number;
  stderr: number;
}

export interface SteeringMetrics {
  /** Norm of the added vector at α = 1. */
  vectorNorm: number;
  effects: SteeringPoint[];
  /** Least-squares slope of effect against α (through the origin). */
  slope: number;
  maxAbsEffect: number;
}

export interface SteeringArtifacts {
  metric: EffectMetric;
  baseline: number;
  prompts: number;
}

export async function steering(ctx: InterventionContext, params: SteeringParams, prompts: readonly string[], path: string): Promise<MethodOutput<SteeringMetrics, SteeringArtifacts>> {
  const layers = resolveInterventionLayers(params.layers, ctx.nLayers, path);
  const base = await promptMetric(ctx, prompts, params.completions, undefined);
  const perLayer: MethodOutput<SteeringMetrics, unknown>["perLayer"] = [];
  for (const layer of layers) {
    const u = directionFor(ctx, layer, params.vector, path);
    const scale = ctx.resid.get(layer)?.meanNorm ?? 1;
    const effects: SteeringPoint[] = [];
    for (const alpha of params.alphas) {
      const vector = Float32Array.from(u, (x) => x * alpha * scale);
      const m = await promptMetric(ctx, prompts, params.completions, { steering: [{ afterBlock: layer, vector }] });
      const diffs = Array.from(m, (v, i) => v - base[i]!);
      const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
      const sd = diffs.length > 1 ? Math.sqrt(diffs.reduce((a, b) => a + (b - mean) ** 2, 0) / (diffs.length - 1)) : 0;
      effects.push({ alpha, effect: mean, stderr: sd / Math.sqrt(diffs.length) });
    }
    let num = 0;
    let den = 0;
    for (const e of effects) {
      num += e.alpha * e.effect;
      den += e.alpha * e.alpha;
    }
    perLayer.push({
      hook: `blocks.${layer}.hook_resid_post`,
      layer,
      vectorNorm: scale,
      effects,
      slope: den > 0 ? num / den : 0,
      maxAbsEffect: Math.max(0, ...effects.map((e) => Math.abs(e.effect))),
    });
  }
  return {
    perLayer,
    artifacts: { metric: params.completions ? "logprob-diff" : "final-projection", baseline: base.reduce((a, b) => a + b, 0) / Math.max(1, base.length), prompts: prompts.length },
  };
}
