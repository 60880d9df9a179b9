import { z } from "zod";

/**
 * A run's headline number from its stored metrics: the best layer of the first metric present in
 * this order (diffmean accuracy first, as the issue asks). Metrics are JSON, so they are read
 * through a schema and anything unexpected gives no headline rather than an error.
 */
const metricsSchema = z.object({
  methods: z.array(z.object({ method: z.string(), perLayer: z.array(z.record(z.string(), z.unknown())) })),
});

const HEADLINES: ReadonlyArray<{ method: string; field: string; best: "max" | "min" }> = [
  { method: "diffmean", field: "accuracy", best: "max" },
  { method: "logistic", field: "accuracy", best: "max" },
  { method: "consistency", field: "meanCosine", best: "max" },
  { method: "dimensionality", field: "inlpCount", best: "max" },
  { method: "crossDomain", field: "meanTransferAccuracy", best: "max" },
  { method: "steering", field: "maxAbsEffect", best: "max" },
  { method: "ablation", field: "drop", best: "max" },
  { method: "anchors", field: "axisRelativeNorm", best: "max" },
];

export function headlineMetric(metrics: unknown): string | null {
  const parsed = metricsSchema.safeParse(metrics);
  if (!parsed.success) return null;
  for (const h of HEADLINES) {
    const method = parsed.data.methods.find((m) => m.method === h.method);
    if (!method) continue;
    let best: { value: number; layer: unknown } | null = null;
    for (const row of method.perLayer) {
      const v = row[h.field];
      if (typeof v !== "number" || !Number.isFinite(v)) continue;
      if (!best || (h.best === "max" ? v > best.value : v < best.value)) best = { value: v, layer: row.layer };
    }
    if (best) return `${h.method}.${h.field} ${Number.isInteger(best.value) ? best.value : best.value.toFixed(3)}${typeof best.layer === "number" ? ` at layer ${best.layer}` : ""}`;
  }
  return null;
}
