/**
 * anchors: place query prompts on the axis between two anchor sets, per layer.
 * t(q) = (q − μ₁)·(μ₂ − μ₁) / |μ₂ − μ₁|²  (0 = first anchor mean, 1 = second), and the distance
 * off the axis in the same units. The anchors themselves are placed leave-one-out as a check.
 */
import type { AnchorsParams } from "../../../server/probes/spec";
import { rowMean } from "../linalg/vector";
import type { MethodOutput } from "../types";

export interface AnchorLayerInput {
  hook: string;
  layer: number;
  d: number;
  first: Float32Array;
  second: Float32Array;
  queries: Float32Array;
}

export interface AnchorsMetrics {
  /** |μ₂ − μ₁| / RMS norm of the anchors. */
  axisRelativeNorm: number;
  /** Mean leave-one-out position of the first and second anchor sets (ideal 0 and 1). */
  firstAnchorsMean: number;
  secondAnchorsMean: number;
  positions: number[];
  offAxis: number[];
}

export interface AnchorsArtifacts {
  firstName: string;
  secondName: string;
  queries: Array<{ text: string; label: string | null }>;
}

function place(v: Float32Array, o: number, d: number, origin: Float64Array, axis: Float64Array, axis2: number): { t: number; off: number } {
  let num = 0;
  for (let k = 0; k < d; k++) num += (v[o + k]! - origin[k]!) * axis[k]!;
  const t = axis2 > 0 ? num / axis2 : 0;
  let off2 = 0;
  for (let k = 0; k < d; k++) off2 += (v[o + k]! - origin[k]! - t * axis[k]!) ** 2;
  return { t, off: axis2 > 0 ? Math.sqrt(off2 / axis2) : 0 };
}

export function anchorsLayer(input: AnchorLayerInput): AnchorsMetrics {
  const { d, first, second, queries } = input;
  const nA = first.length / d;
  const nB = second.length / d;
  const nQ = queries.length / d;
  const mA = rowMean(first, d, Int32Array.from({ length: nA }, (_, i) => i));
  const mB = rowMean(second, d, Int32Array.from({ length: nB }, (_, i) => i));
  const axis = Float64Array.from(mB, (b, k) => b - mA[k]!);
  let axis2 = 0;
  for (let k = 0; k < d; k++) axis2 += axis[k]! ** 2;
  const positions: number[] = [];
  const offAxis: number[] = [];
  for (let q = 0; q < nQ; q++) {
    const p = place(queries, q * d, d, mA, axis, axis2);
    positions.push(p.t);
    offAxis.push(p.off);
  }
  // Leave-one-out placement of each anchor: recompute its own set's mean without it.
  const loo = (set: Float32Array, count: number, own: Float64Array, other: Float64Array, ownIsFirst: boolean): number => {
    if (count < 2) return ownIsFirst ? 0 : 1;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const m = Float64Array.from(own, (v, k) => (v * count - set[i * d + k]!) / (count - 1));
      const origin = ownIsFirst ? m : other;
      const ax = ownIsFirst ? Float64Array.from(other, (v, k) => v - m[k]!) : Float64Array.from(m, (v, k) => v - other[k]!);
      let a2 = 0;
      for (let k = 0; k < d; k++) a2 += ax[k]! ** 2;
      total += place(set, i * d, d, origin, ax, a2).t;
    }
    return total / count;
  };
  let rms = 0;
  for (const arr of [first, second]) for (let i = 0; i < arr.length; i++) rms += arr[i]! ** 2;
  rms = Math.sqrt(rms / Math.max(1, nA + nB));
  return {
    axisRelativeNorm: rms > 0 ? Math.sqrt(axis2) / rms : 0,
    firstAnchorsMean: loo(first, nA, mA, mB, true),
    secondAnchorsMean: loo(second, nB, mB, mA, false),
    positions,
    offAxis,
  };
}

export function anchors(layers: Iterable<AnchorLayerInput>, params: AnchorsParams): MethodOutput<AnchorsMetrics, AnchorsArtifacts> {
  const perLayer: MethodOutput<AnchorsMetrics, unknown>["perLayer"] = [];
  for (const input of layers) perLayer.push({ hook: input.hook, layer: input.layer, ...anchorsLayer(input) });
  return {
    perLayer,
    artifacts: { firstName: params.first.name, secondName: params.second.name, queries: params.queries.map((q) => ({ text: q.text, label: q.label ?? null })) },
  };
}
