import type { PairAgreement } from "~/server/services/cross-model/agreement";
import type { ModelCurve } from "~/server/services/cross-model/curves";
import type { XAxis } from "~/server/services/cross-model/url-state";

/** Numbers in tables and summaries: integers as they are, others to 3 decimals. */
export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return "—";
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}

export const depthText = (d: number) => d.toFixed(2);

/** "layer 3 of 5 (depth 0.75)". */
export function layerText(layer: number, nLayers: number, depth: number): string {
  return `layer ${layer} of ${nLayers} (depth ${depthText(depth)})`;
}

/** The chart's text alternative: each model's highest value and where. */
export function curvesSummary(metric: string, curves: readonly ModelCurve[], axis: XAxis): string {
  const parts = curves.map((c) => {
    const best = c.points.reduce((a, b) => (b.value > a.value ? b : a));
    return `${c.model} highest ${fmt(best.value)} at ${layerText(best.layer, c.nLayers, best.depth)}`;
  });
  return `${metric} by ${axis === "depth" ? "relative depth" : "layer"} for ${curves.length} model${curves.length === 1 ? "" : "s"}: ${parts.join("; ")}.`;
}

/** The heatmap's text alternative. */
export function agreementSummary(pair: Extract<PairAgreement, { status: "ok" }>): string {
  return `Correlation of per-example scores between ${pair.a.layers.length} layers of ${pair.a.model} (rows) and ${pair.b.layers.length} layers of ${pair.b.model} (columns) over ${pair.examples} examples; mean best-match correlation ${fmt(pair.summary)}.`;
}
