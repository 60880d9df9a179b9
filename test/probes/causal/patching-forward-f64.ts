/**
 * A plain float64 forward pass for llama/qwen2-style models (RMSNorm, RoPE, grouped-query attention,
 * SwiGLU; no biases, no qk-norm) with the interventions the causal methods use, written from the
 * architecture definition and sharing no code with the ONNX compiler: replace the residual stream
 * entering a block at chosen positions, replace one head's attention output (hook_z) at every
 * position, and add a steering vector after a block. The causal-method tests compare against it.
 */
import type { ModelWeights } from "../../../workers/runtime/types";

export interface F64Interventions {
  /** Replaces blocks.{layer}.hook_resid_pre at `position`. */
  residPre?: Array<{ layer: number; position: number; value: ArrayLike<number> }>;
  /** Replaces blocks.{layer}.attn.hook_z of `head` at every position: values[position] is [headDim]. */
  z?: Array<{ layer: number; head: number; values: ArrayLike<number>[] }>;
  /** Adds `vector` ([d]) to the residual stream after block `afterBlock`, at every position. */
  steering?: Array<{ afterBlock: number; vector: ArrayLike<number> }>;
}

export interface F64Result {
  /** [layer][position] → [d]. */
  residPre: Float64Array[][];
  /** [layer][position] → [d]. */
  residPost: Float64Array[][];
  /** [layer][position] → [nHeads × headDim]. */
  z: Float64Array[][];
  /** [position] → [vocab]. */
  logits: Float64Array[];
}

export function forwardF64(weights: ModelWeights, ids: number[], iv: F64Interventions = {}): F64Result {
  const c = weights.config;
  if (c.architecture === "gpt2" || c.qkNorm || c.attentionBias) throw new Error("forwardF64 covers bias-free llama/qwen2-style models only");
  const d = c.dModel;
  const H = c.nHeads;
  const KvH = c.nKvHeads;
  const D = c.headDim;
  const T = ids.length;
  const get = (name: string): Float32Array => {
    const t = weights.tensors.get(name);
    if (!t) throw new Error(`forwardF64: missing ${name}`);
    return t.data;
  };
  const matvec = (W: Float32Array, x: Float64Array, out: number): Float64Array => {
    const y = new Float64Array(out);
    for (let o = 0; o < out; o++) {
      let s = 0;
      for (let i = 0; i < x.length; i++) s += W[o * x.length + i]! * x[i]!;
      y[o] = s;
    }
    return y;
  };
  const rms = (x: Float64Array, w: Float32Array): Float64Array => {
    let ss = 0;
    for (const v of x) ss += v * v;
    const inv = 1 / Math.sqrt(ss / x.length + c.normEps);
    return x.map((v, i) => v * inv * w[i]!);
  };
  const rope = (vec: Float64Array, heads: number, pos: number): void => {
    if (c.ropeTheta === null) return;
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
  const silu = (x: number): number => x / (1 + Math.exp(-x));

  const emb = get("token_embd.weight");
  let x = ids.map((id) => Float64Array.from(emb.subarray(id * d, (id + 1) * d)));
  const out: F64Result = { residPre: [], residPost: [], z: [], logits: [] };
  for (let L = 0; L < c.nLayers; L++) {
    const p = `blk.${L}`;
    for (const r of iv.residPre ?? []) if (r.layer === L) x[r.position] = Float64Array.from(r.value);
    out.residPre.push(x.map((r) => Float64Array.from(r)));
    const qs: Float64Array[] = [];
    const ks: Float64Array[] = [];
    const vs: Float64Array[] = [];
    for (let t = 0; t < T; t++) {
      const h = rms(x[t]!, get(`${p}.attn_norm.weight`));
      const q = matvec(get(`${p}.attn_q.weight`), h, H * D);
      const k = matvec(get(`${p}.attn_k.weight`), h, KvH * D);
      rope(q, H, t);
      rope(k, KvH, t);
      qs.push(q);
      ks.push(k);
      vs.push(matvec(get(`${p}.attn_v.weight`), h, KvH * D));
    }
    const z: Float64Array[] = [];
    for (let t = 0; t < T; t++) {
      const zt = new Float64Array(H * D);
      for (let h = 0; h < H; h++) {
        const kv = Math.floor(h / (H / KvH));
        const scores: number[] = [];
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let i = 0; i < D; i++) dot += qs[t]![h * D + i]! * ks[s]![kv * D + i]!;
          scores.push(dot / Math.sqrt(D));
        }
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const sum = e.reduce((a, b) => a + b, 0);
        for (let s = 0; s <= t; s++) for (let i = 0; i < D; i++) zt[h * D + i] = zt[h * D + i]! + (e[s]! / sum) * vs[s]![kv * D + i]!;
      }
      z.push(zt);
    }
    for (const r of iv.z ?? []) {
      if (r.layer !== L) continue;
      for (let t = 0; t < T; t++) for (let i = 0; i < D; i++) z[t]![r.head * D + i] = r.values[t]![i]!;
    }
    out.z.push(z.map((r) => Float64Array.from(r)));
    const mid = x.map((r, t) => {
      const a = matvec(get(`${p}.attn_output.weight`), z[t]!, d);
      return r.map((v, i) => v + a[i]!);
    });
    x = mid.map((r) => {
      const h = rms(r, get(`${p}.ffn_norm.weight`));
      const gate = matvec(get(`${p}.ffn_gate.weight`), h, c.dFfn);
      const up = matvec(get(`${p}.ffn_up.weight`), h, c.dFfn);
      const m = matvec(get(`${p}.ffn_down.weight`), gate.map((g, i) => silu(g) * up[i]!), d);
      return r.map((v, i) => v + m[i]!);
    });
    for (const s of iv.steering ?? []) if (s.afterBlock === L) x = x.map((r) => r.map((v, i) => v + s.vector[i]!));
    out.residPost.push(x.map((r) => Float64Array.from(r)));
  }
  const head = c.tiedEmbeddings ? emb : get("output.weight");
  out.logits = x.map((r) => matvec(head, rms(r, get("output_norm.weight")), c.vocabSize));
  return out;
}

/** log softmax of one logit vector. */
export function logSoftmaxF64(logits: ArrayLike<number>): Float64Array {
  let mx = -Infinity;
  for (let i = 0; i < logits.length; i++) mx = Math.max(mx, logits[i]!);
  let se = 0;
  for (let i = 0; i < logits.length; i++) se += Math.exp(logits[i]! - mx);
  const lse = mx + Math.log(se);
  return Float64Array.from({ length: logits.length }, (_, i) => logits[i]! - lse);
}
