/**
 * Feed-forward blocks. Both return the post-activation neurons (mlp.hook_post) and the output.
 * - SwiGLU (llama/qwen): down(silu(gate(x)) · up(x))
 * - GELU (gpt2): down(gelu_tanh(up(x) + b_up)) + b_down
 */
import type { Value } from "./builder";
import type { BuildContext } from "./context";
import { NO_HOOK_POINTS } from "./hook-points";
import { linear } from "./linear";

export interface MlpResult {
  neurons: Value;
  out: Value;
}

export function mlp(ctx: BuildContext, x: Value, layer: number): MlpResult {
  return ctx.config.architecture === "gpt2" ? geluMlp(ctx, x, layer) : swigluMlp(ctx, x, layer);
}

function swigluMlp(ctx: BuildContext, x: Value, layer: number): MlpResult {
  const { g, config } = ctx;
  const p = `blk.${layer}`;
  const gate = linear(ctx, x, `${p}.ffn_gate`, config.dFfn, config.dModel, false);
  const up = linear(ctx, x, `${p}.ffn_up`, config.dFfn, config.dModel, false);
  const neurons = hookPost(ctx, layer, g.mul(g.mul(gate, g.sigmoid(gate)), up));
  return { neurons, out: linear(ctx, neurons, `${p}.ffn_down`, config.dModel, config.dFfn, false) };
}

function geluMlp(ctx: BuildContext, x: Value, layer: number): MlpResult {
  const { config } = ctx;
  const p = `blk.${layer}`;
  const neurons = hookPost(ctx, layer, geluTanh(ctx, linear(ctx, x, `${p}.ffn_up`, config.dFfn, config.dModel, true)));
  return { neurons, out: linear(ctx, neurons, `${p}.ffn_down`, config.dModel, config.dFfn, true) };
}

/** mlp.hook_post: the neurons the down projection reads (patched there when requested). */
function hookPost(ctx: BuildContext, layer: number, neurons: Value): Value {
  return (ctx.hooks ?? NO_HOOK_POINTS).hook(`blocks.${layer}.mlp.hook_post`, neurons);
}

/** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) — GPT-2's "gelu_new". */
export function geluTanh(ctx: BuildContext, x: Value): Value {
  const { g } = ctx;
  const cube = g.mul(g.mul(x, x), x);
  const inner = g.mul(g.add(x, g.mul(cube, g.constFloat([0.044715]))), g.constFloat([Math.sqrt(2 / Math.PI)]));
  const t = g.add(g.tanh(inner), g.constFloat([1]));
  return g.mul(g.mul(x, t), g.constFloat([0.5]));
}
