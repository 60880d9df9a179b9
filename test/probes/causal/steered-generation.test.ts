/**
 * steeredGeneration on models built in memory: steering along a planted direction moves the planted
 * logit difference by the amount the weights imply (and turns the greedy continuation), the three
 * kinds of direction agree on the planted model, a random tiny model agrees with float64 greedy
 * decoding and scoring, results are deterministic (sampling included), and bad inputs are refused.
 */
import { describe, expect, it } from "vitest";
import type { SteeredGenerationParams } from "../../../server/probes/spec";
import { createCausalContext, type CausalContextOptions } from "../../../workers/probes/causal/context";
import { randomUnitVector } from "../../../workers/probes/causal/random-direction";
import { decodeContinuation, steeredGeneration } from "../../../workers/probes/causal/steered-generation";
import { toStableJson } from "../../../workers/probes/serialize";
import { randomWordModel, refusal, testModelHost } from "./hosted-test-models";
import { referenceGreedy, referenceMeanDifference, referenceMeanLastNorm, referenceTargetScore } from "./patching-reference";
import { PLANTED_DIM, expectedPlantedShift, steeringModel } from "./steering-planted-model";

const host = testModelHost("steered");
const planted = steeringModel();
const model = host(planted.weights, planted.tokenizer, { name: "planted" });
const { weights: randomModelWeights, tokenizer: randomTokenizer, model: random } = randomWordModel(host, 9);

function context(m: typeof model, extra: Partial<CausalContextOptions> = {}) {
  return createCausalContext(m, { seed: 11, path: "methods[1]", percent: (f) => 100 * f, ...extra });
}

function params(overrides: Partial<SteeredGenerationParams> = {}): SteeredGenerationParams {
  return {
    method: "steeredGeneration",
    prompts: ["the cat", "the dog"],
    direction: { kind: "meanDifference", positive: ["the joy"], negative: ["the gloom"] },
    layers: [0, 1],
    strengths: [1, 4],
    maxNewTokens: 3,
    targetWords: { target: [" happy"], opposite: [" sad"] },
    ...overrides,
  };
}

describe("steeredGeneration", () => {
  it("moves the planted logit difference by the amount the weights imply, and turns the continuation", async () => {
    const { result } = await steeredGeneration(model, params(), context(model));
    expect(result.layers).toEqual([0, 1]);
    expect(result.strengths).toEqual([1, 4]);
    // Every neutral word's embedding has norm 2 and the blocks do nothing.
    result.directionNorm.forEach((n) => expect(n).toBeCloseTo(2, 5));
    for (const p of result.prompts) {
      const word = p.text.split(" ")[1]!;
      expect(p.default).toBe(` ${word} ${word} ${word}`);
      for (const cell of p.cells) {
        expect(cell.targetShift!, `${p.text} L${cell.layer} s${cell.strength}`).toBeCloseTo(expectedPlantedShift(cell.strength), 4);
        // 1 × the norm is too little to beat the word's own logit, 4 × is enough.
        expect(cell.steered).toBe(cell.strength === 4 ? " happy happy happy" : p.default);
        // A random direction of the same norm barely touches the planted dimension.
        expect(Math.abs(cell.baselineShift!)).toBeLessThan(Math.abs(cell.targetShift!));
      }
    }
    for (const s of result.summary) {
      expect(s.meanTargetShift!).toBeCloseTo(expectedPlantedShift(s.strength), 4);
      const cells = result.prompts.map((p) => p.cells.find((c) => c.layer === s.layer && c.strength === s.strength)!);
      expect(s.meanBaselineShift!).toBeCloseTo((cells[0]!.baselineShift! + cells[1]!.baselineShift!) / 2, 6);
    }
  });

  it("a stored run's direction and the spec's data give the same result as the inline prompt sets", async () => {
    const inline = await steeredGeneration(model, params(), context(model));
    const stored = Float32Array.from({ length: 16 }, (_, k) => (k === PLANTED_DIM ? 3 : 0));
    const asked: Array<[number, number]> = [];
    const artifact = await steeredGeneration(
      model,
      params({ direction: { kind: "artifact", runId: 42 } }),
      context(model, {
        resolveDirection: async (runId, layer) => {
          asked.push([runId, layer]);
          return stored;
        },
      }),
    );
    expect(asked).toEqual([
      [42, 0],
      [42, 1],
    ]);
    expect(toStableJson(artifact.result)).toBe(toStableJson(inline.result));
    const data = await steeredGeneration(model, params({ direction: { kind: "data" } }), context(model, { contrastTexts: async () => ({ positive: ["the joy"], negative: ["the gloom"] }) }));
    expect(toStableJson(data.result)).toBe(toStableJson(inline.result));
  });

  it("agrees with float64 greedy decoding and scoring on a random model", async () => {
    const p = params({
      prompts: ["w10 w11 w12", "w20 w21"],
      direction: { kind: "meanDifference", positive: ["w30 w31", "w32"], negative: ["w40 w41", "w42 w43"] },
      layers: [1],
      strengths: [2],
      maxNewTokens: 5,
      targetWords: { target: [" w50", " w51"], opposite: [" w52"] },
    });
    const ctx = context(random);
    const { result } = await steeredGeneration(random, p, ctx);
    const tok = (s: string) => ctx.tokenize(s, "test");
    const prompts = p.prompts.map(tok);
    const layer = 1;
    const norm = referenceMeanLastNorm(randomModelWeights, prompts, layer);
    expect(result.directionNorm[0]!).toBeCloseTo(norm, 4);
    const md = referenceMeanDifference(randomModelWeights, [tok("w30 w31"), tok("w32")], [tok("w40 w41"), tok("w42 w43")], layer);
    const mdNorm = Math.hypot(...md);
    const steer = { afterBlock: layer, vector: md.map((v) => (v / mdNorm) * 2 * norm) };
    // The baseline's direction: the method's seeded stream for this layer.
    const r = randomUnitVector(randomModelWeights.config.dModel, ctx.rng("steeredGeneration", "baseline", layer));
    const baseline = { afterBlock: layer, vector: Float64Array.from(r, (v) => v * 2 * norm) };
    const target = [randomTokenizer.id("w50"), randomTokenizer.id("w51")];
    const opposite = [randomTokenizer.id("w52")];
    prompts.forEach((ids, i) => {
      const cell = result.prompts[i]!.cells[0]!;
      for (const [text, steering] of [
        [result.prompts[i]!.default, undefined],
        [cell.steered, steer],
        [cell.baseline, baseline],
      ] as const) {
        const ref = referenceGreedy(randomModelWeights, ids, 5, [randomTokenizer.eosId], steering);
        expect(ref.minMargin).toBeGreaterThan(1e-3); // argmax is not a coin toss in float32
        expect(text).toBe(` ${ref.tokens.filter((t) => t !== randomTokenizer.eosId).map((t) => randomTokenizer.piece(t)).join(" ")}`.replace(/^ $/, ""));
      }
      const base = referenceTargetScore(randomModelWeights, ids, target, opposite);
      expect(cell.targetShift!).toBeCloseTo(referenceTargetScore(randomModelWeights, ids, target, opposite, steer) - base, 3);
      expect(cell.baselineShift!).toBeCloseTo(referenceTargetScore(randomModelWeights, ids, target, opposite, baseline) - base, 3);
    });
    // The steered continuations differ from the default somewhere (the test is not vacuous).
    expect(result.prompts.some((q) => q.cells[0]!.steered !== q.default)).toBe(true);
  });

  it("is deterministic for the same spec and seed, sampling included", async () => {
    const sampled = params({ sampling: { temperature: 1, topP: 0.9 }, strengths: [1] });
    const a = await steeredGeneration(random, { ...sampled, prompts: ["w10 w11 w12", "w20 w21"], direction: { kind: "meanDifference", positive: ["w30"], negative: ["w40"] }, targetWords: undefined }, context(random));
    const b = await steeredGeneration(random, { ...sampled, prompts: ["w10 w11 w12", "w20 w21"], direction: { kind: "meanDifference", positive: ["w30"], negative: ["w40"] }, targetWords: undefined }, context(random));
    expect(toStableJson(a.result)).toBe(toStableJson(b.result));
    expect(a.result.summary.every((s) => s.meanTargetShift === null && s.meanBaselineShift === null)).toBe(true);
    const reports: number[] = [];
    const greedy = await steeredGeneration(model, params(), context(model, { onProgress: (p) => void reports.push(p.percent) }));
    expect(reports).toEqual([...reports].sort((x, y) => x - y));
    expect(reports[reports.length - 1]).toBe(100);
    const again = await steeredGeneration(model, params(), context(model));
    expect(toStableJson(greedy.result)).toBe(toStableJson(again.result));
  });

  it("refuses what it cannot steer with", async () => {
    const ctx = context(model);
    expect(await refusal(steeredGeneration(model, params({ prompts: ["the cat", " "] }), ctx))).toContain("methods[1].prompts[1]: the prompt has no tokens");
    expect(await refusal(steeredGeneration(model, params({ direction: { kind: "meanDifference", positive: ["the cat"], negative: ["the cat"] } }), ctx))).toContain("mean difference");
    expect(await refusal(steeredGeneration(model, params({ layers: [2] }), ctx))).toContain("methods[1].layers: layer 2 does not exist");
    expect(await refusal(steeredGeneration(model, params({ direction: { kind: "artifact", runId: 7 } }), ctx))).toContain("not available here");
    const wrongWidth = context(model, { resolveDirection: async () => new Float32Array(8).fill(1) });
    expect(await refusal(steeredGeneration(model, params({ direction: { kind: "artifact", runId: 7, layer: 0 } }), wrongWidth))).toContain("has 8 entries; this model's residual stream has 16");
    expect(await refusal(steeredGeneration(model, params({ direction: { kind: "data" } }), ctx))).toContain('"kind": "data" needs the spec\'s data');
  });

  it("decodes a continuation after its prompt, without the stop token, showing a generated BOS", () => {
    const id = (w: string) => planted.tokenizer.id(w);
    const { bosId, eosId } = planted.tokenizer;
    expect(decodeContinuation(model, [bosId, id("the")], [id("cat"), id("sat"), eosId])).toBe(" cat sat");
    expect(decodeContinuation(model, [bosId, id("the")], [id("cat"), bosId, id("cat")])).toBe(" cat<s>cat");
    expect(decodeContinuation(model, [bosId, id("the")], [eosId])).toBe("");
  });
});
