import { z } from "zod";

/**
 * The run page's views of the four causal methods (spec version 2): each method's `result` in the
 * stored metrics (docs: briefs' issue 11 contract, section 5), checked with zod and for consistent
 * shapes. A result that does not match becomes a `problem` the page shows in place of the view,
 * never an exception: one malformed method must not take the whole run page down.
 */

export const CAUSAL_VIEW_METHODS = ["steeredGeneration", "activationPatching", "logitLens", "attentionPatterns"] as const;
export type CausalViewMethod = (typeof CAUSAL_VIEW_METHODS)[number];

// Every list is capped well above what the worker can produce (128-token prompts, ≤ 1024 layers), so a
// corrupted row cannot make the page build something enormous.
const MAX_TOKENS = 512;
const MAX_LAYERS = 1024;
const MAX_HEADS = 256;
const MAX_PROMPTS = 64;
const MAX_TOP_K = 32;
const MAX_TEXT = 20_000;

const text = z.string().max(MAX_TEXT);
const tokenLabel = z.string().max(200);
const value = z.number().nullable();
const layerList = z.array(z.number().int().min(0).max(MAX_LAYERS)).max(MAX_LAYERS);

const topEntry = z.object({ token: tokenLabel, id: z.number().int(), prob: z.number() });
export const logitLensResultSchema = z.looseObject({
  prompts: z
    .array(
      z.looseObject({
        text,
        tokens: z.array(tokenLabel).max(MAX_TOKENS),
        layers: layerList,
        top: z.array(z.array(z.array(topEntry).max(MAX_TOP_K)).max(MAX_TOKENS)).max(MAX_LAYERS),
        target: z.looseObject({ token: tokenLabel, id: z.number().int(), rank: z.array(z.number()).max(MAX_LAYERS), prob: z.array(value).max(MAX_LAYERS) }).optional(),
      }),
    )
    .max(MAX_PROMPTS),
});

const attentionScore = z.looseObject({ previousToken: value, firstToken: value, induction: value });
export const attentionPatternsResultSchema = z.looseObject({
  layers: layerList,
  nHeads: z.number().int().min(1).max(MAX_HEADS),
  scores: z.array(z.array(attentionScore).max(MAX_HEADS)).max(MAX_LAYERS),
  prompts: z.array(z.looseObject({ text, tokens: z.array(tokenLabel).max(MAX_TOKENS) })).max(MAX_PROMPTS),
});

const matrix = (rows: number, columns: number) => z.array(z.array(value).max(columns)).max(rows);
export const activationPatchingResultSchema = z.looseObject({
  pairs: z.number().int().min(0),
  tokens: z.array(tokenLabel).max(MAX_TOKENS),
  layers: layerList,
  cleanLogitDiff: value,
  corruptedLogitDiff: value,
  resid: matrix(MAX_LAYERS, MAX_TOKENS).optional(),
  heads: matrix(MAX_LAYERS, MAX_HEADS).optional(),
});

const steeredCell = z.looseObject({ layer: z.number().int(), strength: z.number(), steered: text, baseline: text, targetShift: value, baselineShift: value });
export const steeredGenerationResultSchema = z.looseObject({
  layers: layerList,
  strengths: z.array(z.number()).max(64),
  directionNorm: z.array(value).max(MAX_LAYERS),
  prompts: z.array(z.looseObject({ text, default: text, cells: z.array(steeredCell).max(1024) })).max(MAX_PROMPTS),
  summary: z.array(z.looseObject({ layer: z.number().int(), strength: z.number(), meanTargetShift: value, meanBaselineShift: value })).max(1024),
});

export type LogitLensResult = z.infer<typeof logitLensResultSchema>;
export type AttentionPatternsResult = z.infer<typeof attentionPatternsResultSchema>;
export type ActivationPatchingResult = z.infer<typeof activationPatchingResultSchema>;
export type SteeredGenerationResult = z.infer<typeof steeredGenerationResultSchema>;

interface ViewBase {
  methodIndex: number;
}
export type CausalView =
  | (ViewBase & { method: "logitLens"; ok: true; result: LogitLensResult })
  | (ViewBase & { method: "attentionPatterns"; ok: true; result: AttentionPatternsResult })
  | (ViewBase & { method: "activationPatching"; ok: true; result: ActivationPatchingResult })
  | (ViewBase & { method: "steeredGeneration"; ok: true; result: SteeredGenerationResult })
  | (ViewBase & { method: CausalViewMethod; ok: false; problem: string });

/** The first zod issue, for people: where in the result and what was wrong. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "it does not have the expected shape";
  const where = issue.path.length ? issue.path.map(String).join(".") : "the result";
  return `${where}: ${issue.message}`;
}

/** Shapes that zod cannot see: every [layer][…] table has one row per layer and one column per token. */
function logitLensShapeProblem(r: LogitLensResult): string | null {
  for (const [p, prompt] of r.prompts.entries()) {
    if (prompt.top.length !== prompt.layers.length) return `prompt ${p + 1}: ${prompt.top.length} rows of top tokens for ${prompt.layers.length} layers`;
    const badRow = prompt.top.findIndex((row) => row.length !== prompt.tokens.length);
    if (badRow >= 0) return `prompt ${p + 1}, layer ${prompt.layers[badRow]}: ${prompt.top[badRow]!.length} positions for ${prompt.tokens.length} tokens`;
    if (prompt.target && (prompt.target.rank.length !== prompt.layers.length || prompt.target.prob.length !== prompt.layers.length)) return `prompt ${p + 1}: the target's rank and probability are not given for every layer`;
  }
  return null;
}

function attentionShapeProblem(r: AttentionPatternsResult): string | null {
  if (r.scores.length !== r.layers.length) return `${r.scores.length} rows of scores for ${r.layers.length} layers`;
  const bad = r.scores.findIndex((row) => row.length !== r.nHeads);
  return bad >= 0 ? `layer ${r.layers[bad]}: scores for ${r.scores[bad]!.length} heads, the model has ${r.nHeads}` : null;
}

function patchingShapeProblem(r: ActivationPatchingResult): string | null {
  if (r.resid) {
    if (r.resid.length !== r.layers.length) return `the residual-stream map has ${r.resid.length} rows for ${r.layers.length} layers`;
    const bad = r.resid.findIndex((row) => row.length !== r.tokens.length);
    if (bad >= 0) return `layer ${r.layers[bad]} of the residual-stream map has ${r.resid[bad]!.length} positions for ${r.tokens.length} tokens`;
  }
  if (r.heads) {
    if (r.heads.length !== r.layers.length) return `the head map has ${r.heads.length} rows for ${r.layers.length} layers`;
    const widths = new Set(r.heads.map((row) => row.length));
    if (widths.size > 1) return "the head map's layers have different numbers of heads";
  }
  return null;
}

function steeringShapeProblem(r: SteeredGenerationResult): string | null {
  if (r.directionNorm.length !== r.layers.length) return `${r.directionNorm.length} direction norms for ${r.layers.length} layers`;
  return null;
}

/** One method's view from its raw `result`; `problem` says what is wrong when it cannot be shown. */
export function causalView(method: CausalViewMethod, methodIndex: number, raw: unknown): CausalView {
  const fail = (problem: string): CausalView => ({ methodIndex, method, ok: false, problem });
  if (raw === undefined || raw === null) return fail("the run stored no result for this method");
  switch (method) {
    case "logitLens": {
      const p = logitLensResultSchema.safeParse(raw);
      if (!p.success) return fail(firstIssue(p.error));
      const shape = logitLensShapeProblem(p.data);
      return shape ? fail(shape) : { methodIndex, method, ok: true, result: p.data };
    }
    case "attentionPatterns": {
      const p = attentionPatternsResultSchema.safeParse(raw);
      if (!p.success) return fail(firstIssue(p.error));
      const shape = attentionShapeProblem(p.data);
      return shape ? fail(shape) : { methodIndex, method, ok: true, result: p.data };
    }
    case "activationPatching": {
      const p = activationPatchingResultSchema.safeParse(raw);
      if (!p.success) return fail(firstIssue(p.error));
      const shape = patchingShapeProblem(p.data);
      return shape ? fail(shape) : { methodIndex, method, ok: true, result: p.data };
    }
    case "steeredGeneration": {
      const p = steeredGenerationResultSchema.safeParse(raw);
      if (!p.success) return fail(firstIssue(p.error));
      const shape = steeringShapeProblem(p.data);
      return shape ? fail(shape) : { methodIndex, method, ok: true, result: p.data };
    }
  }
}

const isCausal = (m: string): m is CausalViewMethod => (CAUSAL_VIEW_METHODS as readonly string[]).includes(m);
const methodsShape = z.looseObject({ methods: z.array(z.unknown()) });
const methodShape = z.looseObject({ method: z.string(), result: z.unknown().optional() });

/** Every causal method of a run's metrics, in spec order (other methods are charted elsewhere). */
export function causalViews(metrics: unknown): CausalView[] {
  const parsed = methodsShape.safeParse(metrics);
  if (!parsed.success) return [];
  return parsed.data.methods.flatMap((raw, methodIndex) => {
    const m = methodShape.safeParse(raw);
    return m.success && isCausal(m.data.method) ? [causalView(m.data.method, methodIndex, m.data.result)] : [];
  });
}

/** The best head of each score kind: its layer, head and score (null when no score is defined). */
export function bestHeads(r: AttentionPatternsResult): Record<"previousToken" | "firstToken" | "induction", { layer: number; head: number; score: number } | null> {
  const best = (key: "previousToken" | "firstToken" | "induction") => {
    let out: { layer: number; head: number; score: number } | null = null;
    r.scores.forEach((row, i) =>
      row.forEach((s, head) => {
        const v = s[key];
        if (v !== null && (out === null || v > out.score)) out = { layer: r.layers[i]!, head, score: v };
      }),
    );
    return out;
  };
  return { previousToken: best("previousToken"), firstToken: best("firstToken"), induction: best("induction") };
}
