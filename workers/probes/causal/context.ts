/**
 * What every causal method (spec version 2) gets besides the model and its params: the seed and
 * seeded generators, tokenisation under the causal prompt limit, token labels, progress and the
 * stop signal, and the two things only the caller can supply (a stored run's direction, the
 * spec's data). Built by run-causal.ts once per method.
 */
import { PROBE_LIMITS } from "../../../server/probes/spec";
import type { HostedModel } from "../../runtime/types";
import { type ProgressCallback, throwIfStopped } from "../progress";
import { deriveRng, type Rng } from "../stats/rng";
import { ProbeInputError } from "../types";

/** One progress report of a causal method: `done` of `total` units of its own work. */
export interface CausalProgress {
  stage: string;
  message: string;
  done: number;
  total: number;
  examplesDone?: number;
  examplesTotal?: number;
  layer?: number | null;
}

export interface CausalContext {
  /** The spec's seed. */
  seed: number;
  /** Where the method sits in the spec, for messages: "methods[2]". */
  path: string;
  /** A generator of its own for these labels (same seed and labels → same stream). */
  rng(...labels: Array<string | number>): Rng;
  /** BOS (when the tokenizer has one) + ids; over the causal prompt limit → ProbeInputError naming `what`. */
  tokenize(text: string, what: string): number[];
  /** Token labels: each id decoded on its own, keeping its leading space; special tokens as their piece ("<s>"). */
  pieces(ids: readonly number[]): string[];
  /** Reports progress (awaited), then throws if the run was stopped. */
  progress(p: CausalProgress): Promise<void>;
  signal?: AbortSignal;
  /** A stored run's unit diffmean direction at a layer (the job loop reads run_artifacts). */
  resolveDirection?: (runId: number, layer: number) => Promise<Float32Array>;
  /** The spec's data as two prompt sets (positive class, negative class), when the spec has data. */
  contrastTexts?: () => Promise<{ positive: string[]; negative: string[] }>;
}

export interface CausalContextOptions {
  seed: number;
  path: string;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** Maps this method's fraction done (0–1) to the run's percentage. */
  percent: (fraction: number) => number;
  resolveDirection?: (runId: number, layer: number) => Promise<Float32Array>;
  contrastTexts?: () => Promise<{ positive: string[]; negative: string[] }>;
}

/** Tokens a causal prompt may have on this model (the spec's limit, capped by the context length). */
export function causalTokenLimit(model: HostedModel): number {
  return Math.min(PROBE_LIMITS.maxCausalPromptTokens, model.config.contextLength);
}

export function tokenLabels(model: HostedModel, ids: readonly number[]): string[] {
  const tok = model.tokenizer;
  return ids.map((id) => {
    const piece = tok.piece(id);
    let text: string;
    try {
      text = tok.decode([id]);
    } catch {
      return piece;
    }
    if (text === "") return piece;
    // SentencePiece pieces start with "▁" for a leading space, which decode() drops for the first token.
    if (piece.startsWith("\u2581") && !text.startsWith(" ")) text = ` ${text}`;
    return text;
  });
}

export function createCausalContext(model: HostedModel, opts: CausalContextOptions): CausalContext {
  const limit = causalTokenLimit(model);
  return {
    seed: opts.seed,
    path: opts.path,
    rng: (...labels) => deriveRng(opts.seed, ...labels),
    tokenize(text, what) {
      const ids = model.tokenizer.encode(text, { addBos: true }).ids;
      const real = model.tokenizer.bosId !== null && ids[0] === model.tokenizer.bosId ? ids.length - 1 : ids.length;
      if (real === 0) throw new ProbeInputError(`${what}: the prompt has no tokens — give some text`);
      if (ids.length > limit) throw new ProbeInputError(`${what}: prompt is ${ids.length} tokens; the limit for this method is ${limit} — shorten it`);
      return ids;
    },
    pieces: (ids) => tokenLabels(model, ids),
    async progress(p) {
      const fraction = p.total > 0 ? Math.min(1, Math.max(0, p.done / p.total)) : 0;
      await opts.onProgress?.({
        stage: p.stage,
        message: p.message,
        percent: opts.percent(fraction),
        examplesDone: p.examplesDone ?? p.done,
        examplesTotal: p.examplesTotal ?? p.total,
        layer: p.layer ?? null,
      });
      throwIfStopped(opts.signal);
    },
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.resolveDirection ? { resolveDirection: opts.resolveDirection } : {}),
    ...(opts.contrastTexts ? { contrastTexts: opts.contrastTexts } : {}),
  };
}
