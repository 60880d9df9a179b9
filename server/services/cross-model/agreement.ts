import { and, asc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Database } from "~/db/client";
import { models, runArtifacts } from "~/db/schema";
import { relativeDepth } from "../../experiments/relative-depth";
import { float32FromBytes } from "../../artifacts/tensor-files";
import type { SessionUser } from "../../trpc/context";
import { ARTIFACT } from "../runs/artifact-names";
import { hookKind } from "../runs/chart-data";
import { bestMatches, correlationMatrix, meanBestMatch } from "./correlation";
import { type DoneRun, latestDoneRuns, visibleVersion, waitingModels } from "./runs";

/**
 * Cross-model agreement. Two models have different bases, so their directions cannot be compared
 * directly; their behaviour on the same prompts can. For each layer i of model a and j of model b,
 * the Pearson correlation over examples of the scores (each example's projection onto that
 * model's own diffmean direction at that layer, stored by the worker as `diffmean.scores`). Both
 * runs belong to the same experiment version, so the examples are the same prompts in the same
 * order. Beside the chosen pair: the "same recipe, different seed" baseline, two models trained by
 * one recipe (models.recipe) with different seeds, on the same experiment.
 */

export interface AgreementSide {
  model: string;
  runId: number;
  attempt: number;
  nLayers: number;
  layers: number[];
  depths: number[];
}

export interface BestMatchRow {
  layer: number;
  depth: number;
  /** The best-matching layer of b (largest correlation), or null when every correlation is undefined. */
  match: number | null;
  matchDepth: number | null;
  correlation: number | null;
}

export type PairAgreement =
  | {
      status: "ok";
      a: AgreementSide;
      b: AgreementSide;
      hook: string;
      examples: number;
      /** [a's layers][b's layers]; null where a score column is constant. */
      matrix: Array<Array<number | null>>;
      best: BestMatchRow[];
      /** Mean over a's layers of the best-match correlation. */
      summary: number | null;
    }
  | { status: "refused"; reason: "rerun-needed" | "example-mismatch" | "no-scores" | "missing-run"; a: string; b: string; message: string };

export interface SeedBaseline {
  /** The recipe whose two seeds are compared, or null when no two models share one. */
  recipe: string | null;
  pair: PairAgreement | null;
  /** Why there is no baseline, in words (null when there is one). */
  message: string | null;
}

export interface AgreementModel {
  name: string;
  runId: number;
  nLayers: number;
  recipe: string | null;
  hasScores: boolean;
}

export interface AgreementResult {
  experiment: { id: number; title: string; state: "draft" | "published"; latestVersion: number };
  version: { version: number; publishedAt: Date | null };
  versions: Array<{ version: number; publishedAt: Date | null }>;
  /** Models with a done run of the version, by name. */
  models: AgreementModel[];
  waiting: Array<{ model: string; status: string }>;
  a: string | null;
  b: string | null;
  hooks: string[];
  hook: string | null;
  /** Null when fewer than two models have a done run. */
  pair: PairAgreement | null;
  seed: SeedBaseline;
}

interface ScoreColumn {
  hook: string;
  layer: number;
  values: Float32Array;
}

/** The `diffmean.scores` columns of a run, for its first diffmean method, per hook kind. */
async function scoreColumns(db: Database, runId: number): Promise<ScoreColumn[]> {
  const rows = await db
    .select({ methodIndex: runArtifacts.methodIndex, hook: runArtifacts.hook, layer: runArtifacts.layer, shape: runArtifacts.shape, data: runArtifacts.data })
    .from(runArtifacts)
    .where(and(eq(runArtifacts.runId, runId), eq(runArtifacts.name, ARTIFACT.diffmeanScores), isNotNull(runArtifacts.layer)))
    .orderBy(asc(runArtifacts.methodIndex), asc(runArtifacts.layer), asc(runArtifacts.id));
  const first = rows[0]?.methodIndex;
  return rows
    .filter((r) => r.methodIndex === first && r.hook !== null && r.layer !== null && r.shape.length === 1)
    .map((r) => ({ hook: hookKind(r.hook!), layer: r.layer!, values: float32FromBytes(r.data) }))
    .filter((c) => c.values.length > 0);
}

/** Which of these runs stored scores (one query for the model list). */
async function runsWithScores(db: Database, runIds: number[]): Promise<Set<number>> {
  if (runIds.length === 0) return new Set();
  const rows = await db
    .selectDistinct({ runId: runArtifacts.runId })
    .from(runArtifacts)
    .where(and(inArray(runArtifacts.runId, runIds), eq(runArtifacts.name, ARTIFACT.diffmeanScores)));
  return new Set(rows.map((r) => r.runId));
}

const hasDiffmean = (run: DoneRun) => Array.isArray(run.metrics.methods) && run.metrics.methods.some((m) => typeof m === "object" && m !== null && (m as { method?: unknown }).method === "diffmean");

function side(run: DoneRun, columns: ScoreColumn[]): AgreementSide {
  const layers = columns.map((c) => c.layer);
  return { model: run.model, runId: run.runId, attempt: run.attempt, nLayers: run.nLayers, layers, depths: layers.map((l) => relativeDepth(l, run.nLayers)) };
}

/**
 * The agreement of two score sets (pure): the layer × layer correlations, each a-layer's best b-layer,
 * and their mean. Refuses (without numbers) when the runs scored different numbers of examples.
 */
export function agreementOf(a: { run: DoneRun; columns: ScoreColumn[] }, b: { run: DoneRun; columns: ScoreColumn[] }, hook: string): PairAgreement {
  const colsA = a.columns.filter((c) => c.hook === hook);
  const colsB = b.columns.filter((c) => c.hook === hook);
  if (colsA.length === 0 || colsB.length === 0) {
    const which = colsA.length === 0 ? a.run.model : b.run.model;
    return { status: "refused", reason: "no-scores", a: a.run.model, b: b.run.model, message: `${which}'s run #${colsA.length === 0 ? a.run.runId : b.run.runId} has no scores at ${hook}.` };
  }
  const counts = new Set([...colsA, ...colsB].map((c) => c.values.length));
  if (counts.size > 1) {
    const nA = [...new Set(colsA.map((c) => c.values.length))].join("/");
    const nB = [...new Set(colsB.map((c) => c.values.length))].join("/");
    return {
      status: "refused",
      reason: "example-mismatch",
      a: a.run.model,
      b: b.run.model,
      message: `The runs scored different numbers of examples (${a.run.model}: ${nA}, ${b.run.model}: ${nB}), so their scores cannot be paired example by example. Rerun both on this version.`,
    };
  }
  const matrix = correlationMatrix(colsA.map((c) => c.values), colsB.map((c) => c.values));
  const sideA = side(a.run, colsA);
  const sideB = side(b.run, colsB);
  const matches = bestMatches(matrix);
  const best = matches.map((m, i) => ({
    layer: sideA.layers[i]!,
    depth: sideA.depths[i]!,
    match: m.index === null ? null : sideB.layers[m.index]!,
    matchDepth: m.index === null ? null : sideB.depths[m.index]!,
    correlation: m.correlation,
  }));
  return { status: "ok", a: sideA, b: sideB, hook, examples: [...counts][0]!, matrix, best, summary: meanBestMatch(matches) };
}

/** The pair's agreement, loading both runs' scores; refusals say what to do. */
async function pairAgreement(db: Database, a: DoneRun, b: DoneRun, hook: string | null, loaded: Map<number, ScoreColumn[]>): Promise<PairAgreement> {
  const load = async (run: DoneRun) => {
    if (!loaded.has(run.runId)) loaded.set(run.runId, await scoreColumns(db, run.runId));
    return loaded.get(run.runId)!;
  };
  const [colsA, colsB] = await Promise.all([load(a), load(b)]);
  const missing = [a, b].filter((r, k) => (k === 0 ? colsA : colsB).length === 0);
  if (missing.length > 0) {
    if (missing.some((r) => !hasDiffmean(r))) {
      return { status: "refused", reason: "no-scores", a: a.model, b: b.model, message: "This experiment has no difference-of-means (diffmean) method, so its runs have no per-example scores to compare. Add diffmean to the spec (a new version) to compare models." };
    }
    const which = missing.map((r) => `${r.model} (run #${r.runId}, engine ${r.engineVersion})`).join(" and ");
    return {
      status: "refused",
      reason: "rerun-needed",
      a: a.model,
      b: b.model,
      message: `Rerun needed: ${which} finished before runs stored per-example scores. Rerun ${missing.length === 1 ? "it" : "them"} from the experiment page to compare.`,
    };
  }
  const chosenHook = hook ?? colsA[0]!.hook;
  return agreementOf({ run: a, columns: colsA }, { run: b, columns: colsB }, chosenHook);
}

/** Two models of one recipe with done runs (first recipe and first two names alphabetically), else why not. */
async function seedPair(db: Database, done: readonly DoneRun[]): Promise<{ recipe: string; a: DoneRun; b: DoneRun } | { recipe: string | null; message: string }> {
  const byRecipe = new Map<string, DoneRun[]>();
  for (const r of done) if (r.recipe) byRecipe.set(r.recipe, [...(byRecipe.get(r.recipe) ?? []), r]);
  const recipe = [...byRecipe.keys()].sort().find((k) => byRecipe.get(k)!.length >= 2);
  if (recipe) {
    const [a, b] = byRecipe.get(recipe)!;
    return { recipe, a: a!, b: b! };
  }
  // Say which recipe could give one, if the platform hosts two models of one.
  const registered = await db
    .select({ recipe: models.recipe, names: sql<string[]>`array_agg(${models.name} order by ${models.name})` })
    .from(models)
    .where(isNotNull(models.recipe))
    .groupBy(models.recipe)
    .having(sql`count(*) >= 2`)
    .orderBy(asc(models.recipe))
    .limit(1);
  const group = registered[0];
  if (group?.recipe) {
    return {
      recipe: group.recipe,
      message: `No same-recipe, different-seed baseline yet: the models trained by recipe ${group.recipe} (${group.names.join(", ")}) do not both have a finished run of this version.`,
    };
  }
  return { recipe: null, message: "No same-recipe, different-seed baseline: no two hosted models share a training recipe." };
}

export interface AgreementInput {
  id: number;
  version?: number | null;
  a?: string | null;
  b?: string | null;
  hook?: string | null;
}

export async function crossModelAgreement(db: Database, viewer: SessionUser | null, input: AgreementInput): Promise<AgreementResult> {
  const ctx = await visibleVersion(db, viewer, input.id, input.version);
  const [done, waiting] = await Promise.all([latestDoneRuns(db, ctx.version.id), waitingModels(db, ctx.version.id)]);
  const withScores = await runsWithScores(db, done.map((r) => r.runId));
  const find = (name: string | null | undefined) => (name ? done.find((r) => r.model === name) : undefined);
  // Defaults: the first two models (by name) that have scores, else the first two with runs.
  const ordered = [...done.filter((r) => withScores.has(r.runId)), ...done.filter((r) => !withScores.has(r.runId))];
  const runA = find(input.a) ?? ordered[0];
  const runB = find(input.b && input.b !== runA?.model ? input.b : null) ?? ordered.find((r) => r !== runA);

  const loaded = new Map<number, ScoreColumn[]>();
  const hooksOf = async (run: DoneRun | undefined) => {
    if (!run || !withScores.has(run.runId)) return [];
    if (!loaded.has(run.runId)) loaded.set(run.runId, await scoreColumns(db, run.runId));
    return loaded.get(run.runId)!.map((c) => c.hook);
  };
  const hooks = [...new Set([...(await hooksOf(runA)), ...(await hooksOf(runB))])].sort((x, y) => (x === "hook_resid_post" ? -1 : y === "hook_resid_post" ? 1 : x.localeCompare(y)));
  const hook = input.hook && hooks.includes(input.hook) ? input.hook : (hooks[0] ?? null);

  const pair = runA && runB ? await pairAgreement(db, runA, runB, hook, loaded) : null;
  const seedChoice = await seedPair(db, done);
  const seed: SeedBaseline =
    "message" in seedChoice
      ? { recipe: seedChoice.recipe, pair: null, message: seedChoice.message }
      : { recipe: seedChoice.recipe, pair: await pairAgreement(db, seedChoice.a, seedChoice.b, hook, loaded), message: null };

  return {
    experiment: { id: ctx.experiment.id, title: ctx.version.title, state: ctx.experiment.state, latestVersion: ctx.experiment.latestVersion },
    version: { version: ctx.version.version, publishedAt: ctx.version.publishedAt },
    versions: ctx.versions,
    models: done.map((r) => ({ name: r.model, runId: r.runId, nLayers: r.nLayers, recipe: r.recipe, hasScores: withScores.has(r.runId) })),
    waiting,
    a: runA?.model ?? null,
    b: runB?.model ?? null,
    hooks,
    hook,
    pair,
    seed,
  };
}
