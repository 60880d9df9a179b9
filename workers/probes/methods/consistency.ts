/**
 * consistency: per layer, how well each pair's own difference agrees with the mean difference —
 * mean and variance of cos(dᵢ, mean difference), by default leave-one-out (the mean of the other
 * differences, so a difference never agrees with itself) — and across layers, the layer × layer
 * cosine matrix of the mean-difference directions (one matrix per hook).
 */
import type { ConsistencyParams } from "../../../server/probes/spec";
import { dot } from "../linalg/vector";
import type { LayerContext, MethodOutput } from "../types";
import { differences, unitF32 } from "./common";

export interface ConsistencyMetrics {
  meanCosine: number;
  varianceCosine: number;
  /** Fraction of differences with a positive cosine. */
  fractionPositive: number;
  differences: number;
}

export interface ConsistencyArtifacts {
  /** Per hook: layers and the cosine matrix of the unit mean-difference directions, row-major. */
  matrices: Array<{ hook: string; layers: number[]; cosines: number[][] }>;
}

export function consistencyLayer(ctx: LayerContext, params: ConsistencyParams): { metrics: ConsistencyMetrics; direction: Float32Array } {
  const basis = ctx.view.basis();
  const { r } = basis;
  const { D, m } = differences(basis, ctx.data.y, ctx.data.pairs, ctx.data.n);
  const S = new Float64Array(r);
  for (let i = 0; i < m; i++) for (let k = 0; k < r; k++) S[k] = S[k]! + D[i * r + k]!;
  const SS = dot(S, S);
  const cos: number[] = [];
  for (let i = 0; i < m; i++) {
    const a = dot(D, S, r, i * r, 0);
    const dd = dot(D, D, r, i * r, i * r);
    let num: number;
    let den2: number;
    if (params.leaveOneOut && m > 1) {
      num = a - dd;
      den2 = SS - 2 * a + dd;
    } else {
      num = a;
      den2 = SS;
    }
    const den = Math.sqrt(Math.max(0, dd)) * Math.sqrt(Math.max(0, den2));
    cos.push(den > 0 ? num / den : 0);
  }
  let mean = 0;
  for (const c of cos) mean += c;
  mean = m > 0 ? mean / m : 0;
  let v = 0;
  let pos = 0;
  for (const c of cos) {
    v += (c - mean) ** 2;
    if (c > 0) pos++;
  }
  return {
    metrics: { meanCosine: mean, varianceCosine: m > 0 ? v / m : 0, fractionPositive: m > 0 ? pos / m : 0, differences: m },
    direction: unitF32(basis.toModelSpace(S)),
  };
}

/** Cosine matrices across layers from per-layer unit directions (same width within a hook). */
export function layerCosineMatrices(directions: Array<{ hook: string; layer: number; direction: Float32Array }>): ConsistencyArtifacts {
  const hooks = [...new Set(directions.map((d) => d.hook.replace(/^blocks\.\d+\./, "blocks.{L}.")))];
  const matrices: ConsistencyArtifacts["matrices"] = [];
  for (const h of hooks) {
    const rows = directions.filter((d) => d.hook.replace(/^blocks\.\d+\./, "blocks.{L}.") === h).sort((a, b) => a.layer - b.layer);
    const cosines = rows.map((a) => rows.map((b) => (a.direction.length === b.direction.length ? dot(a.direction, b.direction) : 0)));
    matrices.push({ hook: h, layers: rows.map((x) => x.layer), cosines });
  }
  return { matrices };
}

export function consistency(layers: Iterable<LayerContext>, params: ConsistencyParams): MethodOutput<ConsistencyMetrics, ConsistencyArtifacts> {
  const perLayer: MethodOutput<ConsistencyMetrics, unknown>["perLayer"] = [];
  const dirs: Array<{ hook: string; layer: number; direction: Float32Array }> = [];
  for (const ctx of layers) {
    const { metrics, direction } = consistencyLayer(ctx, params);
    perLayer.push({ hook: ctx.view.hook, layer: ctx.view.layer, ...metrics });
    dirs.push({ hook: ctx.view.hook, layer: ctx.view.layer, direction });
  }
  return { perLayer, artifacts: layerCosineMatrices(dirs) };
}
