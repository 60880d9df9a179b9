/**
 * A plain float64 forward pass over one whole, unpadded sequence that reports every hook point the
 * ONNX compiler exposes (attention taps included), in ForwardResult's layouts, and lets the caller
 * edit any patchable activation in place before the rest of the model sees it — activation
 * patching and head ablation done by hand. Written plainly from the architecture definitions (llama,
 * qwen2, qwen3, gpt2), sharing no code with the ONNX compiler or the float32 reference model: the
 * tests compare the compiled graph (and its patch inputs, steering and ablation) against it.
 *
 * Conventions match the compiler: hook_q / hook_k after qk-norm and before RoPE, in the weights'
 * RoPE layout; hook_attn_scores scaled by 1/√headDim with keys after the query at -Infinity;
 * query head h reads kv head ⌊h / (nHeads / nKvHeads)⌋; steering, then directional ablation, then
 * the hook_resid_post edit after each block.
 */
import type { ModelWeights } from "../types";

export interface SequenceReferenceOptions {
  /** block → vector added to the residual stream after that block: one [d] for all positions, or one per position. */
  steering?: Map<number, Float64Array | Float64Array[]>;
  /** Orthonormal directions projected out of the stream after each listed block (after steering). */
  ablation?: { blocks: number[]; directions: Float64Array[] };
  /**
   * Called at each patchable hook point (hook_resid_pre, attn.hook_z, hook_attn_out, mlp.hook_post,
   * hook_mlp_out, hook_resid_post) with one row per position (hook_z rows are [nHeads × headDim]);
   * change the rows in place to patch.
   */
  edit?: (hook: string, rows: Float64Array[]) => void;
}

export interface SequenceReferenceResult {
  /** Every hook, flat: [len × width], or [nHeads × len × len] for hook_attn_scores / hook_pattern. */
  taps: Map<string, Float64Array>;
  /** [len × vocab]. */
  logits: Float64Array;
}

export function referenceSequenceForward(weights: ModelWeights, ids: number[], options: SequenceReferenceOptions = {}): SequenceReferenceResult {
  const c = weights.config;
  const { dModel: d, nHeads: H, nKvHeads: KvH, headDim: D } = c;
  const T = ids.length;
  const group = H / KvH;
  const get = (name: string): Float32Array => {
    const t = weights.tensors.get(name);
    if (!t) throw new Error(`reference: missing weight ${name}`);
    return t.data;
  };
  const maybe = (name: string): Float32Array | null => weights.tensors.get(name)?.data ?? null;
  const taps = new Map<string, Float64Array>();
  const flat = (rows: Float64Array[]): Float64Array => {
    const width = rows[0]?.length ?? 0;
    const out = new Float64Array(rows.length * width);
    rows.forEach((r, i) => out.set(r, i * width));
    return out;
  };
  /** Lets the caller patch, then records what the rest of the model will read. */
  const hookPoint = (name: string, rows: Float64Array[]): Float64Array[] => {
    options.edit?.(name, rows);
    taps.set(name, flat(rows));
    return rows;
  };

  const matvec = (W: Float32Array, b: Float32Array | null, x: Float64Array, rows: number): Float64Array => {
    const n = x.length;
    const y = new Float64Array(rows);
    for (let o = 0; o < rows; o++) {
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
      let variance = 0;
      for (let i = 0; i < n; i++) variance += (x[i]! - mean) ** 2;
      const inv = 1 / Math.sqrt(variance / n + c.normEps);
      for (let i = 0; i < n; i++) y[i] = (x[i]! - mean) * inv * w[i]! + (b ? b[i]! : 0);
    } else {
      let ss = 0;
      for (let i = 0; i < n; i++) ss += x[i]! * x[i]!;
      const inv = 1 / Math.sqrt(ss / n + c.normEps);
      for (let i = 0; i < n; i++) y[i] = x[i]! * inv * w[i]!;
    }
    return y;
  };
  const headRms = (vec: Float64Array, heads: number, w: Float32Array): void => {
    for (let h = 0; h < heads; h++) {
      let ss = 0;
      for (let i = 0; i < D; i++) ss += vec[h * D + i]! ** 2;
      const inv = 1 / Math.sqrt(ss / D + c.normEps);
      for (let i = 0; i < D; i++) vec[h * D + i] = vec[h * D + i]! * inv * w[i]!;
    }
  };
  const rope = (vec: Float64Array, heads: number, pos: number): Float64Array => {
    const out = Float64Array.from(vec);
    if (c.ropeTheta === null) return out;
    for (let h = 0; h < heads; h++) {
      for (let j = 0; j < D / 2; j++) {
        const angle = pos * Math.pow(c.ropeTheta, (-2 * j) / D);
        const [a, b] = c.ropeLayout === "adjacent-pairs" ? [h * D + 2 * j, h * D + 2 * j + 1] : [h * D + j, h * D + j + D / 2];
        out[a] = vec[a]! * Math.cos(angle) - vec[b]! * Math.sin(angle);
        out[b] = vec[b]! * Math.cos(angle) + vec[a]! * Math.sin(angle);
      }
    }
    return out;
  };
  const gelu = (x: number): number => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
  const silu = (x: number): number => x / (1 + Math.exp(-x));
  const add = (a: Float64Array[], b: Float64Array[]): Float64Array[] => a.map((r, t) => r.map((v, i) => v + b[t]![i]!));

  const tok = get("token_embd.weight");
  const embed = ids.map((id) => Float64Array.from(tok.subarray(id * d, (id + 1) * d)));
  taps.set("hook_embed", flat(embed));
  let x: Float64Array[] = embed.map((r) => Float64Array.from(r));
  if (c.architecture === "gpt2") {
    const pe = get("position_embd.weight");
    const pos = ids.map((_, t) => Float64Array.from(pe.subarray(t * d, (t + 1) * d)));
    taps.set("hook_pos_embed", flat(pos));
    x = add(x, pos);
  }

  for (let L = 0; L < c.nLayers; L++) {
    const p = `blk.${L}`;
    const name = (suffix: string): string => `blocks.${L}.${suffix}`;
    x = hookPoint(name("hook_resid_pre"), x);

    // attention
    const qs: Float64Array[] = [];
    const ks: Float64Array[] = [];
    const vs: Float64Array[] = [];
    for (let t = 0; t < T; t++) {
      const h = norm(x[t]!, get(`${p}.attn_norm.weight`), maybe(`${p}.attn_norm.bias`));
      const q = matvec(get(`${p}.attn_q.weight`), maybe(`${p}.attn_q.bias`), h, H * D);
      const k = matvec(get(`${p}.attn_k.weight`), maybe(`${p}.attn_k.bias`), h, KvH * D);
      if (c.qkNorm) {
        headRms(q, H, get(`${p}.attn_q_norm.weight`));
        headRms(k, KvH, get(`${p}.attn_k_norm.weight`));
      }
      qs.push(q);
      ks.push(k);
      vs.push(matvec(get(`${p}.attn_v.weight`), maybe(`${p}.attn_v.bias`), h, KvH * D));
    }
    taps.set(name("attn.hook_q"), flat(qs));
    taps.set(name("attn.hook_k"), flat(ks));
    taps.set(name("attn.hook_v"), flat(vs));
    const qr = qs.map((q, t) => rope(q, H, t));
    const kr = ks.map((k, t) => rope(k, KvH, t));
    const scores = new Float64Array(H * T * T).fill(-Infinity);
    const pattern = new Float64Array(H * T * T);
    const z = ids.map(() => new Float64Array(H * D));
    for (let h = 0; h < H; h++) {
      const kv = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const row = (h * T + t) * T;
        let max = -Infinity;
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let i = 0; i < D; i++) dot += qr[t]![h * D + i]! * kr[s]![kv * D + i]!;
          scores[row + s] = dot / Math.sqrt(D);
          max = Math.max(max, scores[row + s]!);
        }
        let sum = 0;
        for (let s = 0; s <= t; s++) sum += Math.exp(scores[row + s]! - max);
        for (let s = 0; s <= t; s++) {
          const a = Math.exp(scores[row + s]! - max) / sum;
          pattern[row + s] = a;
          for (let i = 0; i < D; i++) z[t]![h * D + i] = z[t]![h * D + i]! + a * vs[s]![kv * D + i]!;
        }
      }
    }
    taps.set(name("attn.hook_attn_scores"), scores);
    taps.set(name("attn.hook_pattern"), pattern);
    const zRows = hookPoint(name("attn.hook_z"), z);
    const attnOut = hookPoint(
      name("hook_attn_out"),
      zRows.map((r) => matvec(get(`${p}.attn_output.weight`), maybe(`${p}.attn_output.bias`), r, d)),
    );
    const mid = add(x, attnOut);

    // mlp
    const neurons = mid.map((r) => {
      const h = norm(r, get(`${p}.ffn_norm.weight`), maybe(`${p}.ffn_norm.bias`));
      if (c.architecture === "gpt2") return matvec(get(`${p}.ffn_up.weight`), maybe(`${p}.ffn_up.bias`), h, c.dFfn).map(gelu);
      const gate = matvec(get(`${p}.ffn_gate.weight`), null, h, c.dFfn);
      const up = matvec(get(`${p}.ffn_up.weight`), null, h, c.dFfn);
      return gate.map((g, i) => silu(g) * up[i]!);
    });
    const post = hookPoint(name("mlp.hook_post"), neurons);
    const mlpOut = hookPoint(
      name("hook_mlp_out"),
      post.map((r) => matvec(get(`${p}.ffn_down.weight`), maybe(`${p}.ffn_down.bias`), r, d)),
    );
    x = add(mid, mlpOut);

    // interventions after the block, then the hook_resid_post edit
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
    x = hookPoint(name("hook_resid_post"), x);
  }

  const head = c.tiedEmbeddings ? tok : get("output.weight");
  const logits = flat(x.map((r) => matvec(head, null, norm(r, get("output_norm.weight"), maybe("output_norm.bias")), c.vocabSize)));
  return { taps, logits };
}

/** An `edit` that replaces hook_z of `heads` at `positions` of one layer with `values` ([positions × heads × headDim]). */
export function replaceHeads(
  hook: string,
  headDim: number,
  positions: number[],
  heads: number[],
  values: ArrayLike<number>,
): (name: string, rows: Float64Array[]) => void {
  return (name, rows) => {
    if (name !== hook) return;
    positions.forEach((t, i) => {
      heads.forEach((h, j) => {
        for (let k = 0; k < headDim; k++) rows[t]![h * headDim + k] = values[(i * heads.length + j) * headDim + k]!;
      });
    });
  };
}
