/** RMSNorm (llama/qwen) and LayerNorm (gpt2) over the last axis. */
import type { Value } from "./builder";
import type { BuildContext } from "./context";

/** x / sqrt(mean(x²) + eps) · w — the pattern onnxruntime fuses into SimplifiedLayerNormalization. */
export function rmsNorm(ctx: BuildContext, x: Value, weight: Value): Value {
  const { g } = ctx;
  const ms = g.reduceMean(g.pow(x, g.constFloat([2])), [-1]);
  const denom = g.sqrt(g.add(ms, g.constFloat([ctx.config.normEps])));
  return g.mul(g.div(x, denom), weight);
}

export function layerNorm(ctx: BuildContext, x: Value, weight: Value, bias: Value): Value {
  return ctx.g.layerNorm(x, weight, bias, ctx.config.normEps);
}

/** The model's pre-norm named `prefix` (e.g. "blk.0.attn_norm") over d_model. */
export function modelNorm(ctx: BuildContext, x: Value, prefix: string): Value {
  const d = ctx.config.dModel;
  const weight = ctx.w.plain(`${prefix}.weight`, [d]);
  if (ctx.config.architecture === "gpt2") return layerNorm(ctx, x, weight, ctx.w.plain(`${prefix}.bias`, [d]));
  return rmsNorm(ctx, x, weight);
}
