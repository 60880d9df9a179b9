/**
 * Greedy decoding over any "next-token logits" function: the reference model (incremental, with
 * its KV cache) or a hosted ONNX model (re-running the whole prefix each step).
 */
import type { HostedModel } from "../types";
import { ReferenceModel } from "./model";

/** Logits for the token that follows `ids`. */
export type NextLogits = (ids: number[]) => Promise<Float32Array> | Float32Array;

export interface GreedyOptions {
  maxNewTokens: number;
  /** Stop after emitting one of these ids (it is included in the result). */
  stopIds?: number[];
}

/** First index of the maximum (ties → lowest id, as llama2.c's argmax). */
export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Returns prompt + greedily generated ids. */
export async function greedyDecode(next: NextLogits, prompt: number[], options: GreedyOptions): Promise<number[]> {
  if (prompt.length === 0) throw new Error("greedyDecode needs a non-empty prompt (include BOS)");
  const ids = [...prompt];
  const stop = new Set(options.stopIds ?? []);
  for (let i = 0; i < options.maxNewTokens; i++) {
    const id = argmax(await next(ids));
    ids.push(id);
    if (stop.has(id)) break;
  }
  return ids;
}

/** Incremental next-logits over a reference model: feeds only tokens it has not seen yet. */
export function referenceNextLogits(model: ReferenceModel): NextLogits {
  let fed: number[] = [];
  return (ids) => {
    const extends_ = fed.length < ids.length && fed.every((id, i) => ids[i] === id);
    if (!extends_) {
      model.reset();
      fed = [];
    }
    let logits: Float32Array | null = null;
    for (let i = fed.length; i < ids.length; i++) logits = model.step(ids[i]!);
    fed = [...ids];
    if (!logits) throw new Error("referenceNextLogits: no new tokens");
    return logits.slice();
  };
}

/** Next-logits through a hosted (ONNX) model: one full forward of the prefix per step. */
export function hostedNextLogits(model: HostedModel): NextLogits {
  const V = model.config.vocabSize;
  return async (ids) => {
    const result = await model.forward({ inputIds: [ids], taps: [], logits: true });
    const all = result.logits?.[0];
    if (!all) throw new Error("hosted model returned no logits");
    return all.slice((ids.length - 1) * V, ids.length * V);
  };
}
