/**
 * The canonical tensor names and shapes of types.ts for a given ModelConfig, and the checks every
 * loader runs before reading payloads: each expected tensor present with its exact shape, nothing
 * unexpected. Errors name the tensor (and its name in the source file), the expected and actual shape.
 */
import type { ModelConfig } from "../types";
import { DamagedWeightsError, ModelFormatError } from "./errors";

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Expected canonical name -> shape for a config. */
export function expectedTensorShapes(config: ModelConfig): Map<string, number[]> {
  const { dModel: d, dFfn: ffn, vocabSize: vocab, headDim } = config;
  const qDim = config.nHeads * headDim;
  const kvDim = config.nKvHeads * headDim;
  const isGpt2 = config.architecture === "gpt2";
  const m = new Map<string, number[]>();
  m.set("token_embd.weight", [vocab, d]);
  if (isGpt2) m.set("position_embd.weight", [config.contextLength, d]);
  for (let l = 0; l < config.nLayers; l++) {
    const b = `blk.${l}`;
    m.set(`${b}.attn_norm.weight`, [d]);
    if (isGpt2) m.set(`${b}.attn_norm.bias`, [d]);
    m.set(`${b}.attn_q.weight`, [qDim, d]);
    m.set(`${b}.attn_k.weight`, [kvDim, d]);
    m.set(`${b}.attn_v.weight`, [kvDim, d]);
    if (config.attentionBias) {
      m.set(`${b}.attn_q.bias`, [qDim]);
      m.set(`${b}.attn_k.bias`, [kvDim]);
      m.set(`${b}.attn_v.bias`, [kvDim]);
    }
    if (config.qkNorm) {
      m.set(`${b}.attn_q_norm.weight`, [headDim]);
      m.set(`${b}.attn_k_norm.weight`, [headDim]);
    }
    m.set(`${b}.attn_output.weight`, [d, qDim]);
    if (isGpt2) m.set(`${b}.attn_output.bias`, [d]);
    m.set(`${b}.ffn_norm.weight`, [d]);
    if (isGpt2) {
      m.set(`${b}.ffn_norm.bias`, [d]);
      m.set(`${b}.ffn_up.weight`, [ffn, d]);
      m.set(`${b}.ffn_up.bias`, [ffn]);
      m.set(`${b}.ffn_down.weight`, [d, ffn]);
      m.set(`${b}.ffn_down.bias`, [d]);
    } else {
      m.set(`${b}.ffn_gate.weight`, [ffn, d]);
      m.set(`${b}.ffn_up.weight`, [ffn, d]);
      m.set(`${b}.ffn_down.weight`, [d, ffn]);
    }
  }
  m.set("output_norm.weight", [d]);
  if (isGpt2) m.set("output_norm.bias", [d]);
  if (!config.tiedEmbeddings) m.set("output.weight", [vocab, d]);
  return m;
}

/** A tensor a loader can produce: canonical shape known up front, payload read on demand. */
export interface PlannedTensor {
  /** Canonical name. */
  name: string;
  /** Name in the source file, for messages (may equal `name`). */
  source: string;
  shape: number[];
  load: () => Float32Array;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function label(t: Pick<PlannedTensor, "name" | "source">): string {
  return t.source === t.name ? t.name : `${t.source} (${t.name})`;
}

/** Refuses a plan with a missing, misshapen or unexpected tensor, before any payload is read. */
export function validatePlan(config: ModelConfig, plan: readonly PlannedTensor[], fileLabel: string): void {
  const expected = expectedTensorShapes(config);
  const byName = new Map(plan.map((t) => [t.name, t]));
  for (const [name, shape] of expected) {
    const t = byName.get(name);
    if (!t) throw new ModelFormatError(`${fileLabel}: missing tensor ${name} (expected shape ${shapeString(shape)})`);
    if (!sameShape(t.shape, shape)) {
      throw new ModelFormatError(`${fileLabel}: tensor ${label(t)} has shape ${shapeString(t.shape)}, expected ${shapeString(shape)}`);
    }
  }
  for (const t of plan) {
    if (!expected.has(t.name)) throw new ModelFormatError(`${fileLabel}: unexpected tensor ${label(t)} for a ${config.architecture} model with this config`);
  }
}

/** How many values are NaN or ±Infinity (x - x is NaN exactly for those). */
export function countNonFinite(data: Float32Array): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const x = data[i] ?? 0;
    if (x - x !== 0) n++;
  }
  return n;
}

/**
 * Refuses a tensor holding NaN or Infinity: no trained weight is, so the bytes were damaged (after
 * dequantisation, so an F16/BF16 value or a Q8_0 block scale of inf/NaN is caught too).
 */
export function assertFinite(t: Pick<PlannedTensor, "name" | "source">, data: Float32Array, fileLabel: string): void {
  const n = countNonFinite(data);
  if (n === 0) return;
  throw new DamagedWeightsError(
    `${fileLabel}: ${label(t)} has ${n.toLocaleString("en-US")} non-finite value${n === 1 ? "" : "s"} (NaN or Infinity); the file is damaged`,
  );
}

/** Reads every planned tensor (after validatePlan), refusing non-finite values. */
export function materialise(plan: readonly PlannedTensor[], fileLabel: string): Map<string, { shape: number[]; data: Float32Array }> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const t of plan) {
    const data = t.load();
    assertFinite(t, data, fileLabel);
    out.set(t.name, { shape: t.shape, data });
  }
  return out;
}

/** Reads each planned tensor once, without keeping it, and refuses non-finite values. */
export function checkPlanValues(plan: readonly PlannedTensor[], fileLabel: string): void {
  for (const t of plan) assertFinite(t, t.load(), fileLabel);
}

/** Number of parameters (elements), counting a tied embedding once. */
export function parameterCount(tensors: ReadonlyMap<string, { shape: number[] }>): number {
  let n = 0;
  for (const t of tensors.values()) n += t.shape.reduce((a, b) => a * b, 1);
  return n;
}
