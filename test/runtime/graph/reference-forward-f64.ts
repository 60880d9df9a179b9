/**
 * An independent float64 forward pass, written plainly from the architecture definitions
 * (llama, qwen2, qwen3, gpt2) for one unpadded sequence. It shares no code with the ONNX
 * compiler or the runtime's float32 reference; tests compare both against it.
 *
 * Conventions (from the published architectures):
 *  - pre-norm blocks: x += attn(norm1(x)); x += mlp(norm2(x))
 *  - RMSNorm: x / sqrt(mean(x^2) + eps) * w;  LayerNorm: (x - mean) / sqrt(var + eps) * w + b
 *  - RoPE frequency for pair j is theta^(-2j/headDim); pairs are (2j, 2j+1) in the
 *    "adjacent-pairs" layout and (j, j + headDim/2) in "rotate-half"
 *  - query head h reads key/value head floor(h / (nHeads / nKvHeads))
 *  - gpt2 MLP: gelu_tanh; llama/qwen MLP: down(silu(gate x) * up x)
 */
import type { ModelWeights } from "../../../workers/runtime/types";

export interface ReferenceOptions {
  /** block → vector added to the residual stream after that block: one [d] for all positions, or one per position. */
  steering?: Map<number, Float64Array | Float64Array[]>;
  /** directions (assumed orthonormal) projected out of the stream after each listed block (after steering). */
  ablation?: { blocks: number[]; directions: Float64Array[] };
}

export interface ReferenceResult {
  /** hook name → one vector per position. */
  hooks: Map<string, Float64Array[]>;
  /** one vocab vector per position. */
  logits: Float64Array[];
}

export function referenceForwardF64(weights: ModelWeights, ids: number[], options: ReferenceOptions = {}): ReferenceResult {
  const c = weights.config;
  const d = c.dModel;
  const T = ids.length;
  const get = (name: string): Float32Array => {
    const t = weights.tensors.get(name);
    if (!t) throw new Error(`reference: missing ${name}`);
    return t.data;
  };
  const maybe = (name: string): Float32Array | null => weights.tensors.get(name)?.data ?? null;
  const hooks = new Map<string, Float64Array[]>();
  const record = (name: string, rows: Float64Array[]): void => {
    hooks.set(name, rows.map((r) => Float64Array.from(r)));
  };

  // y[o] = sum_i W[o, i] x[i] + b[o]
  const matvec = (W: Float32Array, b: Float32Array | null, x: Float64Array, out: number): Float64Array => {
    const n = x.length;
    const y = new Float64Array(out);
    for (let o = 0; o < out; o++) {
      let s = b ? b[o]! : 0;
      for (let i = 0; i < n; i++) s += W[o * n + i]! * x[i]!;
      y[o] = s;
    }
    return y;
  };
  const norm = (x: Float64Array, w: Float32Array, b: Float32Array | null): Float64Array => {
    const n = x.length;
    const y = new Float64Array(n);
    if (c.architecture === "gpt2") {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += x[i]!;
      mean /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (x[i]! - mean) ** 2;
      v /= n;
      const inv = 1 / Math.sqrt(v + c.normEps);
      for (let i = 0; i < n; i++) y[i] = (x[i]! - mean) * inv * w[i]! + (b ? b[i]! : 0);
    } else {
      let ss = 0;
      for (let i = 0; i < n; i++) ss += x[i]! * x[i]!;
      const inv = 1 / Math.sqrt(ss / n + c.normEps);
      for (let i = 0; i < n; i++) y[i] = x[i]! * inv * w[i]!;
    }
    return y;
  };
  const rope = (vec: Float64Array, heads: number, pos: number): void => {
    if (c.ropeTheta === null) return;
    const D = c.headDim;
    for (let h = 0; h < heads; h++) {
      for (let j = 0; j < D / 2; j++) {
        const angle = pos * Math.pow(c.ropeTheta, (-2 * j) / D);
        const [a, b] = c.ropeLayout === "adjacent-pairs" ? [h * D + 2 * j, h * D + 2 * j + 1] : [h * D + j, h * D + j + D / 2];
        const x0 = vec[a]!;
        const x1 = vec[b]!;
        vec[a] = x0 * Math.cos(angle) - x1 * Math.sin(angle);
        vec[b] = x1 * Math.cos(angle) + x0 * Math.sin(angle);
      }
    }
  };
  const headRms = (vec: Float64Array, heads: number, w: Float32Array): void => {
    const D = c.headDim;
    for (let h = 0; h < heads; h++) {
      let ss = 0;
      for (let i = 0; i < D; i++) ss += vec[h * D + i]! ** 2;
      const inv = 1 / Math.sqrt(ss / D + c.normEps);
      for (let i = 0; i < D; i++) vec[h * D + i] = vec[h * D + i]! * inv * w[i]!;
    }
  };
  const gelu = (x: number): number => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
  const silu = (x: number): number => x / (1 + Math.exp(-x));

  const tok = get("token_embd.weight");
  const embed = ids.map((id) => Float64Array.from(tok.subarray(id * d, (id + 1) * d)));
  record("hook_embed", embed);
  let x = embed.map((r) => Float64Array.from(r));
  if (c.architecture === "gpt2") {
    const pe = get("position_embd.weight");
    const pos = ids.map((_, p) => Float64Array.from(pe.subarray(p * d, (p + 1) * d)));
    record("hook_pos_embed", pos);
    x = x.map((r, p) => r.map((v, i) => v + pos[p]![i]!));
  }

  const H = c.nHeads;
  const KvH = c.nKvHeads;
  const D = c.headDim;
  const group = H / KvH;
  for (let L = 0; L < c.nLayers; L++) {
    const p = `blk.${L}`;
    record(`blocks.${L}.hook_resid_pre`, x);
    // attention
    const qs: Float64Array[] = [];
    const ks: Float64Array[] = [];
    const vs: Float64Array[] = [];
    for (let t = 0; t < T; t++) {
      const h = norm(x[t]!, get(`${p}.attn_norm.weight`), maybe(`${p}.attn_norm.bias`));
      const q = matvec(get(`${p}.attn_q.weight`), maybe(`${p}.attn_q.bias`), h, H * D);
      const k = matvec(get(`${p}.attn_k.weight`), maybe(`${p}.attn_k.bias`), h, KvH * D);
      const v = matvec(get(`${p}.attn_v.weight`), maybe(`${p}.attn_v.bias`), h, KvH * D);
      if (c.qkNorm) {
        headRms(q, H, get(`${p}.attn_q_norm.weight`));
        headRms(k, KvH, get(`${p}.attn_k_norm.weight`));
      }
      rope(q, H, t);
      rope(k, KvH, t);
      qs.push(q);
      ks.push(k);
      vs.push(v);
    }
    const attnOut: Float64Array[] = [];
    for (let t = 0; t < T; t++) {
      const ctxVec = new Float64Array(H * D);
      for (let h = 0; h < H; h++) {
        const kv = Math.floor(h / group);
        const scores: number[] = [];
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let i = 0; i < D; i++) dot += qs[t]![h * D + i]! * ks[s]![kv * D + i]!;
          scores.push(dot / Math.sqrt(D));
        }
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let s = 0; s <= t; s++) {
          for (let i = 0; i < D; i++) ctxVec[h * D + i] = ctxVec[h * D + i]! + (e[s]! / z) * vs[s]![kv * D + i]!;
        }
      }
      attnOut.push(matvec(get(`${p}.attn_output.weight`), maybe(`${p}.attn_output.bias`), ctxVec, d));
    }
    record(`blocks.${L}.hook_attn_out`, attnOut);
    const mid = x.map((r, t) => r.map((v, i) => v + attnOut[t]![i]!));
    // mlp
    const neurons: Float64Array[] = [];
    const mlpOut: Float64Array[] = [];
    for (let t = 0; t < T; t++) {
      const h = norm(mid[t]!, get(`${p}.ffn_norm.weight`), maybe(`${p}.ffn_norm.bias`));
      let act: Float64Array;
      if (c.architecture === "gpt2") {
        act = matvec(get(`${p}.ffn_up.weight`), maybe(`${p}.ffn_up.bias`), h, c.dFfn).map(gelu);
      } else {
        const gate = matvec(get(`${p}.ffn_gate.weight`), null, h, c.dFfn);
        const up = matvec(get(`${p}.ffn_up.weight`), null, h, c.dFfn);
        act = gate.map((gv, i) => silu(gv) * up[i]!);
      }
      neurons.push(act);
      mlpOut.push(matvec(get(`${p}.ffn_down.weight`), maybe(`${p}.ffn_down.bias`), act, d));
    }
    record(`blocks.${L}.mlp.hook_post`, neurons);
    record(`blocks.${L}.hook_mlp_out`, mlpOut);
    x = mid.map((r, t) => r.map((v, i) => v + mlpOut[t]![i]!));
    // interventions after the block
    const sv = options.steering?.get(L);
    if (sv) x = x.map((r, t) => r.map((v, i) => v + (Array.isArray(sv) ? sv[t]! : sv)[i]!));
    if (options.ablation?.blocks.includes(L)) {
      for (const u of options.ablation.directions) {
        x = x.map((r) => {
          let dot = 0;
          for (let i = 0; i < d; i++) dot += r[i]! * u[i]!;
          return r.map((v, i) => v - dot * u[i]!);
        });
      }
    }
    record(`blocks.${L}.hook_resid_post`, x);
  }

  const head = c.tiedEmbeddings ? tok : get("output.weight");
  const logits = x.map((r) => matvec(head, null, norm(r, get("output_norm.weight"), maybe("output_norm.bias")), c.vocabSize));
  return { hooks, logits };
}
