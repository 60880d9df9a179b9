/**
 * Shared pieces of the logit-lens and attention-pattern tests: a tokenizer whose words are the
 * token names ("<s>", "t2", "t3", …), a causal context, and a two-layer model whose weights
 * implement a previous-token head (layer 0, head 0) and an induction head (layer 1, head 0).
 */
import { createCausalContext, type CausalContext } from "../../../workers/probes/causal/context";
import type { Encoding, HostedModel, ModelConfig, ModelWeights, Tensor, Tokenizer } from "../../../workers/runtime/types";

/** Id 0 = "<s>" (BOS), 1 = "</s>" (EOS), id i ≥ 2 = "t{i}"; words are whitespace-separated. */
export class NamedTokenizer implements Tokenizer {
  readonly bosId = 0;
  readonly eosId = 1;
  constructor(readonly vocabSize: number) {}

  piece(id: number): string {
    return id === 0 ? "<s>" : id === 1 ? "</s>" : `t${id}`;
  }

  encode(text: string, options: { addBos?: boolean } = {}): Encoding {
    const ids: number[] = [];
    const offsets: Array<[number, number]> = [];
    if (options.addBos ?? true) {
      ids.push(0);
      offsets.push([0, 0]);
    }
    const re = /\S+/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const id = /^t(\d+)$/.exec(m[0]) ? Number(m[0].slice(1)) : NaN;
      if (!Number.isInteger(id) || id < 2 || id >= this.vocabSize) throw new Error(`named tokenizer: unknown word "${m[0]}"`);
      ids.push(id);
      offsets.push([m.index, m.index + m[0].length]);
    }
    return { ids, offsets };
  }

  decode(ids: number[]): string {
    return ids.filter((id) => id > 1).map((id) => ` t${id}`).join("").trimStart();
  }
}

export function testContext(model: HostedModel, seed = 0): CausalContext {
  return createCausalContext(model, { seed, path: "methods[0]", percent: (f) => 100 * f });
}

/** A prompt of the named tokenizer from ids ≥ 2. */
export const words = (ids: readonly number[]): string => ids.map((id) => `t${id}`).join(" ");

/**
 * gpt2-style (learned positions, LayerNorm), MLPs zero. The residual stream has three one-hot
 * blocks: the token [0, V), the position [V, V + P) and the previous token [V + P, 2V + P).
 *  - Every LayerNorm sees vectors with the same number of ones (two in layer 0, three in layer 1),
 *    so its weight σ and bias μ make it the identity on them.
 *  - Layer 0, head 0: query at position p = λ e_{p−1}, key at j = e_j over the position block →
 *    attends to p − 1; its OV circuit copies the token block into the previous-token block.
 *  - Layer 1, head 0: query = λ · token, key = the previous-token block → attends to the positions
 *    whose previous token is the current token (induction). OV is zero (nothing downstream reads it).
 *  - Other heads: all zero (uniform attention, no output).
 */
export function plantedInductionModel(opts: { vocab: number; context: number; lambda?: number }): ModelWeights {
  const V = opts.vocab;
  const P = opts.context;
  const d = 2 * V + P;
  const D = Math.max(V, P);
  const H = 2;
  const lambda = opts.lambda ?? 40 * Math.sqrt(D);
  const config: ModelConfig = {
    architecture: "gpt2",
    nLayers: 2,
    dModel: d,
    nHeads: H,
    nKvHeads: H,
    headDim: D,
    dFfn: 4,
    vocabSize: V,
    contextLength: P,
    normEps: 1e-9,
    ropeTheta: null,
    ropeLayout: null,
    tiedEmbeddings: true,
    attentionBias: true,
    qkNorm: false,
  };
  const tensors = new Map<string, Tensor>();
  const zeros = (name: string, shape: number[]): Float32Array => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    tensors.set(name, { shape, data });
    return data;
  };
  const tok = zeros("token_embd.weight", [V, d]);
  for (let t = 0; t < V; t++) tok[t * d + t] = 1;
  const pos = zeros("position_embd.weight", [P, d]);
  for (let p = 0; p < P; p++) pos[p * d + V + p] = 1;
  /** LayerNorm that is the identity on vectors with `ones` ones and zeros elsewhere. */
  const identityNorm = (prefix: string, ones: number): void => {
    const mu = ones / d;
    const sigma = Math.sqrt(ones / d - mu * mu);
    zeros(`${prefix}.weight`, [d]).fill(sigma);
    zeros(`${prefix}.bias`, [d]).fill(mu);
  };
  for (let L = 0; L < 2; L++) {
    const p = `blk.${L}`;
    identityNorm(`${p}.attn_norm`, L === 0 ? 2 : 3);
    const q = zeros(`${p}.attn_q.weight`, [H * D, d]);
    const k = zeros(`${p}.attn_k.weight`, [H * D, d]);
    const v = zeros(`${p}.attn_v.weight`, [H * D, d]);
    zeros(`${p}.attn_q.bias`, [H * D]);
    zeros(`${p}.attn_k.bias`, [H * D]);
    zeros(`${p}.attn_v.bias`, [H * D]);
    const o = zeros(`${p}.attn_output.weight`, [d, H * D]);
    zeros(`${p}.attn_output.bias`, [d]);
    if (L === 0) {
      // Head 0 rows 0..D-1: q_i reads position i + 1, k_i reads position i.
      for (let i = 0; i + 1 < P; i++) q[i * d + V + i + 1] = lambda;
      for (let i = 0; i < P; i++) k[i * d + V + i] = 1;
      for (let t = 0; t < V; t++) {
        v[t * d + t] = 1;
        o[(V + P + t) * (H * D) + t] = 1;
      }
    } else {
      for (let t = 0; t < V; t++) {
        q[t * d + t] = lambda;
        k[t * d + V + P + t] = 1;
      }
    }
    identityNorm(`${p}.ffn_norm`, L === 0 ? 3 : 3);
    zeros(`${p}.ffn_up.weight`, [4, d]);
    zeros(`${p}.ffn_up.bias`, [4]);
    zeros(`${p}.ffn_down.weight`, [d, 4]);
    zeros(`${p}.ffn_down.bias`, [d]);
  }
  identityNorm("output_norm", 3);
  return { config, tensors, sha256: `planted-induction-${V}-${P}-${lambda}` };
}
