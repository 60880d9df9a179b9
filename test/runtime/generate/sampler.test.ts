/** The token sampler: greedy tie-breaking, log-probs, temperature and top-p with a seeded generator. */
import { describe, expect, it } from "vitest";
import { createRng } from "../../../workers/probes/stats/rng";
import { argmaxLogits, chooseToken, logProbOf, type UniformSource } from "../../../workers/runtime/generate/sampler";

/** Logits whose temperature-1 softmax is exactly `probs`. */
const logitsOf = (probs: number[]): Float32Array => Float32Array.from(probs, (p) => Math.log(p) + 3);

function frequencies(logits: Float32Array, temperature: number, topP: number, draws: number, seed = 1): number[] {
  const rng = createRng(seed);
  const counts = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < draws; i++) counts[chooseToken(logits, { temperature, topP }, rng)]!++;
  return counts.map((c) => c / draws);
}

describe("sampler", () => {
  it("greedy: argmax with ties to the lowest id, also for temperature 0 and without sampling", () => {
    const logits = Float32Array.from([0.1, 2, -1, 2, 1.5]);
    expect(argmaxLogits(logits)).toBe(1);
    expect(chooseToken(logits, null, null)).toBe(1);
    expect(chooseToken(logits, { temperature: 0, topP: 0.5 }, null)).toBe(1);
  });

  it("log-probs are the temperature-1 log-softmax", () => {
    const probs = [0.5, 0.3, 0.15, 0.05];
    probs.forEach((p, id) => expect(logProbOf(logitsOf(probs), id)).toBeCloseTo(Math.log(p), 6));
    expect(logProbOf(Float32Array.from([1000, 0]), 1)).toBeCloseTo(-1000, 6);
  });

  it("temperature 1, top-p 1 draws tokens at their probabilities", () => {
    const probs = [0.5, 0.3, 0.15, 0.05];
    frequencies(logitsOf(probs), 1, 1, 20000).forEach((f, i) => expect(Math.abs(f - probs[i]!)).toBeLessThan(0.015));
  });

  it("temperature sharpens or flattens: p^(1/T) renormalised", () => {
    const probs = [0.5, 0.3, 0.15, 0.05];
    const T = 2;
    const tempered = probs.map((p) => p ** (1 / T));
    const z = tempered.reduce((a, b) => a + b, 0);
    frequencies(logitsOf(probs), T, 1, 20000, 2).forEach((f, i) => expect(Math.abs(f - tempered[i]! / z)).toBeLessThan(0.015));
  });

  it("top-p keeps the smallest most-likely set reaching p, renormalised", () => {
    // sorted: 0.5 (id 2), 0.3 (id 0), 0.15, 0.05 → p = 0.7 keeps ids 2 and 0
    const logits = logitsOf([0.3, 0.15, 0.5, 0.05]);
    const f = frequencies(logits, 1, 0.7, 20000, 3);
    expect(f[1]).toBe(0);
    expect(f[3]).toBe(0);
    expect(Math.abs(f[2]! - 0.5 / 0.8)).toBeLessThan(0.015);
    expect(Math.abs(f[0]! - 0.3 / 0.8)).toBeLessThan(0.015);
  });

  it("top-p → 0 is greedy (ties to the lowest id)", () => {
    const rng = createRng(4);
    const logits = Float32Array.from([0, 5, 1, 5]);
    for (let i = 0; i < 200; i++) expect(chooseToken(logits, { temperature: 1.3, topP: 1e-9 }, rng)).toBe(1);
  });

  it("one draw per sampled token, the same seed gives the same tokens", () => {
    let draws = 0;
    const inner = createRng(5);
    const counting: UniformSource = { next: () => (draws++, inner.next()) };
    const logits = logitsOf([0.25, 0.25, 0.25, 0.25]);
    const a = Array.from({ length: 50 }, () => chooseToken(logits, { temperature: 1, topP: 0.6 }, counting));
    expect(draws).toBe(50);
    const again = createRng(5);
    expect(Array.from({ length: 50 }, () => chooseToken(logits, { temperature: 1, topP: 0.6 }, again))).toEqual(a);
    const other = createRng(6);
    expect(Array.from({ length: 50 }, () => chooseToken(logits, { temperature: 1, topP: 0.6 }, other))).not.toEqual(a);
  });

  it("never picks a token of zero probability, even when the draw is at the top", () => {
    const logits = Float32Array.from([0, -Infinity, 0, -Infinity]);
    const top: UniformSource = { next: () => 1 - Number.EPSILON };
    expect(chooseToken(logits, { temperature: 1, topP: 1 }, top)).toBe(2);
    expect(chooseToken(logits, { temperature: 1, topP: 1 }, { next: () => 0 })).toBe(0);
  });

  it("rejects bad parameters", () => {
    const logits = Float32Array.from([0, 1]);
    const rng = createRng(1);
    expect(() => chooseToken(logits, { temperature: -1, topP: 1 }, rng)).toThrow(/temperature/);
    expect(() => chooseToken(logits, { temperature: 1, topP: 0 }, rng)).toThrow(/topP/);
    expect(() => chooseToken(logits, { temperature: 1, topP: 1 }, null)).toThrow(/random source/);
  });
});
