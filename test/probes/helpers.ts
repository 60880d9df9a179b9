import { LayerView } from "../../workers/probes/layer-view";
import { createRng } from "../../workers/probes/stats/rng";
import { type SplitConfig, makeFolds } from "../../workers/probes/stats/splits";
import type { BinaryData, LayerContext } from "../../workers/probes/types";

/** Binary data for interleaved pairs (positive, negative, ...), optionally with domains per pair. */
export function pairData(pairs: number, domains?: (p: number) => string): BinaryData {
  const n = 2 * pairs;
  return {
    n,
    y: Uint8Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0)),
    groups: Int32Array.from({ length: n }, (_, i) => i >> 1),
    domains: Array.from({ length: n }, (_, i) => (domains ? domains(i >> 1) : null)),
    pairs: { pos: Int32Array.from({ length: pairs }, (_, i) => 2 * i), neg: Int32Array.from({ length: pairs }, (_, i) => 2 * i + 1) },
    texts: Array.from({ length: n }, (_, i) => `p${i >> 1}${i % 2 === 0 ? "+" : "-"}`),
  };
}

export function labelledData(y: Uint8Array): BinaryData {
  return {
    n: y.length,
    y,
    groups: Int32Array.from({ length: y.length }, (_, i) => i),
    domains: Array.from({ length: y.length }, () => null),
    pairs: null,
    texts: Array.from({ length: y.length }, (_, i) => `x${i}`),
  };
}

export function layerContext(X: Float32Array, d: number, data: BinaryData, split: SplitConfig = { kind: "kfold", k: 5 }, seed = 1, layer = 0): LayerContext {
  const view = new LayerView(`blocks.${layer}.hook_resid_post`, layer, X, data.n, d);
  return { view, data, folds: makeFolds(data.groups, data.y, split, createRng(seed)), seed };
}
