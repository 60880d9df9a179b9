/**
 * Small randomly-initialised checkpoints (seeded) written both as GGUF and as a Hugging Face
 * directory, with a real byte-level BPE tokenizer in each, for loader and runtime tests.
 * Default architectures are gpt2 and qwen3; llama and qwen2 work too.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { expectedTensorShapes } from "../../../workers/runtime/formats/canonical-tensors";
import type { GgufValue } from "../../../workers/runtime/formats/gguf";
import { rotateHalfToAdjacentPairs } from "../../../workers/runtime/formats/rope-permute";
import type { PretokenizerKind } from "../../../workers/runtime/tokenizers/pretokenize";
import type { Architecture, ModelConfig, ModelWeights, Tensor } from "../../../workers/runtime/types";
import { canonicalToHfTensors, hfConfigJson } from "./canonical-to-hf";
import { type WritableTensor, gv, writeGguf } from "./gguf-writer";
import { type SafetensorsDtype } from "./safetensors-writer";
import { writeHfModel } from "./hf-writer";
import { type TinyBpeVocab, tinyByteLevelVocab } from "./tiny-bpe";
import { byteLevelBpeTokenizerJson } from "./tokenizer-json";

/** mulberry32: a tiny deterministic PRNG; `normal` via Box-Muller. */
export function seededRandom(seed: number): { uniform: () => number; normal: () => number } {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { uniform, normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()) };
}

/** The shared tiny vocabulary (256 bytes + 64 merges + <|endoftext|> = 321 tokens). */
export const TINY_VOCAB: TinyBpeVocab = tinyByteLevelVocab(64);

export function preTokenizerFor(architecture: Architecture): PretokenizerKind {
  return architecture === "gpt2" ? "gpt2" : architecture === "llama" ? "llama3" : "qwen2";
}
const GGUF_PRE: Record<PretokenizerKind, string> = { gpt2: "gpt-2", llama3: "llama-bpe", qwen2: "qwen2", smollm: "smollm" };

/** A small config; d and dFfn are multiples of 32 so every matrix can be Q8_0. */
export function randomCheckpointConfig(architecture: Architecture, overrides: Partial<ModelConfig> = {}): ModelConfig {
  const gpt2 = architecture === "gpt2";
  return {
    architecture,
    nLayers: 2,
    dModel: 32,
    nHeads: 4,
    nKvHeads: gpt2 ? 4 : 2,
    // qwen3 checkpoints have headDim * nHeads != dModel; exercise that.
    headDim: architecture === "qwen3" ? 16 : 8,
    dFfn: 64,
    vocabSize: TINY_VOCAB.tokens.length,
    contextLength: 64,
    // float32-representable, as GGUF stores it.
    normEps: Math.fround(gpt2 ? 1e-5 : 1e-6),
    ropeTheta: gpt2 ? null : architecture === "llama" ? 10000 : 1000000,
    ropeLayout: gpt2 ? null : architecture === "llama" ? "adjacent-pairs" : "rotate-half",
    tiedEmbeddings: architecture === "gpt2" || architecture === "qwen3",
    attentionBias: gpt2 || architecture === "qwen2",
    qkNorm: architecture === "qwen3",
    ...overrides,
  };
}

/** Random weights of exactly the canonical shapes: matrices N(0, 1/fan_in), norms near 1, small biases. */
export function randomCheckpointWeights(config: ModelConfig, seed = 1): ModelWeights {
  const r = seededRandom(seed);
  const tensors = new Map<string, Tensor>();
  for (const [name, shape] of expectedTensorShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const isNorm = /norm\.weight$/.test(name);
    const scale = name.endsWith(".bias") ? 0.1 : /embd/.test(name) ? 0.5 : 1 / Math.sqrt(shape[1] ?? 1);
    for (let i = 0; i < data.length; i++) data[i] = (isNorm ? 1 : 0) + r.normal() * (isNorm ? 0.1 : scale);
    tensors.set(name, { shape, data });
  }
  return { config, tensors, sha256: `random-${config.architecture}-${seed}` };
}

export function ggufMetadataFor(config: ModelConfig, vocab: TinyBpeVocab = TINY_VOCAB): Array<[string, GgufValue]> {
  const a = config.architecture;
  const gpt2 = a === "gpt2";
  const meta: Array<[string, GgufValue]> = [
    ["general.architecture", gv.str(a)],
    ["general.name", gv.str(`random-${a}`)],
    [`${a}.block_count`, gv.u32(config.nLayers)],
    [`${a}.context_length`, gv.u32(config.contextLength)],
    [`${a}.embedding_length`, gv.u32(config.dModel)],
    [`${a}.feed_forward_length`, gv.u32(config.dFfn)],
    [`${a}.attention.head_count`, gv.u32(config.nHeads)],
    [`${a}.attention.head_count_kv`, gv.u32(config.nKvHeads)],
    [`${a}.attention.key_length`, gv.u32(config.headDim)],
    [`${a}.attention.value_length`, gv.u32(config.headDim)],
    [gpt2 ? `${a}.attention.layer_norm_epsilon` : `${a}.attention.layer_norm_rms_epsilon`, gv.f32(config.normEps)],
  ];
  if (!gpt2) {
    meta.push([`${a}.rope.freq_base`, gv.f32(config.ropeTheta ?? 10000)], [`${a}.rope.dimension_count`, gv.u32(config.headDim)]);
  }
  meta.push(
    ["tokenizer.ggml.model", gv.str("gpt2")],
    ["tokenizer.ggml.pre", gv.str(GGUF_PRE[preTokenizerFor(a)])],
    ["tokenizer.ggml.tokens", gv.strs(vocab.tokens)],
    ["tokenizer.ggml.token_type", gv.i32s(vocab.tokens.map((_, i) => (i === vocab.eosId ? 3 : 1)))],
    ["tokenizer.ggml.merges", gv.strs(vocab.merges)],
    ["tokenizer.ggml.bos_token_id", gv.u32(vocab.eosId)],
    ["tokenizer.ggml.eos_token_id", gv.u32(vocab.eosId)],
    ["tokenizer.ggml.add_bos_token", gv.bool(false)],
  );
  return meta;
}

export type GgufTensorType = "F32" | "F16" | "Q8_0";

/** Canonical tensors as GGUF tensors: gpt2 q/k/v fused into attn_qkv; llama q/k in adjacent pairs. */
export function ggufTensorsFor(weights: ModelWeights, type: GgufTensorType = "F32"): WritableTensor[] {
  const { config } = weights;
  const out: WritableTensor[] = [];
  const typeFor = (shape: number[]): GgufTensorType => (shape.length === 2 && (shape[1] ?? 0) % 32 === 0 ? type : "F32");
  for (const [name, t] of weights.tensors) {
    const qkv = config.architecture === "gpt2" ? /^(blk\.\d+)\.attn_q\.(weight|bias)$/.exec(name) : null;
    if (config.architecture === "gpt2" && /\.attn_[kv]\.(weight|bias)$/.test(name)) continue;
    if (qkv) {
      const parts = ["attn_q", "attn_k", "attn_v"].map((p) => weights.tensors.get(`${qkv[1]}.${p}.${qkv[2]}`));
      const data = new Float32Array(parts.reduce((s, p) => s + (p?.data.length ?? 0), 0));
      let at = 0;
      for (const p of parts) { if (p) { data.set(p.data, at); at += p.data.length; } }
      const shape = qkv[2] === "weight" ? [data.length / config.dModel, config.dModel] : [data.length];
      out.push({ name: `${qkv[1]}.attn_qkv.${qkv[2]}`, shape, type: typeFor(shape), data });
      continue;
    }
    let data = t.data;
    const qk = /\.attn_(q|k)\.(weight|bias)$/.exec(name);
    if (config.architecture === "llama" && config.ropeLayout === "rotate-half" && qk) {
      data = rotateHalfToAdjacentPairs(data, qk[1] === "q" ? config.nHeads : config.nKvHeads, config.headDim, qk[2] === "weight" ? config.dModel : 1);
    }
    out.push({ name, shape: t.shape, type: typeFor(t.shape), data });
  }
  return out;
}

export function writeCheckpointGguf(weights: ModelWeights, file: string, options: { type?: GgufTensorType; vocab?: TinyBpeVocab } = {}): void {
  writeGguf(file, { metadata: ggufMetadataFor(weights.config, options.vocab), tensors: ggufTensorsFor(weights, options.type) });
}

export function writeCheckpointHf(
  weights: ModelWeights,
  dir: string,
  options: { dtype?: SafetensorsDtype; shards?: number; vocab?: TinyBpeVocab } = {},
): void {
  const vocab = options.vocab ?? TINY_VOCAB;
  writeHfModel(dir, {
    config: hfConfigJson(weights.config, { bos: vocab.eosId, eos: vocab.eosId }),
    tensors: canonicalToHfTensors(weights),
    dtype: options.dtype,
    shards: options.shards,
    tokenizer: byteLevelBpeTokenizerJson(vocab, preTokenizerFor(weights.config.architecture)),
    tokenizerConfig: { bos_token: null, eos_token: vocab.tokens[vocab.eosId], add_bos_token: false },
  });
}

export interface RandomCheckpoint {
  weights: ModelWeights;
  ggufPath: string;
  hfDir: string;
}

/** Writes `<dir>/<arch>.gguf` and `<dir>/<arch>-hf/` holding the same random weights. */
export function writeRandomCheckpoint(
  dir: string,
  architecture: Architecture,
  options: { seed?: number; config?: Partial<ModelConfig>; ggufType?: GgufTensorType; hfDtype?: SafetensorsDtype; shards?: number } = {},
): RandomCheckpoint {
  mkdirSync(dir, { recursive: true });
  const weights = randomCheckpointWeights(randomCheckpointConfig(architecture, options.config), options.seed ?? 1);
  const ggufPath = path.join(dir, `${architecture}.gguf`);
  const hfDir = path.join(dir, `${architecture}-hf`);
  writeCheckpointGguf(weights, ggufPath, { type: options.ggufType });
  writeCheckpointHf(weights, hfDir, { dtype: options.hfDtype, shards: options.shards });
  return { weights, ggufPath, hfDir };
}
