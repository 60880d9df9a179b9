/**
 * Interventions on the residual stream after a block's output (before the next block reads it):
 * - steering: add `steer.{L}` [batch|1, seq|1, d] (per-position or broadcast);
 * - directional ablation: x − (x·Uᵀ)·U with U = `ablate.directions` [k, d], rows orthonormal
 *   (the runtime orthonormalises them before feeding the graph).
 * When both apply at one block, steering comes first, so the stream leaving an ablated block is
 * always orthogonal to U. A hook_resid_post patch acts after both.
 *
 * Activation patches at a hook: x·(1 − m) + v·m with dense inputs `patch.{hook}.values` (the hook's
 * [batch, seq, width] layout) and `patch.{hook}.mask` (1 = replace): [batch, seq, 1] per position,
 * or [batch, seq, nHeads, 1] per position and head for attn.hook_z. One batch can thus patch every
 * sequence differently; head ablation is a hook_z patch at every position.
 */
import type { Value } from "./builder";
import type { BuildContext } from "./context";
import { hookWidth, parsePatchableHook, patchMaskInputName, patchValuesInputName } from "./hooks";

export interface PatchInput {
  valuesName: string;
  maskName: string;
  values: Value;
  mask: Value;
  /** attn.hook_z: the mask selects heads. */
  perHead: boolean;
}

/** Declares the values/mask inputs of every patched hook. */
export function patchInputs(ctx: BuildContext, hooks: string[]): Map<string, PatchInput> {
  const { g, config } = ctx;
  const inputs = new Map<string, PatchInput>();
  for (const name of hooks) {
    const hook = parsePatchableHook(name, config);
    const perHead = hook.kind === "attn_z";
    const valuesName = patchValuesInputName(name);
    const maskName = patchMaskInputName(name);
    const values = g.input(valuesName, "float", ["batch", "seq", hookWidth(hook, config)]);
    const mask = g.input(maskName, "float", perHead ? ["batch", "seq", config.nHeads, 1] : ["batch", "seq", 1]);
    inputs.set(name, { valuesName, maskName, values, mask, perHead });
  }
  return inputs;
}

export function applyPatch(ctx: BuildContext, x: Value, patch: PatchInput): Value {
  const { g, config } = ctx;
  const mix = (a: Value, v: Value): Value => g.add(g.mul(a, g.sub(g.constFloat([1]), patch.mask)), g.mul(v, patch.mask));
  if (!patch.perHead) return mix(x, patch.values);
  const { nHeads: H, headDim: D } = config;
  const heads = (t: Value): Value => g.reshape(t, [0, 0, H, D]);
  return g.reshape(mix(heads(x), heads(patch.values)), [0, 0, H * D]);
}

export function steer(ctx: BuildContext, resid: Value, vector: Value): Value {
  return ctx.g.add(resid, vector);
}

export function ablate(ctx: BuildContext, resid: Value, directions: Value, directionsT: Value): Value {
  const { g } = ctx;
  const coeffs = g.matmul(resid, directionsT); // [B, S, k]
  return g.sub(resid, g.matmul(coeffs, directions));
}
