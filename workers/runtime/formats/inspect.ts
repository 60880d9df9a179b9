/**
 * What a model file is: config, parameter count, storage precision and sha256, after the same
 * validation the loaders run (so a model that inspects cleanly will load). Payloads are read one
 * tensor at a time and not kept, to refuse NaN/Infinity values.
 */
import path from "node:path";
import type { ModelConfig } from "../types";
import { type PlannedTensor, checkPlanValues, validatePlan } from "./canonical-tensors";
import { readGgufHeader } from "./gguf";
import { ggmlTypeName } from "./ggml-types";
import { ggufModelConfig, planGgufTensors } from "./gguf-model";
import { readHfConfig } from "./hf-config";
import { hfDirectorySha256, planHfTensors } from "./hf-model";
import { readSafetensorsDirectory } from "./safetensors";
import { sha256File } from "./sha256";
import { weightsFormat, type WeightsFormat } from "../load-weights";

/** How the weights are stored (not how they run: the runtime always computes in float32). */
export type WeightPrecision = "f32" | "f16" | "bf16" | "q8_0" | "mixed";

export interface ModelInspection {
  format: WeightsFormat;
  config: ModelConfig;
  parameterCount: number;
  precision: WeightPrecision;
  sha256: string;
}

/** A stored tensor: its storage type as the file names it (GGML "Q8_0", safetensors "BF16", ...) and shape. */
export interface StoredTensor {
  type: string;
  shape: readonly number[];
}

const PRECISION_BY_TYPE: Readonly<Record<string, WeightPrecision>> = { F32: "f32", F16: "f16", BF16: "bf16", Q8_0: "q8_0" };

/**
 * The storage type holding more than half of the parameters of the 2-D weight matrices (embeddings
 * and projections; 1-D norms and biases are ignored, since converters keep those in f32 whatever
 * the precision). "mixed" when no type holds a majority, or the majority type is none of ours.
 */
export function weightPrecision(tensors: Iterable<StoredTensor>): WeightPrecision {
  const byType = new Map<string, number>();
  let total = 0;
  for (const t of tensors) {
    if (t.shape.length < 2) continue;
    const n = t.shape.reduce((a, b) => a * b, 1);
    byType.set(t.type, (byType.get(t.type) ?? 0) + n);
    total += n;
  }
  for (const [type, n] of byType) {
    if (2 * n > total) return PRECISION_BY_TYPE[type.toUpperCase()] ?? "mixed";
  }
  return "mixed";
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
    const precision = weightPrecision(file.tensors.map((t) => ({ type: ggmlTypeName(t.type), shape: t.dims })));
    return { format, config, parameterCount: countParameters(plan), precision, sha256: await sha256File(modelPath) };
  }
  const { config } = readHfConfig(modelPath);
  const entries = readSafetensorsDirectory(modelPath);
  const plan = planHfTensors(entries, config);
  validatePlan(config, plan, path.basename(modelPath));
  checkPlanValues(plan, path.basename(modelPath));
  const precision = weightPrecision(entries.map((e) => ({ type: e.dtype, shape: e.shape })));
  return { format, config, parameterCount: countParameters(plan), precision, sha256: await hfDirectorySha256(modelPath) };
}
