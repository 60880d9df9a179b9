/** Shared types of the probe engine. */
import type { LayerView } from "./layer-view";
import type { Fold } from "./stats/splits";

/** The binary contrast the per-layer methods work on: rows of every layer's activations. */
export interface BinaryData {
  n: number;
  /** 1 = positive class, 0 = negative class. */
  y: Uint8Array;
  /** Pair index (both members of a pair share it) or the example's own index. */
  groups: Int32Array;
  domains: Array<string | null>;
  /** Row indices of each pair's positive and negative member, when the data are contrastive pairs. */
  pairs: { pos: Int32Array; neg: Int32Array } | null;
  texts: string[];
}

export interface LayerContext {
  view: LayerView;
  data: BinaryData;
  folds: Fold[];
  seed: number;
}

export interface LayerKey {
  hook: string;
  layer: number;
}

export type PerLayer<M> = Array<LayerKey & M>;

export interface MethodOutput<M, A> {
  perLayer: PerLayer<M>;
  artifacts: A;
}

/** A refusal the researcher can act on (bad input, a prompt too long, NaN activations...). */
export class ProbeInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProbeInputError";
  }
}
