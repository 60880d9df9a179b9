/** y = x · Wᵀ (+ b) with W stored [out, in] in the canonical weights. */
import type { Value } from "./builder";
import type { BuildContext } from "./context";

export function linear(ctx: BuildContext, x: Value, prefix: string, outDim: number, inDim: number, withBias: boolean): Value {
  const y = ctx.g.matmul(x, ctx.w.transposed(`${prefix}.weight`, outDim, inDim));
  return withBias ? ctx.g.add(y, ctx.w.plain(`${prefix}.bias`, [outDim])) : y;
}
