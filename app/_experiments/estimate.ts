/**
 * A rough estimate of the work an experiment asks for, shown before publishing.
 *
 * Throughput: `npm run bench -- runtime` (README, "activation extraction on stories260K, sequence
 * 64, all residual taps") measured 31.8k tokens/s at batch 1 and 54.5k tokens/s at batch 8. One
 * forward pass reads every layer's taps at once, so time scales with prompts × tokens per model,
 * not with layers. We use the batch-8 figure: the worker batches 32 prompts (66.5k tokens/s), but
 * short prompts pad and the probe methods add their own time, so the lower figure is the honest one.
 * Larger models are slower in proportion to their size; this figure is for the demo model.
 */
export const MEASURED_TOKENS_PER_SECOND = { batch1: 31_800, batch8: 54_500 } as const;
export const TOKENS_PER_SECOND = MEASURED_TOKENS_PER_SECOND.batch8;

/** Tokens are approximated as characters / 4 (no tokenizer in the browser). */
export const CHARS_PER_TOKEN = 4;

/** stories260K, the hosted demo model, has 5 blocks; used when the layer selection is "all". */
export const DEFAULT_MODEL_LAYERS = 5;

export interface WorkInput {
  /** Prompts read from the model (a contrastive pair counts as two). */
  prompts: number;
  /** Average characters per prompt. */
  avgChars: number;
  /** Layers read per model. */
  layers: number;
  /** Hooks read per layer. */
  hooks: number;
  models: number;
  /** Extra forward passes of steering and ablation (per model), each about one prompt long. */
  interventionForwards: number;
}

export interface WorkEstimate {
  tokensPerPrompt: number;
  /** prompts × tokens × layers × hooks × models: activation vectors read, in token-layers. */
  tokenLayers: number;
  /** Tokens through the model in all, over every model. */
  tokens: number;
  seconds: number;
}

export function estimateWork(w: WorkInput): WorkEstimate {
  const tokensPerPrompt = Math.max(1, Math.ceil(w.avgChars / CHARS_PER_TOKEN));
  const perModelTokens = (w.prompts + w.interventionForwards) * tokensPerPrompt;
  const tokens = perModelTokens * w.models;
  return {
    tokensPerPrompt,
    tokenLayers: w.prompts * tokensPerPrompt * w.layers * w.hooks * w.models,
    tokens,
    seconds: tokens / TOKENS_PER_SECOND,
  };
}

export function formatDuration(seconds: number): string {
  if (seconds < 1) return "under a second";
  if (seconds < 90) return `about ${Math.round(seconds)} s`;
  if (seconds < 5400) return `about ${Math.round(seconds / 60)} min`;
  return `about ${(seconds / 3600).toFixed(1)} h`;
}

export const formatCount = (n: number) => Math.round(n).toLocaleString("en-US");
