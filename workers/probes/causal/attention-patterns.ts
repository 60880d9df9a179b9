/**
 * attentionPatterns: each head's attention pattern (blocks.{L}.attn.hook_pattern, [nHeads × len × len],
 * row q sums to 1 over keys ≤ q) for the spec's prompts, stored as artifacts, and three summary
 * scores per layer and head, measured on repeated random tokens (the same seeded sequences on every
 * model, so scores compare across models and need no prompts):
 *
 * - previousToken: mean attention from position q to q − 1, over q ≥ 1;
 * - firstToken: mean attention from position q to position 0 (BOS), over q ≥ 1 (q = 0 can only
 *   attend to itself);
 * - induction (as TransformerLens's tutorial): sequences of `length` random tokens seen twice after
 *   BOS, [BOS, r₁ … r_n, r₁ … r_n]; from each position of the second half, the mean attention to the
 *   token just after that token's earlier occurrence (query n + i, key i + 1 for i = 1 … n, with
 *   BOS at 0). An induction head scores near 1, most heads near 0.
 *
 * Random tokens are uniform over the ordinary tokens of the vocabulary (no BOS/EOS, no special or
 * byte-fallback pieces such as "<unk>" or "<0x0A>"), from the spec's seed.
 */
import type { AttentionPatternsParams } from "../../../server/probes/spec";
import type { HostedModel } from "../../runtime/types";
import { ProbeInputError } from "../types";
import type { CausalContext } from "./context";

export interface HeadScores {
  previousToken: number | null;
  firstToken: number | null;
  induction: number | null;
}

export interface AttentionPatternsResult {
  layers: number[];
  nHeads: number;
  /** [layer][head], layers in the order of `layers`. */
  scores: HeadScores[][];
  prompts: Array<{ text: string; tokens: string[] }>;
}

/** One prompt's pattern at one layer; stored as the artifact "attentionPatterns.pattern", prompt-major. */
export interface StoredPattern {
  prompt: number;
  layer: number;
  /** [nHeads, len, len]. */
  shape: [number, number, number];
  values: Float32Array;
}

export interface AttentionPatternsArtifacts {
  patterns: StoredPattern[];
}

export const ATTENTION_PATTERN_ARTIFACT = "attentionPatterns.pattern";

export function patternHook(layer: number): string {
  return `blocks.${layer}.attn.hook_pattern`;
}

/** Per head, mean of A[q, q − 1] over q ≥ 1 (null for a one-token sequence). */
export function previousTokenScores(pattern: Float32Array, nHeads: number, len: number): Array<number | null> {
  return Array.from({ length: nHeads }, (_, h) => {
    if (len < 2) return null;
    let s = 0;
    for (let q = 1; q < len; q++) s += pattern[(h * len + q) * len + q - 1]!;
    return s / (len - 1);
  });
}

/** Per head, mean of A[q, 0] over q ≥ 1 (null for a one-token sequence). */
export function firstTokenScores(pattern: Float32Array, nHeads: number, len: number): Array<number | null> {
  return Array.from({ length: nHeads }, (_, h) => {
    if (len < 2) return null;
    let s = 0;
    for (let q = 1; q < len; q++) s += pattern[(h * len + q) * len]!;
    return s / (len - 1);
  });
}

/**
 * Per head, on [BOS, r₁ … r_n, r₁ … r_n] (len = 2n + 1): mean of A[n + i, i + 1] over i = 1 … n
 * (query: the second occurrence of r_i; key: the token after its first occurrence).
 */
export function inductionScores(pattern: Float32Array, nHeads: number, n: number): number[] {
  const len = 2 * n + 1;
  if (pattern.length !== nHeads * len * len) throw new Error(`induction score: pattern of ${pattern.length} values is not ${nHeads} × ${len} × ${len}`);
  return Array.from({ length: nHeads }, (_, h) => {
    let s = 0;
    for (let i = 1; i <= n; i++) s += pattern[(h * len + n + i) * len + i + 1]!;
    return s / n;
  });
}

/** `sequences` runs of `length` random tokens, each as [BOS?, r, r]. */
export function repeatedRandomTokens(model: HostedModel, length: number, sequences: number, ctx: CausalContext): number[][] {
  const { bosId, eosId } = model.tokenizer;
  const allowed: number[] = [];
  // Ordinary tokens only: not BOS/EOS, and not special or byte-fallback pieces ("<unk>", "<0x0A>"), which
  // small vocabularies have many of (256 of stories260K's 512) and models rarely see.
  for (let id = 0; id < model.config.vocabSize; id++) if (id !== bosId && id !== eosId && !/^<[^<>]*>$/.test(model.tokenizer.piece(id))) allowed.push(id);
  if (allowed.length === 0) throw new ProbeInputError(`${ctx.path}: the model's vocabulary has no ordinary tokens to build random sequences from`);
  const rng = ctx.rng("attentionPatterns", "induction");
  return Array.from({ length: sequences }, () => {
    const r = Array.from({ length }, () => allowed[rng.int(allowed.length)]!);
    return [bosId ?? allowed[0]!, ...r, ...r];
  });
}

function resolveLayers(sel: "all" | number[], nLayers: number, path: string): number[] {
  if (sel === "all") return Array.from({ length: nLayers }, (_, l) => l);
  const layers = [...new Set(sel)].sort((a, b) => a - b);
  const bad = layers.filter((l) => l >= nLayers);
  if (bad.length > 0) throw new ProbeInputError(`${path}.layers: layer ${bad.join(", ")} does not exist — the model has ${nLayers} blocks (0 to ${nLayers - 1})`);
  return layers;
}

function checkedPattern(values: Float32Array | undefined, nHeads: number, len: number, hook: string, what: string): Float32Array {
  if (!values || values.length !== nHeads * len * len) throw new Error(`attention patterns: the model returned ${values?.length ?? "no"} values at ${hook} for ${what}, expected ${nHeads} × ${len} × ${len}`);
  for (const v of values) if (!Number.isFinite(v)) throw new ProbeInputError(`${what}: the attention pattern at ${hook} is not finite — the model produced NaN or infinite values`);
  return values;
}

const mean = (xs: number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

export async function attentionPatterns(
  model: HostedModel,
  params: AttentionPatternsParams,
  ctx: CausalContext,
): Promise<{ result: AttentionPatternsResult; artifacts: AttentionPatternsArtifacts }> {
  const nHeads = model.config.nHeads;
  const layers = resolveLayers(params.layers, model.config.nLayers, ctx.path);
  const taps = layers.map(patternHook);
  const { length, sequences } = params.induction;
  const total = 1 + params.prompts.length;
  if (2 * length + 1 > model.config.contextLength)
    throw new ProbeInputError(`${ctx.path}.induction.length: ${length} tokens seen twice do not fit the model's context of ${model.config.contextLength} — use at most ${Math.floor((model.config.contextLength - 1) / 2)}`);

  // Scores on the repeated random tokens.
  await ctx.progress({ stage: "attention patterns", message: `attention patterns: ${sequences} repeated random sequences`, done: 0, total });
  const random = repeatedRandomTokens(model, length, sequences, ctx);
  const rf = await model.forward({ inputIds: random, taps, logits: false });
  const len = 2 * length + 1;
  const scores: HeadScores[][] = layers.map((_, li) => {
    const prev: number[][] = Array.from({ length: nHeads }, () => []);
    const first: number[][] = Array.from({ length: nHeads }, () => []);
    const ind: number[][] = Array.from({ length: nHeads }, () => []);
    random.forEach((_, s) => {
      const A = checkedPattern(rf.taps.get(taps[li]!)?.[s], nHeads, len, taps[li]!, `${ctx.path} (random sequence ${s})`);
      previousTokenScores(A, nHeads, len).forEach((v, h) => v !== null && prev[h]!.push(v));
      firstTokenScores(A, nHeads, len).forEach((v, h) => v !== null && first[h]!.push(v));
      inductionScores(A, nHeads, length).forEach((v, h) => ind[h]!.push(v));
    });
    return Array.from({ length: nHeads }, (_, h) => ({ previousToken: mean(prev[h]!), firstToken: mean(first[h]!), induction: mean(ind[h]!) }));
  });

  // The prompts' patterns, one forward per prompt (their lengths differ; each pattern is stored whole).
  const prompts: AttentionPatternsResult["prompts"] = [];
  const patterns: StoredPattern[] = [];
  for (const [p, text] of params.prompts.entries()) {
    const what = `${ctx.path}.prompts[${p}]`;
    const ids = ctx.tokenize(text, what);
    await ctx.progress({ stage: "attention patterns", message: `attention patterns: prompt ${p + 1} of ${params.prompts.length}`, done: 1 + p, total });
    const f = await model.forward({ inputIds: [ids], taps, logits: false });
    layers.forEach((layer, li) => {
      const values = checkedPattern(f.taps.get(taps[li]!)?.[0], nHeads, ids.length, taps[li]!, what);
      patterns.push({ prompt: p, layer, shape: [nHeads, ids.length, ids.length], values: Float32Array.from(values) });
    });
    prompts.push({ text, tokens: ctx.pieces(ids) });
  }
  await ctx.progress({ stage: "attention patterns", message: "attention patterns: done", done: total, total });
  return { result: { layers, nHeads, scores, prompts }, artifacts: { patterns } };
}
