/**
 * ForwardRequest.patches and .headAblation: validation (zod, readable messages) and the dense
 * per-batch graph feeds `patch.{hook}.values` / `patch.{hook}.mask` (see onnx/interventions.ts).
 * Head ablation is a hook_z patch at every real position; explicit patches are applied after it,
 * so where both touch the same head and position the patch wins.
 */
import * as ort from "onnxruntime-node";
import { z } from "zod";
import { attentionHookName, hookWidth, parsePatchableHook, patchMaskInputName, patchValuesInputName } from "./onnx/hooks";
import type { ModelConfig } from "./types";

/** At most this many patch entries and head ablations per request (each is checked whole). */
export const MAX_PATCHES = 4096;

const finiteVector = z
  .instanceof(Float32Array, { message: "expected a Float32Array" })
  .refine((v) => v.every(Number.isFinite), { message: "values contain NaN or infinite numbers" });

/** zod fields for ForwardRequest.patches / .headAblation; cross-field checks are in checkPatches. */
export function patchFields(config: ModelConfig) {
  const index = z.number().int({ message: "must be an integer" }).min(0, { message: "must be ≥ 0" });
  const head = index.max(config.nHeads - 1, { message: `head index must be < ${config.nHeads} (the model has ${config.nHeads} heads)` });
  const patchValues = z
    .object({
      positions: z.array(index).min(1, { message: "a patch needs at least one position" }).max(config.contextLength),
      heads: z.array(head).min(1, { message: "heads, when given, must list at least one head" }).max(config.nHeads).optional(),
      values: finiteVector,
    })
    .strict();
  return {
    patches: z
      .array(z.object({ hook: z.string().max(200), perSequence: z.array(patchValues.nullable()) }).strict())
      .max(MAX_PATCHES, { message: `at most ${MAX_PATCHES} patches per request` })
      .optional(),
    headAblation: z
      .array(
        z
          .object({
            layer: index.max(config.nLayers - 1, { message: `layer must be < ${config.nLayers} (the model has ${config.nLayers} blocks)` }),
            heads: z.array(head).min(1, { message: "head ablation needs at least one head" }).max(config.nHeads),
            mode: z.enum(["zero", "mean"]),
            means: finiteVector.optional(),
          })
          .strict(),
      )
      .max(MAX_PATCHES, { message: `at most ${MAX_PATCHES} head ablations per request` })
      .optional(),
  };
}

type PatchFields = ReturnType<typeof patchFields>;
export interface PatchRequestPart {
  inputIds: number[][];
  patches?: z.infer<PatchFields["patches"]>;
  headAblation?: z.infer<PatchFields["headAblation"]>;
}

/** Cross-field checks: hook patchable, one entry per sequence, positions inside it, exact value lengths. */
export function checkPatches(r: PatchRequestPart, ctx: z.RefinementCtx, config: ModelConfig): void {
  const D = config.headDim;
  const issue = (path: Array<string | number>, message: string): void => ctx.addIssue({ code: "custom", path, message });
  const duplicates = (list: number[]): number[] => [...new Set(list.filter((x, i) => list.indexOf(x) !== i))];
  (r.patches ?? []).forEach((patch, i) => {
    let hook;
    try {
      hook = parsePatchableHook(patch.hook, config);
    } catch (err) {
      issue(["patches", i, "hook"], (err as Error).message);
      return;
    }
    if (patch.perSequence.length !== r.inputIds.length) {
      issue(["patches", i, "perSequence"], `has ${patch.perSequence.length} entries but the batch has ${r.inputIds.length} sequences (use null to leave one unpatched)`);
      return;
    }
    const perHead = hook.kind === "attn_z";
    patch.perSequence.forEach((p, b) => {
      if (!p) return;
      const at = ["patches", i, "perSequence", b];
      const len = r.inputIds[b]!.length;
      const outside = p.positions.filter((t) => t >= len);
      if (outside.length > 0) issue([...at, "positions"], `position ${outside[0]} is outside sequence ${b} (length ${len}, positions 0..${len - 1})`);
      const dupPos = duplicates(p.positions);
      if (dupPos.length > 0) issue([...at, "positions"], `position ${dupPos[0]} is listed twice`);
      if (p.heads && !perHead) issue([...at, "heads"], `heads can only be given for attn.hook_z patches (not ${patch.hook})`);
      const dupHeads = duplicates(p.heads ?? []);
      if (dupHeads.length > 0) issue([...at, "heads"], `head ${dupHeads[0]} is listed twice`);
      const rowWidth = perHead ? (p.heads?.length ?? config.nHeads) * D : hookWidth(hook, config);
      const want = p.positions.length * rowWidth;
      if (p.values.length !== want) {
        const shape = perHead ? `${p.positions.length} positions × ${p.heads?.length ?? config.nHeads} heads × headDim ${D}` : `${p.positions.length} positions × width ${rowWidth}`;
        issue([...at, "values"], `has length ${p.values.length}, expected ${want} (${shape})`);
      }
    });
  });
  (r.headAblation ?? []).forEach((a, i) => {
    const dupHeads = duplicates(a.heads);
    if (dupHeads.length > 0) issue(["headAblation", i, "heads"], `head ${dupHeads[0]} is listed twice`);
    if (a.mode === "mean" && !a.means) issue(["headAblation", i, "means"], `mode "mean" needs means (heads × headDim = ${a.heads.length * D} values)`);
    if (a.mode === "zero" && a.means) issue(["headAblation", i, "means"], `means are only used with mode "mean"`);
    if (a.means && a.means.length !== a.heads.length * D) {
      issue(["headAblation", i, "means"], `has length ${a.means.length}, expected heads × headDim = ${a.heads.length} × ${D} = ${a.heads.length * D}`);
    }
  });
}

/** One position's replacement: a full row, or (hook_z) the rows of some heads. */
interface PatchRow {
  position: number;
  /** hook_z: the heads `values` covers, in order; null: the whole row. */
  heads: number[] | null;
  values: Float32Array;
}

interface HookPatch {
  perHead: boolean;
  width: number;
  /** Per sequence of the request, applied in order (later rows override earlier ones). */
  perSequence: PatchRow[][];
}

/** Validated patches by hook name. */
export type PreparedPatches = Map<string, HookPatch>;

/** Turns a validated request's head ablations and patches into per-hook, per-sequence rows. */
export function preparePatches(r: PatchRequestPart, config: ModelConfig): PreparedPatches {
  const { nHeads: H, headDim: D } = config;
  const out: PreparedPatches = new Map();
  const entry = (hook: string): HookPatch => {
    let e = out.get(hook);
    if (!e) {
      const parsed = parsePatchableHook(hook, config);
      e = { perHead: parsed.kind === "attn_z", width: hookWidth(parsed, config), perSequence: r.inputIds.map(() => []) };
      out.set(hook, e);
    }
    return e;
  };
  for (const a of r.headAblation ?? []) {
    const values = a.mode === "mean" && a.means ? a.means : new Float32Array(a.heads.length * D);
    const e = entry(attentionHookName(a.layer, "z"));
    r.inputIds.forEach((ids, b) => {
      for (let t = 0; t < ids.length; t++) e.perSequence[b]!.push({ position: t, heads: a.heads, values });
    });
  }
  for (const patch of r.patches ?? []) {
    patch.perSequence.forEach((p, b) => {
      if (!p) return; // a hook patched in no sequence needs no graph inputs
      const e = entry(patch.hook);
      const heads = e.perHead ? (p.heads ?? Array.from({ length: H }, (_, h) => h)) : null;
      const rowWidth = heads ? heads.length * D : e.width;
      p.positions.forEach((position, j) => {
        e.perSequence[b]!.push({ position, heads, values: p.values.subarray(j * rowWidth, (j + 1) * rowWidth) });
      });
    });
  }
  return out;
}

/**
 * Dense feeds for sequences [start, start + count) of the request, padded to S positions:
 * values [count, S, width] and mask [count, S, 1] ([count, S, nHeads, 1] for hook_z).
 */
export function patchFeeds(patches: PreparedPatches, hooks: string[], config: ModelConfig, start: number, count: number, S: number): Record<string, ort.Tensor> {
  const { nHeads: H, headDim: D } = config;
  const feeds: Record<string, ort.Tensor> = {};
  for (const hook of hooks) {
    const e = patches.get(hook);
    if (!e) throw new Error(`internal: graph expects a patch for ${hook}`);
    const values = new Float32Array(count * S * e.width);
    const maskWidth = e.perHead ? H : 1;
    const mask = new Float32Array(count * S * maskWidth);
    for (let b = 0; b < count; b++) {
      for (const row of e.perSequence[start + b]!) {
        const at = b * S + row.position;
        if (row.heads) {
          row.heads.forEach((h, j) => {
            values.set(row.values.subarray(j * D, (j + 1) * D), at * e.width + h * D);
            mask[at * H + h] = 1;
          });
        } else {
          values.set(row.values, at * e.width);
          mask[at] = 1;
        }
      }
    }
    feeds[patchValuesInputName(hook)] = new ort.Tensor("float32", values, [count, S, e.width]);
    feeds[patchMaskInputName(hook)] = new ort.Tensor("float32", mask, e.perHead ? [count, S, maskWidth, 1] : [count, S, 1]);
  }
  return feeds;
}
