/** Loads model weights from a .gguf file or a Hugging Face model directory. */
import { loadGgufWeights } from "./formats/gguf-model";
import { loadHfWeights } from "./formats/hf-model";
import { type WeightsFormat, checkModelPath } from "./formats/model-path";
import type { ModelWeights } from "./types";

export type { WeightsFormat };

/** Which loader a path needs (checked on stat alone: FIFOs, devices and bare directories are refused). */
export function weightsFormat(modelPath: string): WeightsFormat {
  return checkModelPath(modelPath);
}

export async function loadModelWeights(modelPath: string): Promise<ModelWeights> {
  return weightsFormat(modelPath) === "gguf" ? loadGgufWeights(modelPath) : loadHfWeights(modelPath);
}
