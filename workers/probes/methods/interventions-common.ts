/** What steering and ablation share: per-layer residual directions and the effect metric. */
import type { ReadoutPosition } from "../../../server/probes/spec";
import { type ActivationSource, type Intervention, hookName } from "../activation-source";
import { ProbeInputError } from "../types";

export interface ResidInfo {
  layer: number;
  /** Unit mean-difference direction of blocks.{L}.hook_resid_post (all data). */
  direction: Float32Array;
  /** Mean norm of the read-out residual vectors at this layer. */
  meanNorm: number;
  /** |μ₊ − μ₋|. */
  gap: number;
}

export interface InterventionContext {
  source: ActivationSource;
  position: ReadoutPosition;
  nLayers: number;
  dModel: number;
  resid: Map<number, ResidInfo>;
  batchSize?: number;
}

export type EffectMetric = "logprob-diff" | "final-projection";

/** Per-prompt metric: log p(target) − log p(opposite), or the final-layer projection in units of the class gap. */
export async function promptMetric(
  ctx: InterventionContext,
  prompts: readonly string[],
  completions: { target: string; opposite: string } | undefined,
  intervention: Intervention | undefined,
): Promise<Float64Array> {
  const out = new Float64Array(prompts.length);
  if (completions) {
    if (!ctx.source.completionLogProbs) throw new ProbeInputError("this model source cannot score completions — remove completions to measure the final-layer projection instead");
    const lp = await ctx.source.completionLogProbs(prompts, [completions.target, completions.opposite], intervention);
    for (let i = 0; i < prompts.length; i++) out[i] = lp[i * 2]! - lp[i * 2 + 1]!;
    return out;
  }
  const final = ctx.resid.get(ctx.nLayers - 1);
  if (!final) throw new Error("final-layer direction missing");
  const hook = hookName("blocks.{L}.hook_resid_post", ctx.nLayers - 1);
  const acts = (await ctx.source.read(prompts, [hook], ctx.position, intervention)).get(hook)!;
  const d = ctx.dModel;
  for (let i = 0; i < prompts.length; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += acts[i * d + k]! * final.direction[k]!;
    out[i] = final.gap > 0 ? s / final.gap : s;
  }
  return out;
}

/** Unit direction for layer L: the user's vector when given, else the layer's mean difference. */
export function directionFor(ctx: InterventionContext, layer: number, vector: number[] | undefined, path: string): Float32Array {
  if (vector) {
    if (vector.length !== ctx.dModel) throw new ProbeInputError(`${path}.vector: has ${vector.length} entries; the model's residual stream has ${ctx.dModel} — give a vector of length ${ctx.dModel}`);
    let nr = 0;
    for (const v of vector) nr += v * v;
    nr = Math.sqrt(nr);
    if (nr === 0) throw new ProbeInputError(`${path}.vector: is all zeros — give a non-zero direction`);
    return Float32Array.from(vector, (v) => v / nr);
  }
  const info = ctx.resid.get(layer);
  if (!info) throw new Error(`no residual direction for layer ${layer}`);
  return info.direction;
}

export function resolveInterventionLayers(sel: "all" | number[], nLayers: number, path: string): number[] {
  const layers = sel === "all" ? Array.from({ length: nLayers }, (_, i) => i) : [...new Set(sel)].sort((a, b) => a - b);
  const bad = layers.filter((l) => l >= nLayers);
  if (bad.length > 0) throw new ProbeInputError(`${path}.layers: layer ${bad.join(", ")} does not exist — the model has ${nLayers} blocks (0 to ${nLayers - 1})`);
  return layers;
}
