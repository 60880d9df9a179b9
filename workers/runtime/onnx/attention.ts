/**
 * Causal multi-head self-attention with grouped key/value heads (GQA), optional q/k/v biases
 * (qwen2, gpt2), per-head q/k RMSNorm (qwen3) and RoPE (llama/qwen).
 *
 * GQA without copying keys/values: the G query heads that share a kv head are folded into the
 * query-length axis, so scores are a plain batched MatMul
 *   q [B, KvH, G*S, D] · kᵀ [B, KvH, D, S] → [B, KvH, G*S, S],
 * and the attention bias is tiled G times along that axis (positions.ts).
 *
 * Hook points (ctx.hooks): attn.hook_q/k/v [B, S, heads·D] (after qk-norm, before RoPE),
 * attn.hook_attn_scores / hook_pattern [B, H, S, S] (scaled scores + the mask bias / softmax), and
 * attn.hook_z [B, S, H·D] (per-head outputs before the output projection; patchable).
 */
import type { Value } from "./builder";
import type { BuildContext, SequenceInfo } from "./context";
import { NO_HOOK_POINTS } from "./hook-points";
import { attentionHookName } from "./hooks";
import { rmsNorm } from "./norms";
import { applyRotationRope } from "./kv-rope";
import { applyRope } from "./rope";
import { linear } from "./linear";

/** x [B, S, d] (already normed) → attention output [B, S, d] (after the output projection). */
export function attention(ctx: BuildContext, x: Value, layer: number, seqInfo: SequenceInfo): Value {
  const { g, config } = ctx;
  const { dModel: d, nHeads: H, nKvHeads: KvH, headDim: D } = config;
  if (H % KvH !== 0) throw new Error(`nHeads ${H} is not a multiple of nKvHeads ${KvH}`);
  const G = H / KvH;
  const p = `blk.${layer}`;
  const bias = config.attentionBias;

  // projections, split into heads: [B, S, heads, D]
  let q = g.reshape(linear(ctx, x, `${p}.attn_q`, H * D, d, bias), [0, 0, H, D]);
  let k = g.reshape(linear(ctx, x, `${p}.attn_k`, KvH * D, d, bias), [0, 0, KvH, D]);
  const v = g.reshape(linear(ctx, x, `${p}.attn_v`, KvH * D, d, bias), [0, 0, KvH, D]);

  if (config.qkNorm) {
    q = rmsNorm(ctx, q, ctx.w.plain(`${p}.attn_q_norm.weight`, [D]));
    k = rmsNorm(ctx, k, ctx.w.plain(`${p}.attn_k_norm.weight`, [D]));
  }
  const hp = ctx.hooks ?? NO_HOOK_POINTS;
  // TransformerLens hook_q/k/v: per position [heads × D], after qk-norm, before RoPE
  hp.tap(attentionHookName(layer, "q"), () => g.reshape(q, [0, 0, H * D]));
  hp.tap(attentionHookName(layer, "k"), () => g.reshape(k, [0, 0, KvH * D]));
  hp.tap(attentionHookName(layer, "v"), () => g.reshape(v, [0, 0, KvH * D]));
  const rope = seqInfo.rope;
  if (rope) {
    const rotate = (x: Value): Value => (rope.rotation ? applyRotationRope(ctx, x, { ...rope, rotation: rope.rotation }) : applyRope(ctx, x, rope));
    q = rotate(q);
    k = rotate(k);
  }

  // q: [B, S, KvH*G, D] → [B, S, KvH, G, D] → [B, KvH, G, S, D] → [B, KvH, G*S, D]
  const qg = g.reshape(g.transpose(g.reshape(q, [0, 0, KvH, G, D]), [0, 2, 3, 1, 4]), [0, 0, -1, D]);
  const scale = g.constFloat([Math.sqrt(D)]);
  const ctxOut = ctx.kvCache
    ? cachedAttention(ctx, qg, k, v, layer, seqInfo, scale)
    : fullAttention(ctx, qg, k, v, layer, seqInfo, scale);

  // back to [B, S, KvH*G*D]
  const merged = hp.hook(
    attentionHookName(layer, "z"),
    g.reshape(g.transpose(g.reshape(ctxOut, [0, 0, G, -1, D]), [0, 3, 1, 2, 4]), [0, 0, H * D]),
  );
  return linear(ctx, merged, `${p}.attn_output`, d, H * D, config.architecture === "gpt2");
}

/** Causal attention over the S positions of this run: [B, KvH, G*S, D]. */
function fullAttention(ctx: BuildContext, qg: Value, k: Value, v: Value, layer: number, seqInfo: SequenceInfo, scale: Value): Value {
  const { g, config } = ctx;
  const H = config.nHeads;
  const hp = ctx.hooks ?? NO_HOOK_POINTS;
  const kT = g.transpose(k, [0, 2, 3, 1]); // [B, KvH, D, S]
  const vh = g.transpose(v, [0, 2, 1, 3]); // [B, KvH, S, D]
  const scores = g.div(g.matmul(qg, kT), scale);
  const biased = g.add(scores, seqInfo.attentionBias);
  const probs = g.softmax(biased, -1);
  // [B, KvH, G*S, T] read as [B, H, S, T]: head h = kv·G + g, the query head that reads kv head ⌊h/G⌋
  hp.tap(attentionHookName(layer, "attn_scores"), () => g.reshape(biased, [0, H, -1, 0]));
  hp.tap(attentionHookName(layer, "pattern"), () => g.reshape(probs, [0, H, -1, 0]));
  return g.matmul(probs, vh);
}

/**
 * KV-cache graph: the P cached positions (past_key/past_value [B, KvH, P, D], read in place:
 * the caller's buffer may hold unused slots, masked out by attention_mask) and the S new ones.
 * The two score blocks are joined only along the (small) key axis, so the cache is never
 * copied; only the new keys/values go out (present_* [B, KvH, S, D]) for the caller to store.
 */
function cachedAttention(ctx: BuildContext, qg: Value, k: Value, v: Value, layer: number, seqInfo: SequenceInfo, scale: Value): Value {
  const { g } = ctx;
  const io = ctx.kvCache!;
  const past = io.past(layer);
  const names = io.presentNames(layer);
  // named as the graph outputs, so they are returned without an Identity copy
  const newKeys = g.node("Transpose", [k], { perm: [0, 2, 1, 3] }, names.key); // [B, KvH, S, D]
  const newValues = g.node("Transpose", [v], { perm: [0, 2, 1, 3] }, names.value);
  io.present(layer, newKeys, newValues);
  // the scale on the queries (G*S rows) rather than on the scores (P + S columns each)
  const qs = g.div(qg, scale);
  // q·kᵀ with the transpose folded into the MatMul by onnxruntime (no copy of the cache)
  const pastScores = g.matmul(qs, g.transpose(past.key, [0, 1, 3, 2])); // [B, KvH, G*S, P]
  const newScores = g.matmul(qs, g.transpose(newKeys, [0, 1, 3, 2])); // [B, KvH, G*S, S]
  const scores = g.concat([pastScores, newScores], -1);
  const probs = g.softmax(g.add(scores, seqInfo.attentionBias), -1);
  const P = g.node("Shape", [past.key], { start: 2, end: 3 }); // [P]
  const lastAxis = g.constInt64([-1]);
  const pastProbs = g.node("Slice", [probs, g.constInt64([0]), P, lastAxis]);
  const newProbs = g.node("Slice", [probs, P, g.constInt64([Number.MAX_SAFE_INTEGER]), lastAxis]);
  return g.add(g.matmul(pastProbs, past.value), g.matmul(newProbs, newValues));
}
