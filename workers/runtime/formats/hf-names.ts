/**
 * Hugging Face <-> canonical tensor names. One table per family, used by the HF loader (HF -> canonical)
 * and by the test writers (canonical -> HF). `conv1d` marks GPT-2 Conv1D weights, stored [in, out]
 * (transposed relative to nn.Linear); `fusedQkv` marks GPT-2's c_attn, which holds q, k and v.
 */
import type { Architecture } from "../types";

export interface HfTensorRule {
  /** Canonical name; "attn_qkv" stands for the fused q/k/v of GPT-2. */
  canonical: string;
  hf: string;
  conv1d: boolean;
}

const LLAMA_GLOBAL: Record<string, string> = {
  "token_embd.weight": "model.embed_tokens.weight",
  "output_norm.weight": "model.norm.weight",
  "output.weight": "lm_head.weight",
};
const LLAMA_LAYER: Record<string, string> = {
  "attn_norm.weight": "input_layernorm.weight",
  "attn_q.weight": "self_attn.q_proj.weight",
  "attn_k.weight": "self_attn.k_proj.weight",
  "attn_v.weight": "self_attn.v_proj.weight",
  "attn_q.bias": "self_attn.q_proj.bias",
  "attn_k.bias": "self_attn.k_proj.bias",
  "attn_v.bias": "self_attn.v_proj.bias",
  "attn_q_norm.weight": "self_attn.q_norm.weight",
  "attn_k_norm.weight": "self_attn.k_norm.weight",
  "attn_output.weight": "self_attn.o_proj.weight",
  "ffn_norm.weight": "post_attention_layernorm.weight",
  "ffn_gate.weight": "mlp.gate_proj.weight",
  "ffn_up.weight": "mlp.up_proj.weight",
  "ffn_down.weight": "mlp.down_proj.weight",
};

const GPT2_GLOBAL: Record<string, string> = {
  "token_embd.weight": "transformer.wte.weight",
  "position_embd.weight": "transformer.wpe.weight",
  "output_norm.weight": "transformer.ln_f.weight",
  "output_norm.bias": "transformer.ln_f.bias",
  "output.weight": "lm_head.weight",
};
const GPT2_LAYER: Record<string, string> = {
  "attn_norm.weight": "ln_1.weight",
  "attn_norm.bias": "ln_1.bias",
  "attn_qkv.weight": "attn.c_attn.weight",
  "attn_qkv.bias": "attn.c_attn.bias",
  "attn_output.weight": "attn.c_proj.weight",
  "attn_output.bias": "attn.c_proj.bias",
  "ffn_norm.weight": "ln_2.weight",
  "ffn_norm.bias": "ln_2.bias",
  "ffn_up.weight": "mlp.c_fc.weight",
  "ffn_up.bias": "mlp.c_fc.bias",
  "ffn_down.weight": "mlp.c_proj.weight",
  "ffn_down.bias": "mlp.c_proj.bias",
};
const GPT2_CONV1D = new Set(["attn_qkv.weight", "attn_output.weight", "ffn_up.weight", "ffn_down.weight"]);

/** Every HF tensor name a model of this family and depth may contain. */
export function hfTensorRules(architecture: Architecture, nLayers: number): HfTensorRule[] {
  const gpt2 = architecture === "gpt2";
  const rules: HfTensorRule[] = [];
  for (const [canonical, hf] of Object.entries(gpt2 ? GPT2_GLOBAL : LLAMA_GLOBAL)) rules.push({ canonical, hf, conv1d: false });
  for (let l = 0; l < nLayers; l++) {
    for (const [c, h] of Object.entries(gpt2 ? GPT2_LAYER : LLAMA_LAYER)) {
      rules.push({ canonical: `blk.${l}.${c}`, hf: gpt2 ? `transformer.h.${l}.${h}` : `model.layers.${l}.${h}`, conv1d: gpt2 && GPT2_CONV1D.has(c) });
    }
  }
  return rules;
}

/** GPT-2 checkpoints saved from GPT2Model (not the LM head model) lack the "transformer." prefix. */
export function normaliseHfName(architecture: Architecture, name: string): string {
  if (architecture === "gpt2" && !name.startsWith("transformer.") && name !== "lm_head.weight") return `transformer.${name}`;
  return name;
}

/** Buffers some checkpoints carry that are not weights (causal masks, RoPE inverse frequencies). */
export function isIgnoredHfTensor(name: string): boolean {
  return /\.attn\.(masked_)?bias$/.test(name) || /rotary_emb\.inv_freq$/.test(name);
}
