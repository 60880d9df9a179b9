/**
 * Models built from hand-set weights with a known causal structure, for the causal-method tests.
 *
 * copyModel: three llama blocks over a 16-dim residual stream; only block 1 does anything. Its head 0
 * attends from every position to the (single) name token and writes the name's identity into
 * "copied" slots; the unembedding reads only those slots, so the model predicts the name it saw.
 * Head 1 attends to BOS and writes a constant (identical for clean and corrupted prompts). Every
 * other head and every MLP is zero. Patching must therefore restore the answer exactly at:
 * resid_pre of blocks 0 and 1 at the name's position, resid_pre of block 2 at the last position,
 * and head (1, 0) — and nowhere else.
 */
import type { ModelConfig, ModelWeights, Tensor } from "../../../workers/runtime/types";
import { WordTokenizer } from "./patching-word-tokenizer";

export const COPY_NAMES = ["Ann", "Bob", "Cat"] as const;
export const COPY_FILLERS = ["saw", "the", "dog", "ran"] as const;

const BIAS = 0; // constant 1 in every embedding
const NAME0 = 1; // dims 1..3: name identity
const IS_NAME = 4;
const FILLER0 = 5; // dims 5..8: filler identity
const IS_BOS = 9;
const COPIED0 = 10; // dims 10..12: the name copied by block 1, head 0
const BOS_SLOT = 13; // written by block 1, head 1
/** Attention logit gain: the copying head puts all but ~1e-9 of its weight on the name. */
const Q_GAIN = 8;
const U_GAIN = 2;

/** The small llama shape every planted model shares (16-dim stream, 2 heads of 4, vocabulary of 16); the rest is the model's own. */
export function plantedLlamaConfig(own: Pick<ModelConfig, "nLayers" | "contextLength" | "ropeTheta">): ModelConfig {
  return {
    architecture: "llama",
    dModel: 16,
    nHeads: 2,
    nKvHeads: 2,
    headDim: 4,
    dFfn: 4,
    vocabSize: 16,
    normEps: 1e-6,
    ropeLayout: "adjacent-pairs",
    tiedEmbeddings: false,
    attentionBias: false,
    qkNorm: false,
    ...own,
  };
}

export function copyModelConfig(): ModelConfig {
  // With θ = 1e16 the second RoPE pair (dims 2, 3 of each head) turns by < 1e-7 rad: content-only attention there.
  return plantedLlamaConfig({ nLayers: 3, contextLength: 32, ropeTheta: 1e16 });
}

export function zeros(shape: number[]): Tensor {
  return { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) };
}

export function ones(n: number): Tensor {
  return { shape: [n], data: new Float32Array(n).fill(1) };
}

/** Sets W[row, col] of a row-major [out, in] matrix. */
export function set(t: Tensor, row: number, col: number, value: number): void {
  t.data[row * t.shape[1]! + col] = value;
}

/** Zero attention and MLP weights for every block (callers fill in what they need). */
export function emptyBlocks(config: ModelConfig): Map<string, Tensor> {
  const { dModel: d, nHeads: H, nKvHeads: KvH, headDim: D, dFfn: F } = config;
  const tensors = new Map<string, Tensor>();
  for (let L = 0; L < config.nLayers; L++) {
    const p = `blk.${L}`;
    tensors.set(`${p}.attn_norm.weight`, ones(d));
    tensors.set(`${p}.attn_q.weight`, zeros([H * D, d]));
    tensors.set(`${p}.attn_k.weight`, zeros([KvH * D, d]));
    tensors.set(`${p}.attn_v.weight`, zeros([KvH * D, d]));
    tensors.set(`${p}.attn_output.weight`, zeros([d, H * D]));
    tensors.set(`${p}.ffn_norm.weight`, ones(d));
    tensors.set(`${p}.ffn_gate.weight`, zeros([F, d]));
    tensors.set(`${p}.ffn_up.weight`, zeros([F, d]));
    tensors.set(`${p}.ffn_down.weight`, zeros([d, F]));
  }
  tensors.set("output_norm.weight", ones(d));
  return tensors;
}

export function copyModel(): { weights: ModelWeights; tokenizer: WordTokenizer } {
  const config = copyModelConfig();
  const tokenizer = new WordTokenizer([...COPY_NAMES, ...COPY_FILLERS], config.vocabSize);
  const tensors = emptyBlocks(config);
  const d = config.dModel;
  const D = config.headDim;

  const embed = zeros([config.vocabSize, d]);
  for (let id = 0; id < config.vocabSize; id++) set(embed, id, BIAS, 1);
  set(embed, tokenizer.bosId, IS_BOS, Math.SQRT2);
  COPY_NAMES.forEach((w, i) => {
    set(embed, tokenizer.id(w), NAME0 + i, 1);
    set(embed, tokenizer.id(w), IS_NAME, 1);
  });
  COPY_FILLERS.forEach((w, i) => set(embed, tokenizer.id(w), FILLER0 + i, Math.SQRT2));
  tensors.set("token_embd.weight", embed);

  // Block 1. Head h uses rows h*D .. h*D+3 of q, k, v (nKvHeads = nHeads); content lives in dim 2 of the head.
  const q = tensors.get("blk.1.attn_q.weight")!;
  const k = tensors.get("blk.1.attn_k.weight")!;
  const v = tensors.get("blk.1.attn_v.weight")!;
  const o = tensors.get("blk.1.attn_output.weight")!;
  // head 0: query "any token", key "is a name", value = name identity → copied slots
  set(q, 0 * D + 2, BIAS, Q_GAIN);
  set(k, 0 * D + 2, IS_NAME, 1);
  for (let i = 0; i < COPY_NAMES.length; i++) {
    set(v, 0 * D + i, NAME0 + i, 1);
    set(o, COPIED0 + i, 0 * D + i, 1);
  }
  // head 1: attends to BOS, writes a constant
  set(q, 1 * D + 2, BIAS, Q_GAIN);
  set(k, 1 * D + 2, IS_BOS, 1);
  set(v, 1 * D + 0, BIAS, 1);
  set(o, BOS_SLOT, 1 * D + 0, 1);

  const unembed = zeros([config.vocabSize, d]);
  COPY_NAMES.forEach((w, i) => set(unembed, tokenizer.id(w), COPIED0 + i, U_GAIN));
  tensors.set("output.weight", unembed);
  return { weights: { config, tensors, sha256: "planted-copy-model-v1" }, tokenizer };
}
