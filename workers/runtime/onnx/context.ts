import type { ModelConfig } from "../types";
import type { GraphBuilder, Value } from "./builder";
import type { HookPoints } from "./hook-points";
import type { WeightBinder } from "./weights";

/** What every layer builder needs. */
export interface BuildContext {
  g: GraphBuilder;
  w: WeightBinder;
  config: ModelConfig;
  /** Taps and patches of TransformerLens hook points (absent: none). */
  hooks?: HookPoints;
  /** Present only in KV-cache graphs (GraphSpec.kvCache): attention reads the past, reports the present. */
  kvCache?: KvCacheIo;
}

/**
 * Per-layer key/value cache graph inputs (the cached positions) and outputs (the new positions
 * only), [batch, nKvHeads, positions, headDim] (keys after RoPE).
 */
export interface KvCacheIo {
  past(layer: number): { key: Value; value: Value };
  /** Names the present key/value values must carry (the graph outputs). */
  presentNames(layer: number): { key: string; value: string };
  present(layer: number, key: Value, value: Value): void;
}

/** Per-forward tensors derived once from the inputs and shared by all blocks. */
export interface SequenceInfo {
  /** int64 [batch, seq]: cumsum(mask) - 1, clamped at 0. */
  positionIds: Value;
  /** float [batch, 1, groups*seq, seq]: 0 where attention is allowed, -1e9 elsewhere. */
  attentionBias: Value;
  /** RoPE tables (llama/qwen), shaped for the model's layout (KV-cache graphs: kv-rope.ts's full-width tables and rotation). */
  rope: { cos: Value; sin: Value; rotation?: Value } | null;
}
