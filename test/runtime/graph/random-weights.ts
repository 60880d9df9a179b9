/**
 * Small random models built directly as canonical ModelWeights (no file format involved), for
 * exercising the compiler on every architecture and RoPE layout.
 */
import type { Architecture, ModelConfig, ModelWeights, RopeLayout, Tensor } from "../../../workers/runtime/types";

/** Deterministic PRNG (mulberry32) with Box-Muller normals. */
export function rng(seed: number): { uniform: () => number; normal: () => number } {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

export function tinyConfig(architecture: Architecture, overrides: Partial<ModelConfig> = {}): ModelConfig {
  const isGpt2 = architecture === "gpt2";
  const layout: RopeLayout | null = isGpt2 ? null : architecture === "llama" ? "adjacent-pairs" : "rotate-half";
  return {
    architecture,
    nLayers: 3,
    dModel: 32,
    nHeads: 4,
    nKvHeads: isGpt2 ? 4 : 2,
    headDim: 8,
    dFfn: 48,
    vocabSize: 64,
    contextLength: 64,
    normEps: isGpt2 ? 1e-5 : 1e-6,
    ropeTheta: isGpt2 ? null : 10000,
    ropeLayout: layout,
    tiedEmbeddings: isGpt2 || architecture === "qwen3",
    attentionBias: isGpt2 || architecture === "qwen2",
    qkNorm: architecture === "qwen3",
    ...overrides,
  };
}

export function randomWeights(config: ModelConfig, seed = 1, scale = 0.2): ModelWeights {
  const r = rng(seed);
  const tensors = new Map<string, Tensor>();
  const add = (name: string, shape: number[], f: () => number): void => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = f();
    tensors.set(name, { shape, data });
  };
  const gauss = (s: number) => () => r.normal() * s;
  const nearOne = () => 1 + r.normal() * 0.1;
  const { dModel: d, nHeads: H, nKvHeads: KvH, headDim: D, dFfn: F, vocabSize: V } = config;
  const gpt2 = config.architecture === "gpt2";
  add("token_embd.weight", [V, d], gauss(0.5));
  if (gpt2) add("position_embd.weight", [config.contextLength, d], gauss(0.2));
  const norm = (name: string): void => {
    add(`${name}.weight`, [d], nearOne);
    if (gpt2) add(`${name}.bias`, [d], gauss(0.05));
  };
  for (let L = 0; L < config.nLayers; L++) {
    const p = `blk.${L}`;
    norm(`${p}.attn_norm`);
    add(`${p}.attn_q.weight`, [H * D, d], gauss(scale));
    add(`${p}.attn_k.weight`, [KvH * D, d], gauss(scale));
    add(`${p}.attn_v.weight`, [KvH * D, d], gauss(scale));
    if (config.attentionBias) {
      add(`${p}.attn_q.bias`, [H * D], gauss(0.1));
      add(`${p}.attn_k.bias`, [KvH * D], gauss(0.1));
      add(`${p}.attn_v.bias`, [KvH * D], gauss(0.1));
    }
    if (config.qkNorm) {
      add(`${p}.attn_q_norm.weight`, [D], nearOne);
      add(`${p}.attn_k_norm.weight`, [D], nearOne);
    }
    add(`${p}.attn_output.weight`, [d, H * D], gauss(scale));
    if (gpt2) add(`${p}.attn_output.bias`, [d], gauss(0.05));
    norm(`${p}.ffn_norm`);
    if (!gpt2) add(`${p}.ffn_gate.weight`, [F, d], gauss(scale));
    add(`${p}.ffn_up.weight`, [F, d], gauss(scale));
    if (gpt2) add(`${p}.ffn_up.bias`, [F], gauss(0.05));
    add(`${p}.ffn_down.weight`, [d, F], gauss(scale));
    if (gpt2) add(`${p}.ffn_down.bias`, [d], gauss(0.05));
  }
  norm("output_norm");
  if (!config.tiedEmbeddings) add("output.weight", [V, d], gauss(scale));
  return { config, tensors, sha256: `random-${config.architecture}-${seed}-${JSON.stringify(config).length}` };
}
