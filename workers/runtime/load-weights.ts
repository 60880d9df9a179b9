/** Loads model weights from a .gguf file or a Hugging Face model directory. */
import { existsSync, statSync } from "node:fs";
import { ModelFormatError } from "./formats/errors";
import { loadGgufWeights } from "./formats/gguf-model";
import { loadHfWeights } from "./formats/hf-model";
import type { ModelWeights } from "./types";

export type WeightsFormat = "gguf" | "hf";

/** Which loader a path needs: a file must be .gguf, a directory must be a Hugging Face model. */
export function weightsFormat(modelPath: string): WeightsFormat {
  if (!existsSync(modelPath)) throw new ModelFormatError(`no such model file or directory: ${modelPath}`);
  if (statSync(modelPath).isDirectory()) return "hf";
  if (modelPath.toLowerCase().endsWith(".gguf")) return "gguf";
  throw new ModelFormatError(`${modelPath}: not a .gguf file or a Hugging Face model directory`);
}

export async function loadModelWeights(modelPath: string): Promise<ModelWeights> {
  return weightsFormat(modelPath) === "gguf" ? loadGgufWeights(modelPath) : loadHfWeights(modelPath);
}
