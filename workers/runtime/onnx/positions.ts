/**
 * Position ids and the attention mask, derived from `attention_mask` so that right- and
 * left-padded batches see exactly the positions a one-by-one run would.
 */
import type { Value } from "./builder";
import type { BuildContext, SequenceInfo } from "./context";
import { ropeTables } from "./rope";

/** A large negative bias rather than -inf: fully masked (padding) rows stay finite, never NaN. */
export const MASKED = -1e9;

export function sequenceInfo(ctx: BuildContext, inputIds: Value, attentionMask: Value): SequenceInfo {
  const { g, config } = ctx;
  const one = g.constInt64([1], []);
  const zero = g.constInt64([0], []);
  // position = cumsum(mask) - 1, clamped at 0 for left padding
  const positionIds = g.max(g.sub(g.cumsum(attentionMask, 1), one), zero);

  // allowed[b, i, j] = (j <= i) && mask[b, j]
  const seq = g.dim(inputIds, 1);
  const idx = g.range(zero, seq, one);
  const causal = g.lessOrEqual(g.unsqueeze(idx, [0]), g.unsqueeze(idx, [1])); // [S(i), S(j)] ← j <= i
  const keyValid = g.unsqueeze(g.cast(attentionMask, "bool"), [1, 2]); // [B, 1, 1, S]
  const allowed = g.and(g.unsqueeze(causal, [0, 1]), keyValid); // [B, 1, S, S]
  let attentionBias = g.where(allowed, g.constFloat([0]), g.constFloat([MASKED]));
  const groups = config.nHeads / config.nKvHeads;
  // queries of a kv group are laid out [group, seq] along one axis (see attention.ts)
  if (groups > 1) attentionBias = g.tile(attentionBias, [1, 1, groups, 1]);

  const rope = config.ropeTheta === null ? null : ropeTables(ctx, positionIds);
  return { positionIds, attentionBias, rope };
}
