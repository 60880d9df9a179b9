/**
 * Hugging Face directory (config.json + safetensors) -> ModelWeights with canonical names. Linear
 * weights are already [out, in]; GPT-2 Conv1D weights are [in, out] and get transposed; GPT-2's fused
 * c_attn is split into q/k/v. q/k stay in HF's rotate-half layout (config.ropeLayout says so).
 */
import { createHash } from "node:crypto";
import path from "node:path";
import type { ModelConfig, ModelWeights } from "../types";
import { type PlannedTensor, materialise, shapeString, validatePlan } from "./canonical-tensors";
import { ModelFormatError } from "./errors";
import { readHfConfig } from "./hf-config";
import { hfTensorRules, isIgnoredHfTensor, normaliseHfName } from "./hf-names";
import { type SafetensorsEntry, SUPPORTED_SAFETENSORS_DTYPES, readSafetensorsDirectory, readSafetensorsTensor, safetensorsFiles } from "./safetensors";
import { sha256File } from "./sha256";

/** Row-major [rows, cols] -> [cols, rows]. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c] ?? 0;
  return out;
}

function assertDtype(e: SafetensorsEntry): void {
  if (!(SUPPORTED_SAFETENSORS_DTYPES as readonly string[]).includes(e.dtype)) {
    throw new ModelFormatError(`unsupported dtype ${e.dtype} for ${e.name}; supported: ${SUPPORTED_SAFETENSORS_DTYPES.join(", ")}`);
  }
}

function fusedQkvPlan(e: SafetensorsEntry, block: string, kind: "weight" | "bias", config: ModelConfig): PlannedTensor[] {
  const d = config.dModel;
  const qDim = config.nHeads * config.headDim;
  const kvDim = config.nKvHeads * config.headDim;
  const total = qDim + 2 * kvDim;
  // Conv1D stores c_attn as [in = d, out = q+k+v].
  const expected = kind === "weight" ? [d, total] : [total];
  if (shapeString(e.shape) !== shapeString(expected)) {
    throw new ModelFormatError(`tensor ${e.name} has shape ${shapeString(e.shape)}, expected ${shapeString(expected)}`);
  }
  let rowsMajor: Float32Array | null = null;
  const load = () => {
    if (!rowsMajor) {
      const raw = readSafetensorsTensor(e);
      rowsMajor = kind === "weight" ? transpose2d(raw, d, total) : raw;
    }
    return rowsMajor;
  };
  const cols = kind === "weight" ? d : 1;
  const part = (name: string, start: number, rows: number): PlannedTensor => ({
    name: `${block}.${name}.${kind}`,
    source: e.name,
    shape: kind === "weight" ? [rows, d] : [rows],
    load: () => load().slice(start * cols, (start + rows) * cols),
  });
  return [part("attn_q", 0, qDim), part("attn_k", qDim, kvDim), part("attn_v", qDim + kvDim, kvDim)];
}

/** Canonical plan for every tensor of an HF checkpoint (unknown tensors refused, buffers skipped). */
export function planHfTensors(entries: readonly SafetensorsEntry[], config: ModelConfig): PlannedTensor[] {
  const rules = new Map(hfTensorRules(config.architecture, config.nLayers).map((r) => [r.hf, r]));
  const plan: PlannedTensor[] = [];
  for (const e of entries) {
    if (isIgnoredHfTensor(e.name)) continue;
    const rule = rules.get(normaliseHfName(config.architecture, e.name));
    if (!rule) throw new ModelFormatError(`unexpected tensor ${e.name} for ${config.architecture} with ${config.nLayers} layers`);
    // A tied checkpoint may still carry a copy of the output matrix; the embedding is authoritative.
    if (rule.canonical === "output.weight" && config.tiedEmbeddings) continue;
    assertDtype(e);
    const fused = /^(blk\.\d+)\.attn_qkv\.(weight|bias)$/.exec(rule.canonical);
    if (fused?.[1] && (fused[2] === "weight" || fused[2] === "bias")) {
      plan.push(...fusedQkvPlan(e, fused[1], fused[2], config));
    } else if (rule.conv1d && e.shape.length === 2) {
      const [rows = 0, cols = 0] = e.shape;
      plan.push({ name: rule.canonical, source: e.name, shape: [cols, rows], load: () => transpose2d(readSafetensorsTensor(e), rows, cols) });
    } else {
      plan.push({ name: rule.canonical, source: e.name, shape: [...e.shape], load: () => readSafetensorsTensor(e) });
    }
  }
  return plan;
}

/** sha256 of a directory's model: over the sha256 of config.json and of each weight file, in name order. */
export async function hfDirectorySha256(dir: string): Promise<string> {
  const files = [path.join(dir, "config.json"), ...safetensorsFiles(dir)];
  const hash = createHash("sha256");
  for (const f of files) hash.update(`${path.basename(f)} ${await sha256File(f)}\n`);
  return hash.digest("hex");
}

/** Loads a Hugging Face model directory as canonical float32 weights. */
export async function loadHfWeights(dir: string): Promise<ModelWeights> {
  const { config } = readHfConfig(dir);
  const entries = readSafetensorsDirectory(dir);
  const plan = planHfTensors(entries, config);
  validatePlan(config, plan, path.basename(dir));
  const tensors = materialise(plan, path.basename(dir));
  return { config, tensors, sha256: await hfDirectorySha256(dir) };
}
