/**
 * neuronMap: one layer's MLP neurons (blocks.{L}.mlp.hook_post). Each neuron's activation profile
 * over the data's read-out positions is standardised; neurons are embedded in 2-D by PCA of the
 * profiles (or UMAP, via umap-js, seeded), grouped by k-means on the profiles, and listed with
 * their top-activating snippets (over every token of every prompt) and class means.
 */
import { UMAP } from "umap-js";
import type { NeuronMapParams } from "../../../server/probes/spec";
import type { TokenActivations } from "../activation-source";
import { topEigenvectors } from "../linalg/eigen";
import { gram, gramT } from "../linalg/gemm";
import { dot } from "../linalg/vector";
import { cohensD } from "../stats/metrics";
import { type Rng, deriveRng } from "../stats/rng";
import type { MethodOutput } from "../types";

export interface NeuronMapInput {
  hook: string;
  layer: number;
  texts: string[];
  /** Class name of each example. */
  classes: string[];
  /** Contrast labels (1 positive, 0 negative, 255 outside the contrast), or null when there is none. */
  y: Uint8Array | null;
  /** [n, width] at the read-out position. */
  readout: Float32Array;
  width: number;
  /** Per-token activations for the snippets (null when the source cannot give them). */
  tokens: TokenActivations[] | null;
}

export interface NeuronSnippet {
  example: number;
  token: number;
  activation: number;
  /** Text around the token, the token itself between ⟦ and ⟧. */
  snippet: string;
}

export interface NeuronInfo {
  index: number;
  x: number;
  y: number;
  cluster: number;
  mean: number;
  std: number;
  classMeans: Record<string, number>;
  cohensD: number | null;
  top: NeuronSnippet[];
}

export interface NeuronMapMetrics {
  neurons: number;
  deadNeurons: number;
  meanActivation: number;
  /** Variance fraction of the two embedding axes (PCA only). */
  explained: number[] | null;
  /** The neurons that best separate the classes (largest |Cohen's d|), up to 10. */
  mostSelective: Array<{ neuron: number; cohensD: number }>;
  clusterSizes: number[];
}

export interface NeuronMapArtifacts {
  embedding: "pca" | "umap";
  neurons: NeuronInfo[];
}

/** Standardised profiles, one row per neuron: [width, n]. */
export function neuronProfiles(readout: Float32Array, n: number, width: number): { P: Float64Array; mean: Float64Array; std: Float64Array } {
  const P = new Float64Array(width * n);
  const mean = new Float64Array(width);
  const std = new Float64Array(width);
  for (let j = 0; j < width; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += readout[i * width + j]!;
    const m = s / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (readout[i * width + j]! - m) ** 2;
    const sd = Math.sqrt(v / n);
    mean[j] = m;
    std[j] = sd;
    if (sd > 1e-12) for (let i = 0; i < n; i++) P[j * n + i] = (readout[i * width + j]! - m) / sd;
  }
  return { P, mean, std };
}

/** 2-D PCA coordinates of the rows of P [rows, cols]. */
export function pcaEmbedding(P: Float64Array, rows: number, cols: number, rng: Rng): { coords: Float64Array; explained: number[] } {
  const coords = new Float64Array(rows * 2);
  let total = 0;
  for (let i = 0; i < P.length; i++) total += P[i]! * P[i]!;
  if (rows <= cols) {
    const G = gram(P, rows, cols);
    const top = topEigenvectors(G, rows, 2, rng);
    top.vectors.forEach((u, c) => {
      const s = Math.sqrt(Math.max(0, top.values[c]!));
      for (let j = 0; j < rows; j++) coords[j * 2 + c] = u[j]! * s;
    });
    return { coords, explained: Array.from(top.values, (v) => (total > 0 ? v / total : 0)) };
  }
  const C = gramT(P, rows, cols);
  const top = topEigenvectors(C, cols, 2, rng);
  top.vectors.forEach((v, c) => {
    for (let j = 0; j < rows; j++) coords[j * 2 + c] = dot(P, v, cols, j * cols, 0);
  });
  return { coords, explained: Array.from(top.values, (v) => (total > 0 ? v / total : 0)) };
}

/** k-means++ then Lloyd iterations on the rows of P [rows, cols]; deterministic given rng. */
export function kMeans(P: Float64Array, rows: number, cols: number, k: number, rng: Rng, iterations = 100): Int32Array {
  k = Math.max(1, Math.min(k, rows));
  const centers = new Float64Array(k * cols);
  const dist2 = (i: number, c: number): number => {
    let s = 0;
    for (let t = 0; t < cols; t++) s += (P[i * cols + t]! - centers[c * cols + t]!) ** 2;
    return s;
  };
  const first = rng.int(rows);
  centers.set(P.subarray(first * cols, first * cols + cols), 0);
  const best = new Float64Array(rows).fill(Infinity);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < rows; i++) {
      best[i] = Math.min(best[i]!, dist2(i, c - 1));
      total += best[i]!;
    }
    let pick = rows - 1;
    if (total > 0) {
      let target = rng.next() * total;
      for (let i = 0; i < rows; i++) {
        target -= best[i]!;
        if (target <= 0) {
          pick = i;
          break;
        }
      }
    } else pick = rng.int(rows);
    centers.set(P.subarray(pick * cols, pick * cols + cols), c * cols);
  }
  const assign = new Int32Array(rows).fill(-1);
  for (let it = 0; it < iterations; it++) {
    let changed = false;
    for (let i = 0; i < rows; i++) {
      let bc = 0;
      let bd = Infinity;
      for (let c = 0; c < k; c++) {
        const dd = dist2(i, c);
        if (dd < bd) {
          bd = dd;
          bc = c;
        }
      }
      if (assign[i] !== bc) {
        assign[i] = bc;
        changed = true;
      }
    }
    if (!changed) break;
    const counts = new Int32Array(k);
    centers.fill(0);
    for (let i = 0; i < rows; i++) {
      const c = assign[i]!;
      counts[c]!++;
      for (let t = 0; t < cols; t++) centers[c * cols + t] = centers[c * cols + t]! + P[i * cols + t]!;
    }
    for (let c = 0; c < k; c++) if (counts[c]! > 0) for (let t = 0; t < cols; t++) centers[c * cols + t] = centers[c * cols + t]! / counts[c]!;
  }
  return assign;
}

function snippetOf(text: string, range: readonly [number, number], chars: number): string {
  const [s, e] = range;
  const before = text.slice(Math.max(0, s - chars), s);
  const after = text.slice(e, Math.min(text.length, e + chars));
  return `${s - chars > 0 ? "…" : ""}${before}⟦${text.slice(s, e)}⟧${after}${e + chars < text.length ? "…" : ""}`;
}

export function neuronMap(input: NeuronMapInput, params: NeuronMapParams, seed: number): MethodOutput<NeuronMapMetrics, NeuronMapArtifacts> {
  const { readout, width, texts } = input;
  const n = texts.length;
  const { P, mean, std } = neuronProfiles(readout, n, width);
  let coords: Float64Array;
  let explained: number[] | null = null;
  if (params.embedding === "umap" && width >= 4) {
    const rng = deriveRng(seed, "umap", input.hook);
    const umap = new UMAP({
      nComponents: 2,
      nNeighbors: Math.min(params.umap.nNeighbors, width - 1),
      minDist: params.umap.minDist,
      nEpochs: params.umap.nEpochs,
      random: () => rng.next(),
    });
    const rows: number[][] = [];
    for (let j = 0; j < width; j++) rows.push(Array.from(P.subarray(j * n, j * n + n)));
    const emb = umap.fit(rows);
    coords = new Float64Array(width * 2);
    emb.forEach((p, j) => {
      coords[j * 2] = p[0] ?? 0;
      coords[j * 2 + 1] = p[1] ?? 0;
    });
  } else {
    const pca = pcaEmbedding(P, width, n, deriveRng(seed, "neuron-pca", input.hook));
    coords = pca.coords;
    explained = pca.explained;
  }
  const clusters = kMeans(P, width, n, params.clusters, deriveRng(seed, "kmeans", input.hook));
  const classNames = [...new Set(input.classes)].sort();
  // Top-activating tokens per neuron, over every token of every prompt.
  const K = params.topSnippets;
  const top: Array<Array<{ example: number; token: number; activation: number }>> = Array.from({ length: width }, () => []);
  if (input.tokens) {
    input.tokens.forEach((tok, e) => {
      const T = tok.values.length / tok.width;
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < width; j++) {
          const a = tok.values[t * tok.width + j]!;
          const list = top[j]!;
          if (list.length === K && a <= list[K - 1]!.activation) continue;
          let pos = list.length;
          while (pos > 0 && list[pos - 1]!.activation < a) pos--;
          list.splice(pos, 0, { example: e, token: t, activation: a });
          if (list.length > K) list.pop();
        }
      }
    });
  }
  const neurons: NeuronInfo[] = [];
  const selective: Array<{ neuron: number; cohensD: number }> = [];
  let dead = 0;
  let totalMean = 0;
  for (let j = 0; j < width; j++) {
    const col = Float64Array.from({ length: n }, (_, i) => readout[i * width + j]!);
    const classMeans: Record<string, number> = {};
    for (const c of classNames) {
      let s = 0;
      let cnt = 0;
      input.classes.forEach((cl, i) => {
        if (cl === c) {
          s += col[i]!;
          cnt++;
        }
      });
      classMeans[c] = cnt > 0 ? s / cnt : 0;
    }
    const d = input.y ? cohensD(col, input.y) : null;
    if (d !== null) selective.push({ neuron: j, cohensD: d });
    if (std[j]! <= 1e-12) dead++;
    totalMean += mean[j]!;
    neurons.push({
      index: j,
      x: coords[j * 2]!,
      y: coords[j * 2 + 1]!,
      cluster: clusters[j]!,
      mean: mean[j]!,
      std: std[j]!,
      classMeans,
      cohensD: d,
      top: top[j]!.map((t) => ({ ...t, snippet: snippetOf(texts[t.example]!, input.tokens![t.example]!.offsets[t.token]!, params.snippetChars) })),
    });
  }
  selective.sort((a, b) => Math.abs(b.cohensD) - Math.abs(a.cohensD) || a.neuron - b.neuron);
  const clusterSizes = new Array<number>(Math.max(1, Math.min(params.clusters, width))).fill(0);
  for (const c of clusters) clusterSizes[c] = (clusterSizes[c] ?? 0) + 1;
  return {
    perLayer: [
      {
        hook: input.hook,
        layer: input.layer,
        neurons: width,
        deadNeurons: dead,
        meanActivation: width > 0 ? totalMean / width : 0,
        explained,
        mostSelective: selective.slice(0, 10),
        clusterSizes,
      },
    ],
    artifacts: { embedding: params.embedding, neurons },
  };
}
