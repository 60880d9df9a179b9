/**
 * Interventions on the residual stream after a block's output (before the next block reads it):
 * - steering: add `steer.{L}` [batch|1, seq|1, d] (per-position or broadcast);
 * - directional ablation: x − (x·Uᵀ)·U with U = `ablate.directions` [k, d], rows orthonormal
 *   (the runtime orthonormalises them before feeding the graph).
 * When both apply at one block, steering comes first, so the stream leaving an ablated block is
 * always orthogonal to U.
 */
import type { Value } from "./builder";
import type { BuildContext } from "./context";

export function steer(ctx: BuildContext, resid: Value, vector: Value): Value {
  return ctx.g.add(resid, vector);
}

export function ablate(ctx: BuildContext, resid: Value, directions: Value, directionsT: Value): Value {
  const { g } = ctx;
  const coeffs = g.matmul(resid, directionsT); // [B, S, k]
  return g.sub(resid, g.matmul(coeffs, directions));
}
