/**
 * Setup shared by the causal-method tests that run models built in memory: one cache folder and
 * session cache per test file (removed after its tests), a random tiny llama model with a word
 * tokenizer, and the check that a method refused its input (rather than failed).
 */
import { afterAll, expect } from "vitest";
import { createHostedModel, type HostedModelOptions, type OnnxHostedModel } from "../../../workers/runtime/hosted-model";
import type { ModelWeights, Tokenizer } from "../../../workers/runtime/types";
import { ProbeInputError } from "../../../workers/probes/types";
import { tempDir, testSessionCache } from "../../runtime/graph/helpers";
import { randomWeights, tinyConfig } from "../../runtime/graph/random-weights";
import { WordTokenizer } from "./patching-word-tokenizer";

export type HostModel = (weights: ModelWeights, tokenizer: Tokenizer, options?: HostedModelOptions) => OnnxHostedModel;

/** Call at a test file's top level: hosts models in a temporary cache that is cleared after the file's tests. */
export function testModelHost(prefix: string): HostModel {
  const cache = tempDir(prefix);
  const sessions = testSessionCache();
  afterAll(async () => {
    await sessions.clear();
    cache.cleanup();
  });
  return (weights, tokenizer, options = {}) => createHostedModel(weights, tokenizer, { cacheDir: cache.dir, sessionCache: sessions, ...options });
}

/** A random three-block llama (weights scaled by 0.4) whose tokenizer reads the words "w2" … "w63". */
export function randomWordModel(host: HostModel, seed: number): { weights: ModelWeights; tokenizer: WordTokenizer; model: OnnxHostedModel } {
  const tokenizer = new WordTokenizer([], 64);
  const weights = randomWeights(tinyConfig("llama", { nLayers: 3 }), seed, 0.4);
  return { weights, tokenizer, model: host(weights, tokenizer, { name: "random" }) };
}

/** The message of the ProbeInputError `promise` rejects with (the test fails if it resolves or fails otherwise). */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProbeInputError);
  return (error as Error).message;
}
