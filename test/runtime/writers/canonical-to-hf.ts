/**
 * Canonical ModelWeights -> Hugging Face config.json and tensors (the inverse of hf-model.ts):
 * GPT-2 Conv1D weights transposed to [in, out], q/k/v fused into c_attn, and llama q/k permuted
 * from adjacent pairs to rotate-half when the weights came from GGUF.
 */
import { hfTensorRules } from "../../../workers/runtime/formats/hf-names";
import { adjacentPairsToRotateHalf } from "../../../workers/runtime/formats/rope-permute";
import { transpose2d } from "../../../workers/runtime/formats/hf-model";
import type { ModelConfig, ModelWeights, Tensor } from "../../../workers/runtime/types";
import type { HfTensor } from "./hf-writer";

const HF_CLASS: Record<ModelConfig["architecture"], string> = {
  llama: "LlamaForCausalLM",
  qwen2: "Qwen2ForCausalLM",
  qwen3: "Qwen3ForCausalLM",
  gpt2: "GPT2LMHeadModel",
};

export function hfConfigJson(config: ModelConfig, ids: { bos?: number | null; eos?: number | null } = {}): Record<string, unknown> {
  const tokenIds = { bos_token_id: ids.bos ?? null, eos_token_id: ids.eos ?? null };
  if (config.architecture === "gpt2") {
    return {
      architectures: [HF_CLASS.gpt2], model_type: "gpt2", n_embd: config.dModel, n_layer: config.nLayers, n_head: config.nHeads,
      n_positions: config.contextLength, n_ctx: config.contextLength, n_inner: config.dFfn, vocab_size: config.vocabSize,
      layer_norm_epsilon: config.normEps, activation_function: "gelu_new", tie_word_embeddings: config.tiedEmbeddings, ...tokenIds,
    };
  }
  return {
    architectures: [HF_CLASS[config.architecture]], model_type: config.architecture, hidden_size: config.dModel,
    intermediate_size: config.dFfn, num_hidden_layers: config.nLayers, num_attention_heads: config.nHeads,
    num_key_value_heads: config.nKvHeads, head_dim: config.headDim, rms_norm_eps: config.normEps, rope_theta: config.ropeTheta ?? 10000,
    max_position_embeddings: config.contextLength, vocab_size: config.vocabSize, tie_word_embeddings: config.tiedEmbeddings,
    hidden_act: "silu", torch_dtype: "float32", ...tokenIds,
  };
}

function get(weights: ModelWeights, name: string): Tensor | undefined {
  return weights.tensors.get(name);
}

/** HF-named tensors for the weights, in the order of the HF name table. */
export function canonicalToHfTensors(weights: ModelWeights): HfTensor[] {
  const { config } = weights;
  const out: HfTensor[] = [];
  const permute = config.ropeLayout === "adjacent-pairs";
  for (const rule of hfTensorRules(config.architecture, config.nLayers)) {
    const fused = /^(blk\.\d+)\.attn_qkv\.(weight|bias)$/.exec(rule.canonical);
    if (fused) {
      const parts = ["attn_q", "attn_k", "attn_v"].map((p) => get(weights, `${fused[1]}.${p}.${fused[2]}`));
      if (parts.some((p) => !p)) continue;
      const data = new Float32Array(parts.reduce((a, p) => a + (p?.data.length ?? 0), 0));
      let at = 0;
      for (const p of parts) { if (p) { data.set(p.data, at); at += p.data.length; } }
      if (fused[2] === "weight") {
        const rows = data.length / config.dModel;
        out.push({ name: rule.hf, shape: [config.dModel, rows], data: transpose2d(data, rows, config.dModel) });
      } else {
        out.push({ name: rule.hf, shape: [data.length], data });
      }
      continue;
    }
    const t = get(weights, rule.canonical);
    if (!t) continue;
    let data = t.data;
    const qk = /\.attn_(q|k)\.(weight|bias)$/.exec(rule.canonical);
    if (permute && qk) {
      const heads = qk[1] === "q" ? config.nHeads : config.nKvHeads;
      data = adjacentPairsToRotateHalf(data, heads, config.headDim, qk[2] === "weight" ? config.dModel : 1);
    }
    if (rule.conv1d) {
      const [rows = 0, cols = 0] = t.shape;
      out.push({ name: rule.hf, shape: [cols, rows], data: transpose2d(data, rows, cols) });
    } else {
      out.push({ name: rule.hf, shape: [...t.shape], data });
    }
  }
  return out;
}
