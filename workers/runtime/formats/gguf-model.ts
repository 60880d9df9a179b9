/**
 * GGUF -> ModelWeights for llama, qwen2, qwen3 and gpt2: hyper-parameters from metadata, tensors
 * mapped to the canonical names/shapes of types.ts (GGUF lists dims fastest-first, so ne = [in, out]
 * is a row-major [out, in] matrix and the payload needs no transposition), everything validated
 * before any payload is read.
 */
import path from "node:path";
import type { Architecture, ModelConfig, ModelWeights } from "../types";
import { type PlannedTensor, materialise, shapeString, validatePlan } from "./canonical-tensors";
import { ModelFormatError } from "./errors";
import { type GgufFile, type GgufTensorInfo, assertSupportedTensorType, readGgufHeader, readGgufTensor } from "./gguf";
import { metaNumber, metaOptionalNumber, metaOptionalString, metaString } from "./gguf-metadata";
import { sha256File } from "./sha256";

export const GGUF_ARCHITECTURES: readonly Architecture[] = ["llama", "qwen2", "qwen3", "gpt2"];

function isArchitecture(s: string): s is Architecture {
  return (GGUF_ARCHITECTURES as readonly string[]).includes(s);
}

export function ggufArchitecture(file: GgufFile): Architecture {
  const arch = metaString(file, "general.architecture");
  if (!isArchitecture(arch)) {
    throw new ModelFormatError(`unsupported architecture "${arch}" in ${path.basename(file.path)}; supported: ${GGUF_ARCHITECTURES.join(", ")}`);
  }
  return arch;
}

function positiveInt(key: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0) throw new ModelFormatError(`GGUF metadata ${key} must be a positive integer, got ${v}`);
  return v;
}

/** Reads the model's hyper-parameters from `{arch}.*` metadata. */
export function ggufModelConfig(file: GgufFile): ModelConfig {
  const arch = ggufArchitecture(file);
  const num = (k: string) => positiveInt(`${arch}.${k}`, metaNumber(file, `${arch}.${k}`));
  const opt = (k: string) => {
    const v = metaOptionalNumber(file, `${arch}.${k}`);
    return v === undefined ? undefined : positiveInt(`${arch}.${k}`, v);
  };
  const dModel = num("embedding_length");
  const nHeads = num("attention.head_count");
  const nKvHeads = opt("attention.head_count_kv") ?? nHeads;
  if (nHeads % nKvHeads !== 0) throw new ModelFormatError(`${arch}.attention.head_count ${nHeads} is not a multiple of head_count_kv ${nKvHeads}`);
  const headDim = opt("attention.key_length") ?? dModel / nHeads;
  if (!Number.isInteger(headDim)) throw new ModelFormatError(`${arch}.embedding_length ${dModel} is not divisible by head_count ${nHeads}`);
  const valueLength = opt("attention.value_length");
  if (valueLength !== undefined && valueLength !== headDim) {
    throw new ModelFormatError(`${arch}.attention.value_length ${valueLength} differs from key_length ${headDim}; not supported`);
  }

  const isGpt2 = arch === "gpt2";
  if (!isGpt2) {
    const ropeDims = opt("rope.dimension_count");
    if (ropeDims !== undefined && ropeDims !== headDim) throw new ModelFormatError(`partial RoPE (${arch}.rope.dimension_count ${ropeDims} < head dim ${headDim}) is not supported`);
    const scaling = metaOptionalString(file, `${arch}.rope.scaling.type`);
    if (scaling !== undefined && scaling !== "none") throw new ModelFormatError(`RoPE scaling "${scaling}" (${arch}.rope.scaling.type) is not supported`);
  }
  const epsKey = isGpt2 ? "attention.layer_norm_epsilon" : "attention.layer_norm_rms_epsilon";
  const normEps = metaNumber(file, `${arch}.${epsKey}`);

  const embd = file.tensors.find((t) => t.name === "token_embd.weight");
  if (!embd) throw new ModelFormatError(`${path.basename(file.path)}: missing tensor token_embd.weight`);
  const vocabSize = embd.dims[1] ?? 0;
  const declaredVocab = opt("vocab_size");
  if (declaredVocab !== undefined && declaredVocab !== vocabSize) {
    throw new ModelFormatError(`${arch}.vocab_size ${declaredVocab} differs from token_embd.weight rows ${vocabSize}`);
  }

  return {
    architecture: arch,
    nLayers: num("block_count"),
    dModel,
    nHeads,
    nKvHeads,
    headDim,
    dFfn: num("feed_forward_length"),
    vocabSize,
    contextLength: num("context_length"),
    normEps,
    ropeTheta: isGpt2 ? null : (metaOptionalNumber(file, `${arch}.rope.freq_base`) ?? 10000),
    // llama.cpp's converter permutes llama q/k into adjacent pairs; qwen keeps HF's rotate-half (NEOX).
    ropeLayout: arch === "llama" ? "adjacent-pairs" : isGpt2 ? null : "rotate-half",
    tiedEmbeddings: !file.tensors.some((t) => t.name === "output.weight"),
    attentionBias: arch === "qwen2" || isGpt2,
    qkNorm: arch === "qwen3",
  };
}

/** Canonical shape of a GGUF tensor: dims reversed (slowest first). */
function canonicalShape(info: GgufTensorInfo): number[] {
  return [...info.dims].reverse();
}

/** gpt2 stores q/k/v fused as attn_qkv ([q; k; v] rows); split it into three planned tensors. */
function splitFusedQkv(file: GgufFile, info: GgufTensorInfo, config: ModelConfig, block: string, kind: "weight" | "bias"): PlannedTensor[] {
  const qDim = config.nHeads * config.headDim;
  const kvDim = config.nKvHeads * config.headDim;
  const expected = kind === "weight" ? [qDim + 2 * kvDim, config.dModel] : [qDim + 2 * kvDim];
  const actual = canonicalShape(info);
  if (shapeString(actual) !== shapeString(expected)) {
    throw new ModelFormatError(`${path.basename(file.path)}: tensor ${info.name} has shape ${shapeString(actual)}, expected ${shapeString(expected)}`);
  }
  const cols = kind === "weight" ? config.dModel : 1;
  let fused: Float32Array | null = null;
  const part = (name: string, rowStart: number, rows: number): PlannedTensor => ({
    name: `${block}.${name}.${kind}`,
    source: info.name,
    shape: kind === "weight" ? [rows, config.dModel] : [rows],
    load: () => {
      fused ??= readGgufTensor(file, info);
      return fused.slice(rowStart * cols, (rowStart + rows) * cols);
    },
  });
  return [part("attn_q", 0, qDim), part("attn_k", qDim, kvDim), part("attn_v", qDim + kvDim, kvDim)];
}

/** Every tensor of the file as a canonical PlannedTensor (payloads not read yet). */
export function planGgufTensors(file: GgufFile, config: ModelConfig): PlannedTensor[] {
  const plan: PlannedTensor[] = [];
  for (const info of file.tensors) {
    assertSupportedTensorType(info);
    const fused = config.architecture === "gpt2" ? /^(blk\.\d+)\.attn_qkv\.(weight|bias)$/.exec(info.name) : null;
    if (fused?.[1] && (fused[2] === "weight" || fused[2] === "bias")) {
      plan.push(...splitFusedQkv(file, info, config, fused[1], fused[2]));
      continue;
    }
    plan.push({ name: info.name, source: info.name, shape: canonicalShape(info), load: () => readGgufTensor(file, info) });
  }
  return plan;
}

/** Loads a GGUF file as canonical float32 weights (refusing anything it cannot represent exactly). */
export async function loadGgufWeights(filePath: string): Promise<ModelWeights> {
  const file = readGgufHeader(filePath);
  const config = ggufModelConfig(file);
  const plan = planGgufTensors(file, config);
  validatePlan(config, plan, path.basename(filePath));
  const tensors = materialise(plan, path.basename(filePath));
  return { config, tensors, sha256: await sha256File(filePath) };
}
