/**
 * Position ids and the attention mask, derived from `attention_mask` so that right- and
 * left-padded batches see exactly the positions a one-by-one run would. The KV-cache variant
 * does the same for S new tokens after P cached ones (the mask then spans all P + S positions; cached
 * slots it marks 0 are never attended to) and builds kv-rope.ts's tables.
 */
import type { Value } from "./builder";
import type { BuildContext, SequenceInfo } from "./context";
import { rotationRopeTables } from "./kv-rope";
import { ropeTables } from "./rope";

/** A large negative bias rather than -inf: fully masked (padding) rows stay finite, never NaN. */
export const MASKED = -1e9;

export function sequenceInfo(ctx: BuildContext, inputIds: Value, attentionMask: Value): SequenceInfo {
  const { g } = ctx;
  const one = g.constInt64([1], []);
  const zero = g.constInt64([0], []);
  // position = cumsum(mask) - 1, clamped at 0 for left padding
  const positionIds = g.max(g.sub(g.cumsum(attentionMask, 1), one), zero);

  // allowed[b, i, j] = (j <= i) && mask[b, j]
  const seq = g.dim(inputIds, 1);
  const idx = g.range(zero, seq, one);
  const causal = g.lessOrEqual(g.unsqueeze(idx, [0]), g.unsqueeze(idx, [1])); // [S(i), S(j)] ← j <= i
  return finish(ctx, positionIds, causal, attentionMask);
}

/** input_ids [B, S] are the new tokens; attention_mask [B, P + S] covers the cached positions too. */
export function kvSequenceInfo(ctx: BuildContext, inputIds: Value, attentionMask: Value): SequenceInfo {
  const { g } = ctx;
  const one = g.constInt64([1], []);
  const zero = g.constInt64([0], []);
  const total = g.dim(attentionMask, 1); // P + S
  const past = g.sub(total, g.dim(inputIds, 1)); // P
  // positions of every key from the mask's cumulative sum (left padding → 0), then the new ones
  const allPositions = g.max(g.sub(g.cumsum(attentionMask, 1), one), zero);
  const positionIds = g.node("Slice", [allPositions, g.unsqueeze(past, [0]), g.unsqueeze(total, [0]), g.constInt64([1])]);

  // query i sits at absolute index P + i: allowed[i, j] = j <= P + i
  const queryIdx = g.range(past, total, one);
  const keyIdx = g.range(zero, total, one);
  const causal = g.lessOrEqual(g.unsqueeze(keyIdx, [0]), g.unsqueeze(queryIdx, [1])); // [S, P + S]
  return finish(ctx, positionIds, causal, attentionMask, true);
}

/** Adds key padding to the causal pattern [S, T], tiles it per kv group and builds RoPE tables. */
function finish(ctx: BuildContext, positionIds: Value, causal: Value, attentionMask: Value, kvCache = false): SequenceInfo {
  const { g, config } = ctx;
  const keyValid = g.unsqueeze(g.cast(attentionMask, "bool"), [1, 2]); // [B, 1, 1, T]
  const allowed = g.and(g.unsqueeze(causal, [0, 1]), keyValid); // [B, 1, S, T]
  let attentionBias = g.where(allowed, g.constFloat([0]), g.constFloat([MASKED]));
  const groups = config.nHeads / config.nKvHeads;
  // queries of a kv group are laid out [group, seq] along one axis (see attention.ts)
  if (groups > 1) attentionBias = g.tile(attentionBias, [1, 1, groups, 1]);

  const rope = config.ropeTheta === null ? null : (kvCache ? rotationRopeTables : ropeTables)(ctx, positionIds);
  return { positionIds, attentionBias, rope };
}
