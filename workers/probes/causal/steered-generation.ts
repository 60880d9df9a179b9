/**
 * steeredGeneration: continuations of each prompt with and without a steering vector added to the
 * residual stream after block L (at every position, prompt and generated alike), for each steered
 * layer and strength — and, on every run, with a random direction of the same norm as a baseline.
 *
 * The vector at layer L is u_L × strength × N_L: u_L the unit direction (the mean difference of the
 * two inline prompt sets' blocks.{L}.hook_resid_post at their last token; a stored run's diffmean
 * direction; or the mean difference of the spec's own data), N_L the mean norm of the prompts'
 * resid_post at L at their last token — strengths are in units of a typical residual norm, like the
 * `steering` method's α. The random direction is one seeded Gaussian direction per layer (the same
 * for every strength and prompt), scaled to the same norm.
 *
 * Decoding is greedy unless `sampling` is given; sampled runs use the spec's seed for the default,
 * steered and baseline continuations alike, so they differ only by the intervention.
 *
 * targetShift: the log-probability of the target words against the opposite words at the first
 * generated position, log Σ p(first tokens of the targets) − log Σ p(first tokens of the opposites)
 * (just the first term without opposite words), steered minus default; baselineShift the same for
 * the random direction. Null without targetWords. Each word's first token is taken as the model
 * reads it right after the prompt (answer-tokens.ts).
 */
import type { SteeredGenerationParams } from "../../../server/probes/spec";
import type { GenerateRequest, HostedModel } from "../../runtime/types";
import { ProbeInputError } from "../types";
import { firstTokensAfter } from "./answer-tokens";
import { copiesPerForward } from "./activation-patching";
import type { CausalContext } from "./context";
import { meanOrNull, targetScore } from "./logit-metrics";
import { randomUnitVector, scaled, unitOrNull } from "./random-direction";

export interface SteeredCell {
  layer: number;
  strength: number;
  steered: string;
  /** The continuation with a random direction of the same norm. */
  baseline: string;
  targetShift: number | null;
  baselineShift: number | null;
}

export interface SteeredGenerationResult {
  layers: number[];
  strengths: number[];
  /** Per layer: the norm of the added vector at strength 1 (the mean residual norm N_L). */
  directionNorm: number[];
  prompts: Array<{ text: string; default: string; cells: SteeredCell[] }>;
  summary: Array<{ layer: number; strength: number; meanTargetShift: number | null; meanBaselineShift: number | null }>;
}

function residPostHook(layer: number): string {
  return `blocks.${layer}.hook_resid_post`;
}

/** Per layer, the sum over prompts of resid_post at the last token ([d]) and of its norm. */
async function lastTokenResid(model: HostedModel, ids: number[][], layers: number[]): Promise<Map<number, { sum: Float64Array; normSum: number }>> {
  const d = model.config.dModel;
  const out = new Map(layers.map((l) => [l, { sum: new Float64Array(d), normSum: 0 }]));
  const perForward = 32;
  for (let b = 0; b < ids.length; b += perForward) {
    const batch = ids.slice(b, b + perForward);
    const result = await model.forward({ inputIds: batch, taps: layers.map(residPostHook), logits: false });
    for (const layer of layers) {
      const acc = out.get(layer)!;
      result.taps.get(residPostHook(layer))!.forEach((x, j) => {
        const o = (batch[j]!.length - 1) * d;
        let nn = 0;
        for (let k = 0; k < d; k++) {
          const v = x[o + k]!;
          if (!Number.isFinite(v)) throw new ProbeInputError(`the model produced non-finite activations at ${residPostHook(layer)} — check the model weights`);
          acc.sum[k] = acc.sum[k]! + v;
          nn += v * v;
        }
        acc.normSum += Math.sqrt(nn);
      });
    }
  }
  return out;
}

async function meanDifferenceDirections(model: HostedModel, positive: number[][], negative: number[][], layers: number[]): Promise<Map<number, Float64Array>> {
  const pos = await lastTokenResid(model, positive, layers);
  const neg = await lastTokenResid(model, negative, layers);
  return new Map(layers.map((l) => [l, pos.get(l)!.sum.map((v, k) => v / positive.length - neg.get(l)!.sum[k]! / negative.length)]));
}

/** The unit steering direction per steered layer. */
async function unitDirections(model: HostedModel, params: SteeredGenerationParams, ctx: CausalContext, layers: number[]): Promise<Map<number, Float32Array>> {
  const d = model.config.dModel;
  const dir = params.direction;
  const path = `${ctx.path}.direction`;
  const raw = new Map<number, ArrayLike<number>>();
  let what: (layer: number) => string;
  if (dir.kind === "meanDifference" || dir.kind === "data") {
    const sets =
      dir.kind === "meanDifference"
        ? { positive: dir.positive.map((t, i) => ctx.tokenize(t, `${path}.positive[${i}]`)), negative: dir.negative.map((t, i) => ctx.tokenize(t, `${path}.negative[${i}]`)) }
        : await dataSets(ctx, path);
    const md = await meanDifferenceDirections(model, sets.positive, sets.negative, layers);
    for (const l of layers) raw.set(l, md.get(l)!);
    what = (l) => `the mean difference of the ${dir.kind === "data" ? "data's" : "two prompt sets'"} activations at layer ${l} is zero — the positive and negative prompts end in the same activations; use prompts that differ in the concept`;
  } else {
    if (!ctx.resolveDirection) throw new ProbeInputError(`${path}: directions from stored runs are not available here — use "meanDifference" with two prompt sets`);
    const fixed = dir.layer !== undefined ? await ctx.resolveDirection(dir.runId, dir.layer) : null;
    for (const l of layers) raw.set(l, fixed ?? (await ctx.resolveDirection(dir.runId, l)));
    what = (l) => `run ${dir.runId}'s direction for layer ${dir.layer ?? l} is all zeros — choose another run or layer`;
  }
  const out = new Map<number, Float32Array>();
  for (const l of layers) {
    const v = raw.get(l)!;
    if (v.length !== d) throw new ProbeInputError(`${path}: run ${dir.kind === "artifact" ? dir.runId : "?"}'s direction has ${v.length} entries; this model's residual stream has ${d} — use a run on a model of the same width`);
    const u = unitOrNull(v);
    if (!u) throw new ProbeInputError(`${path}: ${what(l)}`);
    out.set(l, u);
  }
  return out;
}

async function dataSets(ctx: CausalContext, path: string): Promise<{ positive: number[][]; negative: number[][] }> {
  const data = await ctx.contrastTexts?.();
  if (!data || data.positive.length === 0 || data.negative.length === 0) {
    throw new ProbeInputError(`${path}: "kind": "data" needs the spec's data with both a positive and a negative class — add data, or use "meanDifference" with two prompt sets`);
  }
  return {
    positive: data.positive.map((t, i) => ctx.tokenize(t, `data (positive example ${i})`)),
    negative: data.negative.map((t, i) => ctx.tokenize(t, `data (negative example ${i})`)),
  };
}

/** Per prompt, the target score at the first generated position (the prompt's last position). */
async function firstStepScores(model: HostedModel, ids: number[][], words: Array<{ target: number[]; opposite: number[] }>, steering: GenerateRequest["steering"]): Promise<number[]> {
  const V = model.config.vocabSize;
  const out: number[] = [];
  const perForward = copiesPerForward(Math.max(...ids.map((s) => s.length)), V);
  for (let b = 0; b < ids.length; b += perForward) {
    const batch = ids.slice(b, b + perForward);
    const result = await model.forward({ inputIds: batch, taps: [], logits: true, ...(steering ? { steering } : {}) });
    batch.forEach((seq, j) => out.push(targetScore(result.logits![j]!, seq.length - 1, V, words[b + j]!.target, words[b + j]!.opposite)));
  }
  return out;
}

export async function steeredGeneration(model: HostedModel, params: SteeredGenerationParams, ctx: CausalContext): Promise<{ result: SteeredGenerationResult; artifacts: null }> {
  const { nLayers, dModel: d } = model.config;
  const layers = [...params.layers].sort((a, b) => a - b);
  const bad = layers.filter((l) => l >= nLayers);
  if (bad.length > 0) throw new ProbeInputError(`${ctx.path}.layers: layer ${bad.join(", ")} does not exist — the model has ${nLayers} blocks (0 to ${nLayers - 1})`);
  const strengths = params.strengths;
  const ids = params.prompts.map((p, i) => ctx.tokenize(p, `${ctx.path}.prompts[${i}]`));
  const words = params.targetWords
    ? params.prompts.map((p, i) => ({
        target: firstTokensAfter(model.tokenizer, p, params.targetWords!.target, `${ctx.path}.targetWords.target`),
        opposite: firstTokensAfter(model.tokenizer, p, params.targetWords!.opposite ?? [], `${ctx.path}.targetWords.opposite`),
        prompt: i,
      }))
    : null;

  const generations = 1 + 2 * layers.length * strengths.length;
  let done = 0;
  const tick = async (message: string, layer: number | null): Promise<void> => {
    await ctx.progress({ stage: "steered generation", message, done, total: generations + 1, examplesDone: done, examplesTotal: generations + 1, layer });
  };

  await tick("computing the steering directions", null);
  const directions = await unitDirections(model, params, ctx, layers);
  const norms = await lastTokenResid(model, ids, layers);
  const directionNorm = layers.map((l) => norms.get(l)!.normSum / ids.length);
  const randomDirections = new Map(layers.map((l) => [l, randomUnitVector(d, ctx.rng("steeredGeneration", "baseline", l))]));
  done++;
  await tick("generating the default continuations", null);

  const generate = async (steering: GenerateRequest["steering"]): Promise<string[]> => {
    const request: GenerateRequest = {
      prompts: ids,
      maxNewTokens: params.maxNewTokens,
      ...(params.sampling && params.sampling.temperature > 0 ? { sampling: { temperature: params.sampling.temperature, topP: params.sampling.topP, seed: ctx.seed } } : {}),
      ...(steering ? { steering } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    };
    const out = await model.generate(request);
    return out.tokens.map((gen, i) => decodeContinuation(model, ids[i]!, gen));
  };
  const scores = async (steering: GenerateRequest["steering"]): Promise<number[] | null> => (words ? firstStepScores(model, ids, words, steering) : null);

  const defaults = await generate(undefined);
  const defaultScores = await scores(undefined);
  done++;

  const cells: SteeredCell[][] = ids.map(() => []);
  const summary: SteeredGenerationResult["summary"] = [];
  for (const [li, layer] of layers.entries()) {
    for (const strength of strengths) {
      const scale = strength * directionNorm[li]!;
      await tick(`steering at layer ${layer}, strength ${strength}`, layer);
      const steering = [{ afterBlock: layer, vector: scaled(directions.get(layer)!, scale) }];
      const steered = await generate(steering);
      const steeredScores = await scores(steering);
      done++;
      await tick(`random baseline at layer ${layer}, strength ${strength}`, layer);
      const baselineSteering = [{ afterBlock: layer, vector: scaled(randomDirections.get(layer)!, scale) }];
      const baseline = await generate(baselineSteering);
      const baselineScores = await scores(baselineSteering);
      done++;
      const targetShifts: Array<number | null> = [];
      const baselineShifts: Array<number | null> = [];
      ids.forEach((_, i) => {
        const targetShift = defaultScores && steeredScores ? steeredScores[i]! - defaultScores[i]! : null;
        const baselineShift = defaultScores && baselineScores ? baselineScores[i]! - defaultScores[i]! : null;
        targetShifts.push(targetShift);
        baselineShifts.push(baselineShift);
        cells[i]!.push({ layer, strength, steered: steered[i]!, baseline: baseline[i]!, targetShift, baselineShift });
      });
      summary.push({ layer, strength, meanTargetShift: meanOrNull(targetShifts), meanBaselineShift: meanOrNull(baselineShifts) });
    }
  }
  await tick("steered generation done", null);
  return {
    result: {
      layers,
      strengths,
      directionNorm,
      prompts: params.prompts.map((text, i) => ({ text, default: defaults[i]!, cells: cells[i]! })),
      summary,
    },
    artifacts: null,
  };
}

/**
 * The continuation's text: the decoded prompt + continuation minus the decoded prompt (so pieces that
 * merge across the boundary and leading spaces come out as in the full text), without a final EOS.
 * A generated BOS (which decoders drop; heavy steering can produce nothing else) is shown as its piece.
 */
export function decodeContinuation(model: HostedModel, prompt: number[], generated: number[]): string {
  const tok = model.tokenizer;
  const gen = tok.eosId !== null && generated[generated.length - 1] === tok.eosId ? generated.slice(0, -1) : generated;
  const body = tok.bosId !== null && prompt[0] === tok.bosId ? prompt.slice(1) : prompt;
  const bos = tok.bosId === null ? -1 : gen.indexOf(tok.bosId);
  if (bos >= 0) return decodeContinuation(model, prompt, gen.slice(0, bos)) + tok.piece(tok.bosId!) + decodeContinuation(model, [], gen.slice(bos + 1));
  const before = tok.decode(body);
  const full = tok.decode([...body, ...gen]);
  return full.startsWith(before) ? full.slice(before.length) : tok.decode(gen);
}
