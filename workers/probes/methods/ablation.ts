/**
 * ablation: project one layer's direction out of the residual stream after every block and
 * measure the drop. With labelled prompts (the data's own examples) the measure is the gap
 * between the positive and negative prompts' mean metric (log p(target) − log p(opposite), or the
 * final-layer projection in class-gap units); with custom prompts it is the mean metric.
 */
import type { AblationParams } from "../../../server/probes/spec";
import { cohensD } from "../stats/metrics";
import type { MethodOutput } from "../types";
import { type EffectMetric, type InterventionContext, directionFor, promptMetric, resolveInterventionLayers } from "./interventions-common";

export interface AblationMetrics {
  baseline: number;
  ablated: number;
  drop: number;
  /** drop / |baseline|. */
  relativeDrop: number;
  /** Cohen's d between positive and negative prompts' metric, before and after (labelled prompts only). */
  baselineSeparation: number | null;
  ablatedSeparation: number | null;
}

export interface AblationArtifacts {
  metric: EffectMetric;
  measure: "class-gap" | "mean";
  prompts: number;
}

function summarise(m: Float64Array, labels: Uint8Array | null): { value: number; separation: number | null } {
  if (!labels) return { value: m.reduce((a, b) => a + b, 0) / Math.max(1, m.length), separation: null };
  let sp = 0, np = 0, sn = 0, nn = 0;
  m.forEach((v, i) => {
    if (labels[i] === 1) { sp += v; np++; } else { sn += v; nn++; }
  });
  return { value: sp / Math.max(1, np) - sn / Math.max(1, nn), separation: cohensD(m, labels) };
}

export async function ablation(ctx: InterventionContext, params: AblationParams, prompts: readonly string[], labels: Uint8Array | null, path: string): Promise<MethodOutput<AblationMetrics, AblationArtifacts>> {
  const layers = resolveInterventionLayers(params.layers, ctx.nLayers, path);
  const allBlocks = Array.from({ length: ctx.nLayers }, (_, i) => i);
  const base = summarise(await promptMetric(ctx, prompts, params.completions, undefined), labels);
  const perLayer: MethodOutput<AblationMetrics, unknown>["perLayer"] = [];
  for (const layer of layers) {
    const u = directionFor(ctx, layer, params.vector, path);
    const abl = summarise(await promptMetric(ctx, prompts, params.completions, { ablation: { blocks: allBlocks, directions: [u] } }), labels);
    const drop = base.value - abl.value;
    perLayer.push({
      hook: `blocks.${layer}.hook_resid_post`,
      layer,
      baseline: base.value,
      ablated: abl.value,
      drop,
      relativeDrop: base.value !== 0 ? drop / Math.abs(base.value) : 0,
      baselineSeparation: base.separation,
      ablatedSeparation: abl.separation,
    });
  }
  return { perLayer, artifacts: { metric: params.completions ? "logprob-diff" : "final-projection", measure: labels ? "class-gap" : "mean", prompts: prompts.length } };
}
