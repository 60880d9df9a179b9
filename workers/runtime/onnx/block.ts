/**
 * One pre-norm transformer block (all supported architectures share this shape):
 *   mid  = resid + attn(norm_attn(resid))
 *   post = mid   + mlp(norm_ffn(mid))
 * The architecture-specific parts live in norms.ts (RMSNorm vs LayerNorm), attention.ts
 * (biases, qk-norm, RoPE layout) and mlp.ts (SwiGLU vs GELU). hook_attn_out and hook_mlp_out go
 * through ctx.hooks (tapped and patched before they join the stream).
 */
import type { Value } from "./builder";
import type { BuildContext, SequenceInfo } from "./context";
import { attention } from "./attention";
import { mlp } from "./mlp";
import { NO_HOOK_POINTS } from "./hook-points";
import { modelNorm } from "./norms";

export interface BlockValues {
  attnOut: Value;
  mlpOut: Value;
  /** MLP neurons after the activation (mlp.hook_post). */
  neurons: Value;
  residPost: Value;
}

export function transformerBlock(ctx: BuildContext, resid: Value, layer: number, seqInfo: SequenceInfo): BlockValues {
  const { g } = ctx;
  const hp = ctx.hooks ?? NO_HOOK_POINTS;
  const attnOut = hp.hook(`blocks.${layer}.hook_attn_out`, attention(ctx, modelNorm(ctx, resid, `blk.${layer}.attn_norm`), layer, seqInfo));
  const mid = g.add(resid, attnOut);
  const { neurons, out } = mlp(ctx, modelNorm(ctx, mid, `blk.${layer}.ffn_norm`), layer);
  const mlpOut = hp.hook(`blocks.${layer}.hook_mlp_out`, out);
  return { attnOut, mlpOut, neurons, residPost: g.add(mid, mlpOut) };
}
