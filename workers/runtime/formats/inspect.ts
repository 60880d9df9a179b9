/**
 * What a model file is: config, parameter count and sha256, after the same validation the loaders
 * run (so a model that inspects cleanly will load). Payloads are read one tensor at a time and not
 * kept, to refuse NaN/Infinity values.
 */
import path from "node:path";
import type { ModelConfig } from "../types";
import { type PlannedTensor, checkPlanValues, validatePlan } from "./canonical-tensors";
import { readGgufHeader } from "./gguf";
import { ggufModelConfig, planGgufTensors } from "./gguf-model";
import { readHfConfig } from "./hf-config";
import { hfDirectorySha256, planHfTensors } from "./hf-model";
import { readSafetensorsDirectory } from "./safetensors";
import { sha256File } from "./sha256";
import { weightsFormat, type WeightsFormat } from "../load-weights";

export interface ModelInspection {
  format: WeightsFormat;
  config: ModelConfig;
  parameterCount: number;
  sha256: string;
}

function countParameters(plan: readonly PlannedTensor[]): number {
  return plan.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
}

export async function inspectModel(modelPath: string): Promise<ModelInspection> {
  const format = weightsFormat(modelPath);
  if (format === "gguf") {
    const file = readGgufHeader(modelPath);
    const config = ggufModelConfig(file);
    const plan = planGgufTensors(file, config);
    validatePlan(config, plan, path.basename(modelPath));
    checkPlanValues(plan, path.basename(modelPath));
    return { format, config, parameterCount: countParameters(plan), sha256: await sha256File(modelPath) };
  }
  const { config } = readHfConfig(modelPath);
  const plan = planHfTensors(readSafetensorsDirectory(modelPath), config);
  validatePlan(config, plan, path.basename(modelPath));
  checkPlanValues(plan, path.basename(modelPath));
  return { format, config, parameterCount: countParameters(plan), sha256: await hfDirectorySha256(modelPath) };
}
