/**
 * A straightforward float32, token-by-token forward pass with a KV cache, in the style of
 * llama2.c's run.c, for every supported architecture. It is the benchmark's sequential baseline
 * and a second, graph-independent implementation for decoding.
 */
import type { ModelConfig, ModelWeights } from "../types";

interface LayerWeights {
  attnNorm: Float32Array;
  attnNormBias: Float32Array | null;
  wq: Float32Array;
  wk: Float32Array;
  wv: Float32Array;
  bq: Float32Array | null;
  bk: Float32Array | null;
  bv: Float32Array | null;
  qNorm: Float32Array | null;
  kNorm: Float32Array | null;
  wo: Float32Array;
  bo: Float32Array | null;
  ffnNorm: Float32Array;
  ffnNormBias: Float32Array | null;
  wGate: Float32Array | null;
  wUp: Float32Array;
  bUp: Float32Array | null;
  wDown: Float32Array;
  bDown: Float32Array | null;
}

/**
 * Called with the residual stream of the current position: k = 0 the stream entering block 0
 * (blocks.0.hook_resid_pre: the token embedding, plus the position embedding for gpt2), k = L + 1 after block L.
 */
export type ResidualObserver = (k: number, residual: Float32Array) => void;

export class ReferenceModel {
  readonly config: ModelConfig;
  /** Number of positions already in the KV cache. */
  position = 0;
  private readonly tokenEmbd: Float32Array;
  private readonly posEmbd: Float32Array | null;
  private readonly layers: LayerWeights[];
  private readonly outNorm: Float32Array;
  private readonly outNormBias: Float32Array | null;
  private readonly output: Float32Array;
  private readonly keyCache: Float32Array[];
  private readonly valueCache: Float32Array[];
  private readonly invFreq: Float32Array;
  // scratch buffers
  private readonly x: Float32Array;
  private readonly xb: Float32Array;
  private readonly q: Float32Array;
  private readonly k: Float32Array;
  private readonly v: Float32Array;
  private readonly att: Float32Array;
  private readonly ctxVec: Float32Array;
  private readonly proj: Float32Array;
  private readonly hb: Float32Array;
  private readonly hb2: Float32Array;
  private readonly logits: Float32Array;

  constructor(weights: ModelWeights, maxSeqLen = weights.config.contextLength) {
    const c = weights.config;
    this.config = c;
    const get = (name: string): Float32Array => {
      const t = weights.tensors.get(name);
      if (!t) throw new Error(`reference model: missing weight ${name}`);
      return t.data;
    };
    const opt = (name: string): Float32Array | null => weights.tensors.get(name)?.data ?? null;
    this.tokenEmbd = get("token_embd.weight");
    this.posEmbd = c.architecture === "gpt2" ? get("position_embd.weight") : null;
    this.layers = Array.from({ length: c.nLayers }, (_, L): LayerWeights => {
      const p = `blk.${L}`;
      return {
        attnNorm: get(`${p}.attn_norm.weight`),
        attnNormBias: opt(`${p}.attn_norm.bias`),
        wq: get(`${p}.attn_q.weight`),
        wk: get(`${p}.attn_k.weight`),
        wv: get(`${p}.attn_v.weight`),
        bq: c.attentionBias ? get(`${p}.attn_q.bias`) : null,
        bk: c.attentionBias ? get(`${p}.attn_k.bias`) : null,
        bv: c.attentionBias ? get(`${p}.attn_v.bias`) : null,
        qNorm: c.qkNorm ? get(`${p}.attn_q_norm.weight`) : null,
        kNorm: c.qkNorm ? get(`${p}.attn_k_norm.weight`) : null,
        wo: get(`${p}.attn_output.weight`),
        bo: opt(`${p}.attn_output.bias`),
        ffnNorm: get(`${p}.ffn_norm.weight`),
        ffnNormBias: opt(`${p}.ffn_norm.bias`),
        wGate: c.architecture === "gpt2" ? null : get(`${p}.ffn_gate.weight`),
        wUp: get(`${p}.ffn_up.weight`),
        bUp: opt(`${p}.ffn_up.bias`),
        wDown: get(`${p}.ffn_down.weight`),
        bDown: opt(`${p}.ffn_down.bias`),
      };
    });
    this.outNorm = get("output_norm.weight");
    this.outNormBias = opt("output_norm.bias");
    this.output = c.tiedEmbeddings ? this.tokenEmbd : get("output.weight");
    const kvDim = c.nKvHeads * c.headDim;
    const maxLen = Math.min(maxSeqLen, c.contextLength);
    this.keyCache = this.layers.map(() => new Float32Array(maxLen * kvDim));
    this.valueCache = this.layers.map(() => new Float32Array(maxLen * kvDim));
    const half = c.headDim / 2;
    this.invFreq = new Float32Array(half);
    for (let j = 0; j < half; j++) this.invFreq[j] = 1 / Math.pow(c.ropeTheta ?? 10000, (2 * j) / c.headDim);
    this.x = new Float32Array(c.dModel);
    this.xb = new Float32Array(c.dModel);
    this.q = new Float32Array(c.nHeads * c.headDim);
    this.k = new Float32Array(kvDim);
    this.v = new Float32Array(kvDim);
    this.att = new Float32Array(maxLen);
    this.ctxVec = new Float32Array(c.nHeads * c.headDim);
    this.proj = new Float32Array(c.dModel);
    this.hb = new Float32Array(c.dFfn);
    this.hb2 = new Float32Array(c.dFfn);
    this.logits = new Float32Array(c.vocabSize);
  }

  /** Maximum number of positions the KV cache holds. */
  get capacity(): number {
    return this.att.length;
  }

  reset(): void {
    this.position = 0;
  }

  /** Feeds one token at the next position; returns the next-token logits (a view reused by the next call). */
  step(token: number, observe?: ResidualObserver): Float32Array {
    const c = this.config;
    const pos = this.position;
    if (pos >= this.capacity) throw new Error(`reference model: context full (${this.capacity} positions)`);
    if (!Number.isInteger(token) || token < 0 || token >= c.vocabSize) throw new Error(`token id ${token} out of range`);
    const d = c.dModel;
    const { x, xb } = this;
    x.set(this.tokenEmbd.subarray(token * d, (token + 1) * d));
    if (this.posEmbd) for (let i = 0; i < d; i++) x[i] = x[i]! + this.posEmbd[pos * d + i]!;
    observe?.(0, x);

    for (let L = 0; L < c.nLayers; L++) {
      const lw = this.layers[L]!;
      this.norm(xb, x, lw.attnNorm, lw.attnNormBias);
      this.attention(L, lw, pos);
      for (let i = 0; i < d; i++) x[i] = x[i]! + this.proj[i]!;
      this.norm(xb, x, lw.ffnNorm, lw.ffnNormBias);
      this.mlp(lw);
      for (let i = 0; i < d; i++) x[i] = x[i]! + this.proj[i]!;
      observe?.(L + 1, x);
    }
    this.norm(xb, x, this.outNorm, this.outNormBias);
    matvec(this.logits, this.output, null, xb, c.vocabSize, d);
    this.position = pos + 1;
    return this.logits;
  }

  private attention(L: number, lw: LayerWeights, pos: number): void {
    const c = this.config;
    const { nHeads: H, nKvHeads: KvH, headDim: D, dModel: d } = c;
    const kvDim = KvH * D;
    const { q, k, v, xb, att, ctxVec } = this;
    matvec(q, lw.wq, lw.bq, xb, H * D, d);
    matvec(k, lw.wk, lw.bk, xb, kvDim, d);
    matvec(v, lw.wv, lw.bv, xb, kvDim, d);
    if (lw.qNorm && lw.kNorm) {
      headRmsNorm(q, H, D, lw.qNorm, c.normEps);
      headRmsNorm(k, KvH, D, lw.kNorm, c.normEps);
    }
    if (c.ropeLayout) {
      this.rope(q, H, pos);
      this.rope(k, KvH, pos);
    }
    const kc = this.keyCache[L]!;
    const vc = this.valueCache[L]!;
    kc.set(k, pos * kvDim);
    vc.set(v, pos * kvDim);
    const group = H / KvH;
    const scale = Math.sqrt(D);
    ctxVec.fill(0);
    for (let h = 0; h < H; h++) {
      const kvOff = Math.floor(h / group) * D;
      let max = -Infinity;
      for (let t = 0; t <= pos; t++) {
        let s = 0;
        const ko = t * kvDim + kvOff;
        for (let i = 0; i < D; i++) s += q[h * D + i]! * kc[ko + i]!;
        s /= scale;
        att[t] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let t = 0; t <= pos; t++) {
        const e = Math.exp(att[t]! - max);
        att[t] = e;
        sum += e;
      }
      for (let t = 0; t <= pos; t++) {
        const a = att[t]! / sum;
        const vo = t * kvDim + kvOff;
        for (let i = 0; i < D; i++) ctxVec[h * D + i] = ctxVec[h * D + i]! + a * vc[vo + i]!;
      }
    }
    matvec(this.proj, lw.wo, lw.bo, ctxVec, d, H * D);
  }

  private mlp(lw: LayerWeights): void {
    const { dModel: d, dFfn: F } = this.config;
    const { hb, hb2, xb } = this;
    matvec(hb, lw.wUp, lw.bUp, xb, F, d);
    if (lw.wGate) {
      matvec(hb2, lw.wGate, null, xb, F, d);
      for (let i = 0; i < F; i++) {
        const g = hb2[i]!;
        hb[i] = (g / (1 + Math.exp(-g))) * hb[i]!;
      }
    } else {
      for (let i = 0; i < F; i++) {
        const u = hb[i]!;
        hb[i] = 0.5 * u * (1 + Math.tanh(0.7978845608028654 * (u + 0.044715 * u * u * u)));
      }
    }
    matvec(this.proj, lw.wDown, lw.bDown, hb, d, F);
  }

  private rope(vec: Float32Array, heads: number, pos: number): void {
    const D = this.config.headDim;
    const half = D / 2;
    const adjacent = this.config.ropeLayout === "adjacent-pairs";
    for (let j = 0; j < half; j++) {
      const angle = pos * this.invFreq[j]!;
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      for (let h = 0; h < heads; h++) {
        const a = adjacent ? h * D + 2 * j : h * D + j;
        const b = adjacent ? a + 1 : a + half;
        const x0 = vec[a]!;
        const x1 = vec[b]!;
        vec[a] = x0 * cos - x1 * sin;
        vec[b] = x1 * cos + x0 * sin;
      }
    }
  }

  private norm(out: Float32Array, x: Float32Array, w: Float32Array, b: Float32Array | null): void {
    const n = x.length;
    const eps = this.config.normEps;
    if (this.config.architecture === "gpt2") {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += x[i]!;
      mean /= n;
      let variance = 0;
      for (let i = 0; i < n; i++) variance += (x[i]! - mean) * (x[i]! - mean);
      const inv = 1 / Math.sqrt(variance / n + eps);
      for (let i = 0; i < n; i++) out[i] = (x[i]! - mean) * inv * w[i]! + (b ? b[i]! : 0);
      return;
    }
    let ss = 0;
    for (let i = 0; i < n; i++) ss += x[i]! * x[i]!;
    const inv = 1 / Math.sqrt(ss / n + eps);
    for (let i = 0; i < n; i++) out[i] = w[i]! * (x[i]! * inv);
  }
}

/** out[o] = Σ_i W[o, i] · x[i] (+ b[o]); W row-major [rows, cols]. */
function matvec(out: Float32Array, W: Float32Array, b: Float32Array | null, x: Float32Array, rows: number, cols: number): void {
  for (let o = 0; o < rows; o++) {
    let s = 0;
    const off = o * cols;
    for (let i = 0; i < cols; i++) s += W[off + i]! * x[i]!;
    out[o] = b ? s + b[o]! : s;
  }
}

function headRmsNorm(vec: Float32Array, heads: number, D: number, w: Float32Array, eps: number): void {
  for (let h = 0; h < heads; h++) {
    let ss = 0;
    for (let i = 0; i < D; i++) ss += vec[h * D + i]! ** 2;
    const inv = 1 / Math.sqrt(ss / D + eps);
    for (let i = 0; i < D; i++) vec[h * D + i] = vec[h * D + i]! * inv * w[i]!;
  }
}
