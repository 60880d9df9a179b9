/**
 * Where activations come from. The engine never sees a model directly: a source returns, for a
 * list of prompts and hook names, one Float32Array [n, width] per hook at the spec's read-out
 * position. Sources that can also run interventions and score completions enable steering and
 * ablation; sources that expose per-token activations enable the neuron map's snippets.
 */
import type { ReadoutPosition } from "../../server/probes/spec";

export interface SteeringSpec {
  /** Added to the residual stream after this block (0-based). */
  afterBlock: number;
  /** [d], broadcast to every position. */
  vector: Float32Array;
}

export interface AblationSpec {
  blocks: number[];
  /** Each of length d; orthonormalised by the model. */
  directions: Float32Array[];
}

export interface Intervention {
  steering?: SteeringSpec[];
  ablation?: AblationSpec;
}

export interface TokenActivations {
  /** [tokens, width] row-major, BOS excluded. */
  values: Float32Array;
  width: number;
  /** [start, end) character range of each token in the prompt. */
  offsets: Array<[number, number]>;
}

export interface ActivationSourceInfo {
  name: string;
  nLayers: number;
  dModel: number;
  /** Largest number of tokens one prompt may have. */
  maxTokens: number;
}

export interface ActivationSource {
  readonly info: ActivationSourceInfo;
  /** One Float32Array [prompts.length, width] per hook, at the read-out position. */
  read(prompts: readonly string[], hooks: readonly string[], position: ReadoutPosition, intervention?: Intervention): Promise<Map<string, Float32Array>>;
  /** Tokens in a prompt (BOS included), for the prompt-length limit. */
  tokenCount?(text: string): number;
  /**
   * Σ log p(completion tokens | prompt) for every (prompt, completion): [prompts.length × completions.length],
   * prompt-major, under an optional intervention.
   */
  completionLogProbs?(prompts: readonly string[], completions: readonly string[], intervention?: Intervention): Promise<Float64Array>;
  /** Per-token activations of one hook for each prompt. */
  tokenActivations?(prompts: readonly string[], hook: string): Promise<TokenActivations[]>;
}

/** Concrete hook name for a template and a layer. */
export function hookName(template: string, layer: number): string {
  return template.replace("{L}", String(layer));
}

/**
 * Index of the read-out token in a tokenised prompt (offsets of real tokens, BOS excluded),
 * or null when the marker is absent. For "mean" returns -1 (average every token).
 */
export function readoutIndex(text: string, offsets: ReadonlyArray<readonly [number, number]>, position: ReadoutPosition): number | null {
  if (offsets.length === 0) return null;
  if (position.kind === "last") return offsets.length - 1;
  if (position.kind === "mean") return -1;
  const at = position.occurrence === "first" ? text.indexOf(position.marker) : text.lastIndexOf(position.marker);
  if (at < 0) return null;
  const ch = position.token === "first" ? at : at + position.marker.length - 1;
  for (let t = 0; t < offsets.length; t++) {
    const [s, e] = offsets[t]!;
    if (s <= ch && ch < e) return t;
  }
  // Tokens whose ranges skip the character (e.g. a leading-space piece): nearest token starting after it.
  for (let t = 0; t < offsets.length; t++) if (offsets[t]![0] >= ch) return t;
  return offsets.length - 1;
}

/** Reduces [tokens, width] to the read-out vector. */
export function pickReadout(values: Float32Array, width: number, index: number, out: Float32Array, outOffset: number): void {
  if (index >= 0) {
    for (let k = 0; k < width; k++) out[outOffset + k] = values[index * width + k]!;
    return;
  }
  const tokens = values.length / width;
  for (let k = 0; k < width; k++) {
    let s = 0;
    for (let t = 0; t < tokens; t++) s += values[t * width + k]!;
    out[outOffset + k] = s / tokens;
  }
}
