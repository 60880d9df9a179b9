/**
 * Rotary position embeddings in both weight layouts:
 * - "rotate-half" (HF, qwen): dims j and j + D/2 rotate together;
 * - "adjacent-pairs" (GGUF llama): dims 2j and 2j + 1 rotate together.
 * Frequency j is theta^(-2j/D) in both. Activations are in [batch, seq, heads, headDim] layout.
 */
import type { Value } from "./builder";
import type { BuildContext } from "./context";

export function inverseFrequencies(headDim: number, theta: number): number[] {
  const half = headDim / 2;
  return Array.from({ length: half }, (_, j) => 1 / Math.pow(theta, (2 * j) / headDim));
}

/** cos/sin tables from int64 positions [B, S]: [B, S, 1, D/2] (rotate-half) or [B, S, 1, D/2, 1] (adjacent). */
export function ropeTables(ctx: BuildContext, positionIds: Value): { cos: Value; sin: Value } {
  const { g, config } = ctx;
  if (config.ropeTheta === null || config.ropeLayout === null) throw new Error("model has no RoPE");
  if (config.headDim % 2 !== 0) throw new Error(`RoPE needs an even head dimension, got ${config.headDim}`);
  const invFreq = g.constFloat(inverseFrequencies(config.headDim, config.ropeTheta), [config.headDim / 2]);
  const angles = g.mul(g.unsqueeze(g.cast(positionIds, "float"), [2]), invFreq); // [B, S, D/2]
  const axes = config.ropeLayout === "rotate-half" ? [2] : [2, 4];
  return { cos: g.unsqueeze(g.cos(angles), axes), sin: g.unsqueeze(g.sin(angles), axes) };
}

/** Rotates x [B, S, H, D] by the tables. */
export function applyRope(ctx: BuildContext, x: Value, tables: { cos: Value; sin: Value }): Value {
  const { g, config } = ctx;
  const D = config.headDim;
  const half = D / 2;
  const { cos, sin } = tables;
  if (config.ropeLayout === "rotate-half") {
    const x1 = g.slice(x, [0], [half], [-1]);
    const x2 = g.slice(x, [half], [D], [-1]);
    const r1 = g.sub(g.mul(x1, cos), g.mul(x2, sin));
    const r2 = g.add(g.mul(x2, cos), g.mul(x1, sin));
    return g.concat([r1, r2], -1);
  }
  const pairs = g.reshape(x, [0, 0, 0, half, 2]);
  const even = g.slice(pairs, [0], [1], [-1]);
  const odd = g.slice(pairs, [1], [2], [-1]);
  const rEven = g.sub(g.mul(even, cos), g.mul(odd, sin));
  const rOdd = g.add(g.mul(odd, cos), g.mul(even, sin));
  return g.reshape(g.concat([rEven, rOdd], -1), [0, 0, 0, D]);
}
