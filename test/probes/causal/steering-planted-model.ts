/**
 * A model whose blocks do nothing (all attention and MLP outputs are zero), so the residual stream at
 * every layer is the token's embedding plus whatever steering adds. One residual dimension (PLANTED)
 * is read by the unembedding as happy (+C) versus sad (−C) and is zero in every neutral word; "joy"
 * and "gloom" differ only along it. Neutral words unembed onto themselves, so the default greedy
 * continuation repeats the last word.
 *
 * Steering by s × (mean residual norm R) along the planted direction at the last position moves
 * logit(happy) − logit(sad) from 0 to 2·C·s·R / sqrt(R²(1 + s²)/d + eps): `expectedPlantedShift`.
 */
import type { ModelConfig, ModelWeights } from "../../../workers/runtime/types";
import { emptyBlocks, plantedLlamaConfig, set, zeros } from "./patching-planted-models";
import { WordTokenizer } from "./patching-word-tokenizer";

export const STEER_NEUTRAL = ["the", "cat", "dog", "sat", "happy", "sad"] as const;
export const PLANTED_DIM = 15;
/** Norm of every neutral word's embedding. */
const R = 2;
const C = 1;
const SELF = 2;
const JOY_SHIFT = 0.5;

export function steeringModelConfig(): ModelConfig {
  return plantedLlamaConfig({ nLayers: 2, contextLength: 64, ropeTheta: 10000 });
}

export function steeringModel(): { weights: ModelWeights; tokenizer: WordTokenizer } {
  const config = steeringModelConfig();
  const tokenizer = new WordTokenizer([...STEER_NEUTRAL, "joy", "gloom"], config.vocabSize);
  const tensors = emptyBlocks(config);
  const embed = zeros([config.vocabSize, config.dModel]);
  const unembed = zeros([config.vocabSize, config.dModel]);
  // Word i of the vocabulary (BOS and EOS included) sits on its own dimension i (< PLANTED_DIM).
  for (let id = 0; id < config.vocabSize; id++) {
    const dim = id % PLANTED_DIM;
    set(embed, id, dim, R);
    set(unembed, id, dim, SELF);
  }
  const joyDim = tokenizer.id("joy") % PLANTED_DIM;
  set(embed, tokenizer.id("gloom"), joyDim, R);
  set(embed, tokenizer.id("gloom"), tokenizer.id("gloom") % PLANTED_DIM, 0);
  set(embed, tokenizer.id("joy"), PLANTED_DIM, JOY_SHIFT);
  set(embed, tokenizer.id("gloom"), PLANTED_DIM, -JOY_SHIFT);
  set(unembed, tokenizer.id("happy"), PLANTED_DIM, C);
  set(unembed, tokenizer.id("sad"), PLANTED_DIM, -C);
  tensors.set("token_embd.weight", embed);
  tensors.set("output.weight", unembed);
  return { weights: { config, tensors, sha256: "planted-steering-model-v1" }, tokenizer };
}

/** logit(happy) − logit(sad) at a neutral last token after adding s·R along the planted direction (default: 0). */
export function expectedPlantedShift(strength: number): number {
  const { dModel: d, normEps: eps } = steeringModelConfig();
  const rms = Math.sqrt((R * R * (1 + strength * strength)) / d + eps);
  return (2 * C * strength * R) / rms;
}
