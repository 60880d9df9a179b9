/**
 * Hugging Face config.json, validated with zod, -> ModelConfig. Only the four architectures we run;
 * options that would change the computation in ways ModelConfig cannot express (RoPE scaling,
 * sliding windows, MLP/output biases, other activations) are refused rather than ignored.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Architecture, ModelConfig } from "../types";
import { ModelFormatError } from "./errors";

export const HF_ARCHITECTURES: Readonly<Record<string, Architecture>> = {
  LlamaForCausalLM: "llama",
  Qwen2ForCausalLM: "qwen2",
  Qwen3ForCausalLM: "qwen3",
  GPT2LMHeadModel: "gpt2",
};

const posInt = z.number().int().positive();
const tokenId = z.union([z.number().int().nonnegative(), z.array(z.number().int().nonnegative())]).nullish();

const llamaLikeSchema = z.object({
  hidden_size: posInt,
  intermediate_size: posInt,
  num_hidden_layers: posInt,
  num_attention_heads: posInt,
  num_key_value_heads: posInt.nullish(),
  head_dim: posInt.nullish(),
  rms_norm_eps: z.number().positive(),
  rope_theta: z.number().positive().default(10000),
  max_position_embeddings: posInt,
  vocab_size: posInt,
  tie_word_embeddings: z.boolean().default(false),
  hidden_act: z.literal("silu", { message: 'only hidden_act "silu" is supported' }).default("silu"),
  rope_scaling: z.null({ message: "RoPE scaling is not supported" }).optional(),
  attention_bias: z.boolean().default(false),
  mlp_bias: z.literal(false, { message: "MLP biases are not supported" }).default(false),
  use_sliding_window: z.literal(false, { message: "sliding-window attention is not supported" }).default(false),
  bos_token_id: tokenId,
  eos_token_id: tokenId,
});

const gpt2Schema = z.object({
  n_embd: posInt,
  n_layer: posInt,
  n_head: posInt,
  n_positions: posInt,
  n_inner: posInt.nullish(),
  vocab_size: posInt,
  layer_norm_epsilon: z.number().positive().default(1e-5),
  activation_function: z.enum(["gelu_new", "gelu_pytorch_tanh"], { message: 'only activation_function "gelu_new" is supported' }).default("gelu_new"),
  tie_word_embeddings: z.boolean().default(true),
  scale_attn_by_inverse_layer_idx: z.literal(false, { message: "scale_attn_by_inverse_layer_idx is not supported" }).default(false),
  add_cross_attention: z.literal(false, { message: "cross-attention is not supported" }).default(false),
  bos_token_id: tokenId,
  eos_token_id: tokenId,
});

export interface HfModelConfig {
  config: ModelConfig;
  hfArchitecture: string;
  bosTokenId: number | null;
  eosTokenId: number | null;
}

function issuesMessage(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}

function firstId(v: number | number[] | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  return Array.isArray(v) ? (v[0] ?? null) : v;
}

/** Parses a config.json object (already JSON-decoded). */
export function parseHfConfig(json: unknown): HfModelConfig {
  const head = z.object({ architectures: z.array(z.string()).min(1) }).safeParse(json);
  if (!head.success) throw new ModelFormatError(`config.json: ${issuesMessage(head.error)}`);
  const hfArchitecture = head.data.architectures[0] ?? "";
  const architecture = HF_ARCHITECTURES[hfArchitecture];
  if (!architecture) {
    throw new ModelFormatError(`unsupported architecture ${hfArchitecture} in config.json; supported: ${Object.keys(HF_ARCHITECTURES).join(", ")}`);
  }
  if (architecture === "gpt2") {
    const parsed = gpt2Schema.safeParse(json);
    if (!parsed.success) throw new ModelFormatError(`config.json (${hfArchitecture}): ${issuesMessage(parsed.error)}`);
    const c = parsed.data;
    if (c.n_embd % c.n_head !== 0) throw new ModelFormatError(`config.json: n_embd ${c.n_embd} is not divisible by n_head ${c.n_head}`);
    return {
      hfArchitecture,
      bosTokenId: firstId(c.bos_token_id),
      eosTokenId: firstId(c.eos_token_id),
      config: {
        architecture, nLayers: c.n_layer, dModel: c.n_embd, nHeads: c.n_head, nKvHeads: c.n_head, headDim: c.n_embd / c.n_head,
        dFfn: c.n_inner ?? 4 * c.n_embd, vocabSize: c.vocab_size, contextLength: c.n_positions, normEps: c.layer_norm_epsilon,
        ropeTheta: null, ropeLayout: null, tiedEmbeddings: c.tie_word_embeddings, attentionBias: true, qkNorm: false,
      },
    };
  }
  const parsed = llamaLikeSchema.safeParse(json);
  if (!parsed.success) throw new ModelFormatError(`config.json (${hfArchitecture}): ${issuesMessage(parsed.error)}`);
  const c = parsed.data;
  // Qwen2 always has q/k/v biases; Llama/Qwen3 have them only with attention_bias, which also adds an o_proj bias we do not model.
  if (architecture !== "qwen2" && c.attention_bias) throw new ModelFormatError(`config.json (${hfArchitecture}): attention_bias is not supported`);
  const nKvHeads = c.num_key_value_heads ?? c.num_attention_heads;
  if (c.num_attention_heads % nKvHeads !== 0) {
    throw new ModelFormatError(`config.json: num_attention_heads ${c.num_attention_heads} is not a multiple of num_key_value_heads ${nKvHeads}`);
  }
  const headDim = c.head_dim ?? c.hidden_size / c.num_attention_heads;
  if (!Number.isInteger(headDim)) throw new ModelFormatError(`config.json: hidden_size ${c.hidden_size} is not divisible by num_attention_heads ${c.num_attention_heads}`);
  return {
    hfArchitecture,
    bosTokenId: firstId(c.bos_token_id),
    eosTokenId: firstId(c.eos_token_id),
    config: {
      architecture, nLayers: c.num_hidden_layers, dModel: c.hidden_size, nHeads: c.num_attention_heads, nKvHeads, headDim,
      dFfn: c.intermediate_size, vocabSize: c.vocab_size, contextLength: c.max_position_embeddings, normEps: c.rms_norm_eps,
      ropeTheta: c.rope_theta, ropeLayout: "rotate-half", tiedEmbeddings: c.tie_word_embeddings,
      attentionBias: architecture === "qwen2", qkNorm: architecture === "qwen3",
    },
  };
}

/** Reads and parses `<dir>/config.json`. */
export function readHfConfig(dir: string): HfModelConfig {
  const file = path.join(dir, "config.json");
  if (!existsSync(file)) throw new ModelFormatError(`${dir}: no config.json (not a Hugging Face model directory)`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ModelFormatError(`config.json is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseHfConfig(json);
}
