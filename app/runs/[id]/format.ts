import type { AnchorPositions, CosineHeatmap, LayerChart, NeuronScatter, SteeringCurves } from "~/server/services/runs/chart-data";

/** Numbers in tables and summaries: integers as they are, others to 3 decimals. */
export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return "—";
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}

export const METHOD_LABELS: Record<string, string> = {
  diffmean: "Difference of means",
  logistic: "Logistic probe",
  dimensionality: "Dimensionality (PCA and INLP)",
  consistency: "Depth consistency",
  crossDomain: "Cross-domain transfer",
  steering: "Steering",
  ablation: "Ablation",
  anchors: "Concept anchors",
  neuronMap: "Neuron map",
  steeredGeneration: "Steered generation",
  activationPatching: "Activation patching",
  logitLens: "Logit lens",
  attentionPatterns: "Attention patterns",
};

/** The text alternative of a per-layer chart: each metric series' peak. */
export function lineSummary(chart: LayerChart): string {
  const series = [...new Set(chart.points.map((p) => p.series))];
  const parts = series.map((s) => {
    const pts = chart.points.filter((p) => p.series === s);
    const best = pts.reduce((a, b) => (b.value > a.value ? b : a));
    return `${s} highest ${fmt(best.value)} at layer ${best.layer} (relative depth ${best.depth.toFixed(2)})`;
  });
  return `${chart.title}: ${parts.join("; ")}${chart.baselines.length ? `; reference ${chart.baselines.map((b) => b.label).join(", ")}` : ""}.`;
}

export function steeringSummary(c: SteeringCurves): string {
  const layers = [...new Set(c.points.map((p) => p.layer))];
  const biggest = c.points.reduce((a, b) => (Math.abs(b.effect) > Math.abs(a.effect) ? b : a));
  return `Steering effect against α for ${layers.length} layer${layers.length === 1 ? "" : "s"}; the largest effect is ${fmt(biggest.effect)} at layer ${biggest.layer}, α = ${biggest.alpha}.`;
}

export function anchorsSummary(a: AnchorPositions): string {
  const layers = [...new Set(a.points.map((p) => p.layer))];
  const queries = [...new Set(a.points.map((p) => p.query))];
  return `Positions of ${queries.length} queries between "${a.firstName}" (0) and "${a.secondName}" (1) at ${layers.length} layer${layers.length === 1 ? "" : "s"}.`;
}

export function heatmapSummary(h: CosineHeatmap): string {
  let low = { v: Infinity, i: 0, j: 0 };
  h.cosines.forEach((row, i) => row.forEach((v, j) => {
    if (i !== j && v < low.v) low = { v, i, j };
  }));
  const lowText = Number.isFinite(low.v) ? `; the least similar pair is layers ${h.layers[low.i]} and ${h.layers[low.j]} (cosine ${fmt(low.v)})` : "";
  return `Cosines between the mean-difference directions of ${h.layers.length} layers${lowText}.`;
}

export function neuronSummary(m: NeuronScatter): string {
  const clusters = new Set(m.points.map((p) => p.cluster)).size;
  return `${m.points.length} neurons${m.layer !== null ? ` of layer ${m.layer}` : ""} placed by ${m.embedding.toUpperCase()} in ${clusters} cluster${clusters === 1 ? "" : "s"}.`;
}
