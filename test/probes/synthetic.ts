/**
 * Synthetic activations with known truth, and a toy "model" over them that implements the
 * ActivationSource contract, interventions included.
 *
 * The toy model is a linear residual stream: each prompt has stored read-out activations h_l for
 * every layer l (blocks.{l}.hook_resid_post); block l writes w_l = h_l − h_{l−1} (h_{−1} = 0).
 * Steering after block L adds v to every later h. Ablation projects the directions out after the
 * listed blocks. Logits are W_U h_{final}; completions are single words of a tiny vocabulary.
 * Tokens are whitespace-separated words; MLP neurons are ReLU(M e_word) per token, plus a planted
 * neuron 0 that fires on the word "happy".
 */
import type { ActivationSource, Intervention, TokenActivations } from "../../workers/probes/activation-source";
import type { ReadoutPosition } from "../../server/probes/spec";
import { createRng, deriveSeed, type Rng } from "../../workers/probes/stats/rng";

export function randomUnit(d: number, rng: Rng): Float64Array {
  const v = Float64Array.from({ length: d }, () => rng.normal());
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** Orthonormal vectors (Gram–Schmidt on Gaussians). */
export function orthonormal(k: number, d: number, rng: Rng): Float64Array[] {
  const out: Float64Array[] = [];
  while (out.length < k) {
    const v = Float64Array.from({ length: d }, () => rng.normal());
    for (const u of out) {
      let c = 0;
      for (let i = 0; i < d; i++) c += u[i]! * v[i]!;
      for (let i = 0; i < d; i++) v[i] = v[i]! - c * u[i]!;
    }
    const n = Math.hypot(...v);
    out.push(v.map((x) => x / n));
  }
  return out;
}

export interface SyntheticLayers {
  /** Per layer, [n, d]. */
  layers: Float32Array[];
  n: number;
  d: number;
}

/**
 * Contrastive pairs (rows interleaved positive, negative) with a concept direction per layer:
 *   positive = base + (s_l / 2) u_l + noise,  negative = base − (s_l / 2) u_l + noise.
 */
export function plantedPairs(opts: { pairs: number; d: number; nLayers: number; strength: (layer: number) => number; directions: Float64Array[]; noise: number; baseScale?: number; seed: number; jitter?: number }): SyntheticLayers {
  const rng = createRng(opts.seed);
  const { pairs, d, nLayers } = opts;
  const n = 2 * pairs;
  const bases = Array.from({ length: pairs }, () => Float64Array.from({ length: d }, () => rng.normal() * (opts.baseScale ?? 1)));
  const coef = Array.from({ length: pairs }, () => 1 + (opts.jitter ?? 0.2) * rng.normal());
  const layers: Float32Array[] = [];
  for (let l = 0; l < nLayers; l++) {
    const X = new Float32Array(n * d);
    const u = opts.directions[l]!;
    const s = opts.strength(l);
    for (let p = 0; p < pairs; p++) {
      for (let k = 0; k < d; k++) {
        const shift = (s / 2) * coef[p]! * u[k]!;
        X[2 * p * d + k] = bases[p]![k]! + shift + opts.noise * rng.normal();
        X[(2 * p + 1) * d + k] = bases[p]![k]! - shift + opts.noise * rng.normal();
      }
    }
    layers.push(X);
  }
  return { layers, n, d };
}

/**
 * A planted k-dimensional concept: each pair's difference is Σⱼ cⱼ uⱼ over k orthonormal
 * directions with per-pair coefficients cⱼ = aⱼ + 0.3 ξ (so the centred differences vary equally in all k
 * dimensions), and the shared base varies along the uⱼ with geometrically growing spread (so a
 * linear probe's best direction changes after each removal and INLP needs k steps).
 */
export function plantedSubspace(opts: { pairs: number; d: number; k: number; seed: number; noise?: number; ratio?: number; iso?: number }): { X: Float32Array; n: number; d: number; U: Float64Array[] } {
  const rng = createRng(opts.seed);
  const { pairs, d, k } = opts;
  const U = orthonormal(k, d, rng);
  const n = 2 * pairs;
  const X = new Float32Array(n * d);
  const noise = opts.noise ?? 0.01;
  const ratio = opts.ratio ?? 2;
  const jitter = 0.3;
  const iso = opts.iso ?? 0.2;
  const sd = Array.from({ length: k }, (_, j) => 0.3 * ratio ** j);
  // Mean shift along uⱼ: 2.5 within-class standard deviations, so each direction alone separates well.
  const shift = sd.map((s) => 2.5 * Math.sqrt(s * s + (jitter * jitter) / 4));
  for (let p = 0; p < pairs; p++) {
    const base = new Float64Array(d);
    const diff = new Float64Array(d);
    for (let t = 0; t < d; t++) base[t] = iso * rng.normal();
    for (let j = 0; j < k; j++) {
      const b = rng.normal() * sd[j]!;
      const c = shift[j]! + jitter * rng.normal();
      for (let t = 0; t < d; t++) {
        base[t] = base[t]! + b * U[j]![t]!;
        diff[t] = diff[t]! + c * U[j]![t]!;
      }
    }
    for (let t = 0; t < d; t++) {
      X[2 * p * d + t] = base[t]! + 0.5 * diff[t]! + noise * rng.normal();
      X[(2 * p + 1) * d + t] = base[t]! - 0.5 * diff[t]! + noise * rng.normal();
    }
  }
  return { X, n, d, U };
}

export function pureNoise(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * d }, () => rng.normal());
}

export const WORDS = ["Lily", "Tom", "was", "happy", "sad", "the", "dog", "ran", "good", "bad", "a", "park", "toy", "found", "lost"];

/** A toy linear-residual model over stored activations. */
export class SyntheticSource implements ActivationSource {
  readonly info: ActivationSource["info"];
  private readonly byText = new Map<string, Float32Array[]>();
  /** Unembedding [vocab, d]. */
  readonly unembed: Float64Array;
  readonly vocab: string[];
  private readonly neuronWeights: Float64Array;
  readonly dMlp: number;
  readCalls = 0;

  constructor(opts: { nLayers: number; d: number; vocab: string[]; unembed: Float64Array; dMlp?: number; seed?: number }) {
    this.info = { name: "synthetic", nLayers: opts.nLayers, dModel: opts.d, maxTokens: 512 };
    this.vocab = opts.vocab;
    this.unembed = opts.unembed;
    this.dMlp = opts.dMlp ?? 16;
    const rng = createRng(opts.seed ?? 7);
    this.neuronWeights = Float64Array.from({ length: this.dMlp * 8 }, () => rng.normal());
  }

  /** Registers prompts with their per-layer activations (rows of the given layers). */
  add(texts: readonly string[], data: SyntheticLayers): void {
    texts.forEach((t, i) => {
      this.byText.set(
        t,
        data.layers.map((X) => X.slice(i * data.d, (i + 1) * data.d)),
      );
    });
  }

  /** Final-layer (or any-layer) residual of a prompt under an intervention. */
  residual(text: string, layer: number, intervention?: Intervention): Float64Array {
    const h = this.byText.get(text);
    if (!h) throw new Error(`synthetic source: unknown prompt "${text}"`);
    const d = this.info.dModel;
    const cur = new Float64Array(d);
    const dirs = intervention?.ablation ? orthonormalF32(intervention.ablation.directions) : [];
    for (let l = 0; l <= layer; l++) {
      for (let k = 0; k < d; k++) cur[k] = cur[k]! + h[l]![k]! - (l > 0 ? h[l - 1]![k]! : 0);
      for (const s of intervention?.steering ?? []) if (s.afterBlock === l) for (let k = 0; k < d; k++) cur[k] = cur[k]! + s.vector[k]!;
      if (intervention?.ablation?.blocks.includes(l)) {
        for (const u of dirs) {
          let c = 0;
          for (let k = 0; k < d; k++) c += cur[k]! * u[k]!;
          for (let k = 0; k < d; k++) cur[k] = cur[k]! - c * u[k]!;
        }
      }
    }
    return cur;
  }

  private tokens(text: string): Array<{ word: string; range: [number, number] }> {
    const out: Array<{ word: string; range: [number, number] }> = [];
    const re = /\S+/g;
    for (let m = re.exec(text); m; m = re.exec(text)) out.push({ word: m[0], range: [m.index, m.index + m[0].length] });
    return out;
  }

  private neurons(word: string): Float32Array {
    const rng = createRng(deriveSeed(11, word.replace(/[^A-Za-z]/g, "")));
    const e = Float64Array.from({ length: 8 }, () => rng.normal());
    const out = new Float32Array(this.dMlp);
    for (let j = 0; j < this.dMlp; j++) {
      let s = 0;
      for (let t = 0; t < 8; t++) s += this.neuronWeights[j * 8 + t]! * e[t]!;
      out[j] = Math.max(0, s);
    }
    out[0] = word.replace(/[^A-Za-z]/g, "") === "happy" ? 5 : 0;
    return out;
  }

  async tokenActivations(prompts: readonly string[], hook: string): Promise<TokenActivations[]> {
    if (!hook.endsWith("mlp.hook_post")) throw new Error("synthetic tokenActivations supports mlp.hook_post only");
    return prompts.map((p) => {
      const toks = this.tokens(p);
      const values = new Float32Array(toks.length * this.dMlp);
      toks.forEach((t, i) => values.set(this.neurons(t.word), i * this.dMlp));
      return { values, width: this.dMlp, offsets: toks.map((t) => t.range) };
    });
  }

  async read(prompts: readonly string[], hooks: readonly string[], position: ReadoutPosition, intervention?: Intervention): Promise<Map<string, Float32Array>> {
    this.readCalls++;
    if (position.kind !== "last") throw new Error("synthetic source reads the last position only");
    const out = new Map<string, Float32Array>();
    for (const hook of hooks) {
      const m = /^blocks\.(\d+)\.(hook_resid_post|mlp\.hook_post)$/.exec(hook);
      if (!m) throw new Error(`synthetic source: unsupported hook ${hook}`);
      const layer = Number(m[1]);
      if (m[2] === "mlp.hook_post") {
        const acts = await this.tokenActivations(prompts, hook);
        const X = new Float32Array(prompts.length * this.dMlp);
        acts.forEach((a, i) => X.set(a.values.subarray(a.values.length - this.dMlp), i * this.dMlp));
        out.set(hook, X);
        continue;
      }
      const d = this.info.dModel;
      const X = new Float32Array(prompts.length * d);
      prompts.forEach((p, i) => X.set(this.residual(p, layer, intervention), i * d));
      out.set(hook, X);
    }
    return out;
  }

  async completionLogProbs(prompts: readonly string[], completions: readonly string[], intervention?: Intervention): Promise<Float64Array> {
    const V = this.vocab.length;
    const d = this.info.dModel;
    const out = new Float64Array(prompts.length * completions.length);
    prompts.forEach((p, i) => {
      const h = this.residual(p, this.info.nLayers - 1, intervention);
      const logits = new Float64Array(V);
      for (let v = 0; v < V; v++) for (let k = 0; k < d; k++) logits[v] = logits[v]! + this.unembed[v * d + k]! * h[k]!;
      const mx = Math.max(...logits);
      const lse = mx + Math.log(logits.reduce((a, b) => a + Math.exp(b - mx), 0));
      completions.forEach((c, j) => {
        const id = this.vocab.indexOf(c.trim());
        if (id < 0) throw new Error(`synthetic vocab has no "${c}"`);
        out[i * completions.length + j] = logits[id]! - lse;
      });
    });
    return out;
  }

  tokenCount(text: string): number {
    return this.tokens(text).length + 1;
  }
}

function orthonormalF32(vs: Float32Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const v0 of vs) {
    const v = Float64Array.from(v0);
    for (const u of out) {
      let c = 0;
      for (let i = 0; i < v.length; i++) c += u[i]! * v[i]!;
      for (let i = 0; i < v.length; i++) v[i] = v[i]! - c * u[i]!;
    }
    const n = Math.hypot(...v);
    if (n > 1e-9) out.push(v.map((x) => x / n));
  }
  return out;
}
