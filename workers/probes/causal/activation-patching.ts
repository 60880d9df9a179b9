/**
 * activationPatching: for clean/corrupted prompt pairs, run the corrupted prompt with one activation
 * replaced by the clean run's — the residual stream entering each block (blocks.{L}.hook_resid_pre,
 * as TransformerLens's get_act_patching_resid_pre) at each position, and each head's attention
 * output (blocks.{L}.attn.hook_z) at every position — and measure how much of the answer comes back.
 *
 * Metric (as TransformerLens's IOI walkthrough): the logit difference LD = logit(answer) −
 * logit(wrongAnswer) at the last position, averaged over pairs first, then normalised:
 * (mean patched LD − mean corrupted LD) / (mean clean LD − mean corrupted LD), so 0 = corrupted,
 * 1 = clean, and every cell can be recomputed from the reported clean and corrupted differences.
 * Averaging before dividing keeps one pair whose clean and corrupted differences nearly agree from
 * dominating the map. A cell is null when the mean clean and corrupted differences coincide.
 *
 * Answer tokens: the first token of the answer as the model reads it right after the clean prompt
 * (" Lily" → "▁Lily"), see answer-tokens.ts; only that one token is scored.
 *
 * Cost: a cell whose clean activation is bit-identical to the corrupted one (every position before
 * the first differing token, at every layer) cannot change anything and is not run: its patched LD is
 * the corrupted LD. The others run as batches of differently patched copies of the corrupted prompt
 * (one forward per batch, `perSequence` patches); progress is reported and the stop signal checked
 * after every batch.
 */
import type { ActivationPatchingParams } from "../../../server/probes/spec";
import type { ActivationPatch, HostedModel, PatchValues } from "../../runtime/types";
import { ProbeInputError } from "../types";
import { firstTokenAfter } from "./answer-tokens";
import type { CausalContext } from "./context";
import { logitDiff, normalisedRestored } from "./logit-metrics";

export interface ActivationPatchingResult {
  pairs: number;
  /** Token labels of pair 0's clean prompt (BOS included), the resid map's columns. */
  tokens: string[];
  layers: number[];
  /** Mean over pairs of logit(answer) − logit(wrongAnswer) on the clean / corrupted prompt. */
  cleanLogitDiff: number;
  corruptedLogitDiff: number;
  /** [layer][position], normalised restored; present when "resid" was asked for. */
  resid?: Array<Array<number | null>>;
  /** [layer][head]; present when "heads" was asked for. */
  heads?: Array<Array<number | null>>;
}

/** Logits of one batch of patched copies stay under this many bytes. */
const LOGIT_BYTES_PER_FORWARD = 64 * 1024 * 1024;
const MAX_COPIES_PER_FORWARD = 64;

interface PreparedPair {
  clean: number[];
  corrupted: number[];
  answer: number;
  wrong: number;
}

type Cell = { kind: "resid"; row: number; layer: number; position: number } | { kind: "heads"; row: number; layer: number; head: number };

export function residPreHook(layer: number): string {
  return `blocks.${layer}.hook_resid_pre`;
}

export function hookZ(layer: number): string {
  return `blocks.${layer}.attn.hook_z`;
}

/** Sequences per forward so that one batch's logits ([len × vocab] each) stay within the budget. */
export function copiesPerForward(len: number, vocab: number): number {
  return Math.max(1, Math.min(MAX_COPIES_PER_FORWARD, Math.floor(LOGIT_BYTES_PER_FORWARD / (4 * len * vocab))));
}

export function resolveCausalLayers(sel: "all" | number[], nLayers: number, path: string): number[] {
  const layers = sel === "all" ? Array.from({ length: nLayers }, (_, i) => i) : [...new Set(sel)].sort((a, b) => a - b);
  const bad = layers.filter((l) => l >= nLayers);
  if (bad.length > 0) throw new ProbeInputError(`${path}.layers: layer ${bad.join(", ")} does not exist — the model has ${nLayers} blocks (0 to ${nLayers - 1})`);
  return layers;
}

function preparePairs(model: HostedModel, params: ActivationPatchingParams, ctx: CausalContext, withResid: boolean): PreparedPair[] {
  const out: PreparedPair[] = [];
  params.pairs.forEach((pair, i) => {
    const path = `${ctx.path}.pairs[${i}]`;
    const clean = ctx.tokenize(pair.clean, `${path}.clean`);
    const corrupted = ctx.tokenize(pair.corrupted, `${path}.corrupted`);
    if (clean.length !== corrupted.length) {
      throw new ProbeInputError(
        `${path}: the clean prompt is ${clean.length} tokens and the corrupted prompt ${corrupted.length}${whereTheyDiffer(ctx, clean, corrupted)} — patching replaces positions one for one, so both must have the same number of tokens (swap a word for one of the same token length)`,
      );
    }
    const first = out[0];
    if (withResid && first && first.clean.length !== clean.length) {
      throw new ProbeInputError(
        `${path}: the prompts are ${clean.length} tokens but pair 0's are ${first.clean.length} — the residual-stream map averages pairs position by position, so every pair needs the same number of tokens (or patch "heads" only)`,
      );
    }
    const answer = firstTokenAfter(model.tokenizer, pair.clean, pair.answer, `${path}.answer`);
    const wrong = firstTokenAfter(model.tokenizer, pair.clean, pair.wrongAnswer, `${path}.wrongAnswer`);
    if (answer === wrong) {
      throw new ProbeInputError(`${path}: the answer and the wrong answer start with the same token ("${model.tokenizer.piece(answer)}") — the logit difference would always be 0; choose answers whose first tokens differ`);
    }
    out.push({ clean, corrupted, answer, wrong });
  });
  return out;
}

/** " (from token 11: " Tim" "." vs " T" "om")": where two tokenisations part, for length errors. */
function whereTheyDiffer(ctx: CausalContext, a: number[], b: number[]): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const show = (ids: number[]): string => ctx.pieces(ids.slice(i, i + 4)).map((p) => JSON.stringify(p)).join(" ");
  return ` (from token ${i}: ${show(a) || "nothing"} vs ${show(b) || "nothing"})`;
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One head's hook_z at every position, [len × headDim], from a [len × nHeads × headDim] tap. */
function headSlice(z: Float32Array, len: number, nHeads: number, headDim: number, head: number): Float32Array {
  const out = new Float32Array(len * headDim);
  for (let t = 0; t < len; t++) out.set(z.subarray((t * nHeads + head) * headDim, (t * nHeads + head + 1) * headDim), t * headDim);
  return out;
}

export async function activationPatching(model: HostedModel, params: ActivationPatchingParams, ctx: CausalContext): Promise<{ result: ActivationPatchingResult; artifacts: null }> {
  const { nLayers, nHeads, headDim, dModel: d, vocabSize: V } = model.config;
  const withResid = params.components.includes("resid");
  const withHeads = params.components.includes("heads");
  const layers = resolveCausalLayers(params.layers, nLayers, ctx.path);
  const pairs = preparePairs(model, params, ctx, withResid);
  const len0 = pairs[0]!.clean.length;

  const cells: Cell[] = [];
  layers.forEach((layer, row) => {
    if (withResid) for (let position = 0; position < len0; position++) cells.push({ kind: "resid", row, layer, position });
    if (withHeads) for (let head = 0; head < nHeads; head++) cells.push({ kind: "heads", row, layer, head });
  });
  const taps = [...(withResid ? layers.map(residPreHook) : []), ...(withHeads ? layers.map(hookZ) : [])];
  const plannedForwards = pairs.reduce((s, p) => s + 1 + Math.ceil(cells.length / copiesPerForward(p.clean.length, V)), 0);
  let doneForwards = 0;
  const tick = async (message: string, pairIndex: number, layer: number | null): Promise<void> => {
    await ctx.progress({ stage: "activation patching", message, done: doneForwards, total: plannedForwards, examplesDone: pairIndex, examplesTotal: pairs.length, layer });
  };

  let cleanSum = 0;
  let corruptedSum = 0;
  const patchedSum = new Float64Array(cells.length);
  for (const [pi, pair] of pairs.entries()) {
    const len = pair.clean.length;
    const last = len - 1;
    const base = await model.forward({ inputIds: [pair.clean, pair.corrupted], taps, logits: true });
    doneForwards++;
    const cleanLD = logitDiff(base.logits![0]!, last, V, pair.answer, pair.wrong);
    const corruptedLD = logitDiff(base.logits![1]!, last, V, pair.answer, pair.wrong);
    cleanSum += cleanLD;
    corruptedSum += corruptedLD;

    // What each cell patches in, or null when the clean value equals the corrupted one.
    const patchFor = (cell: Cell): { hook: string; values: PatchValues } | null => {
      if (cell.kind === "resid") {
        const hook = residPreHook(cell.layer);
        const tap = base.taps.get(hook)!;
        const clean = tap[0]!.subarray(cell.position * d, (cell.position + 1) * d);
        if (sameValues(clean, tap[1]!.subarray(cell.position * d, (cell.position + 1) * d))) return null;
        return { hook, values: { positions: [cell.position], values: Float32Array.from(clean) } };
      }
      const hook = hookZ(cell.layer);
      const tap = base.taps.get(hook)!;
      const clean = headSlice(tap[0]!, len, nHeads, headDim, cell.head);
      if (sameValues(clean, headSlice(tap[1]!, len, nHeads, headDim, cell.head))) return null;
      return { hook, values: { positions: Array.from({ length: len }, (_, t) => t), heads: [cell.head], values: clean } };
    };

    const pending: Array<{ cell: number; hook: string; values: PatchValues }> = [];
    cells.forEach((cell, ci) => {
      const p = patchFor(cell);
      if (p) pending.push({ cell: ci, ...p });
      else patchedSum[ci] = patchedSum[ci]! + corruptedLD;
    });
    const perForward = copiesPerForward(len, V);
    const batches = Math.ceil(cells.length / perForward);
    for (let b = 0; b < pending.length; b += perForward) {
      const batch = pending.slice(b, b + perForward);
      const byHook = new Map<string, Array<PatchValues | null>>();
      batch.forEach((p, j) => {
        let list = byHook.get(p.hook);
        if (!list) {
          list = new Array<PatchValues | null>(batch.length).fill(null);
          byHook.set(p.hook, list);
        }
        list[j] = p.values;
      });
      const patches: ActivationPatch[] = [...byHook.entries()].map(([hook, perSequence]) => ({ hook, perSequence }));
      const result = await model.forward({ inputIds: batch.map(() => pair.corrupted), taps: [], logits: true, patches });
      batch.forEach((p, j) => {
        patchedSum[p.cell] = patchedSum[p.cell]! + logitDiff(result.logits![j]!, last, V, pair.answer, pair.wrong);
      });
      doneForwards++;
      const c = cells[batch[0]!.cell]!;
      await tick(`pair ${pi + 1} of ${pairs.length}: patching ${c.kind === "resid" ? "the residual stream" : "heads"} at layer ${c.layer}`, pi, c.layer);
    }
    // Skipped cells need no forward: count the batches they would have taken as done.
    doneForwards += batches - Math.ceil(pending.length / perForward);
    await tick(`pair ${pi + 1} of ${pairs.length} patched`, pi + 1, null);
  }

  const n = pairs.length;
  const clean = cleanSum / n;
  const corrupted = corruptedSum / n;
  const resid = withResid ? layers.map(() => new Array<number | null>(len0).fill(null)) : undefined;
  const heads = withHeads ? layers.map(() => new Array<number | null>(nHeads).fill(null)) : undefined;
  cells.forEach((cell, ci) => {
    const value = normalisedRestored(patchedSum[ci]! / n, clean, corrupted);
    if (cell.kind === "resid") resid![cell.row]![cell.position] = value;
    else heads![cell.row]![cell.head] = value;
  });
  const result: ActivationPatchingResult = {
    pairs: n,
    tokens: ctx.pieces(pairs[0]!.clean),
    layers,
    cleanLogitDiff: clean,
    corruptedLogitDiff: corrupted,
    ...(resid ? { resid } : {}),
    ...(heads ? { heads } : {}),
  };
  return { result, artifacts: null };
}
