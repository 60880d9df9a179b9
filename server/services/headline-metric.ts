import { z } from "zod";
import { CLAIMABLE_METRICS, type ClaimMethod } from "../experiments/claims";

/**
 * A run's headline number: the best-layer (largest) value of the first claimable metric its
 * metrics hold, in the spec's method order (e.g. max diffmean.accuracy over layers). Null when the
 * run has no per-layer number (or no metrics yet).
 */
export interface HeadlineMetric {
  metric: string;
  value: number;
  layer: number | null;
  hook: string | null;
}

const methodsSchema = z.array(z.object({ method: z.string(), perLayer: z.array(z.record(z.string(), z.unknown())).catch([]) }).passthrough());

const isClaimMethod = (m: string): m is ClaimMethod => Object.hasOwn(CLAIMABLE_METRICS, m);

export function headlineMetric(methods: unknown): HeadlineMetric | null {
  const parsed = methodsSchema.safeParse(methods);
  if (!parsed.success) return null;
  for (const { method, perLayer } of parsed.data) {
    if (!isClaimMethod(method)) continue;
    for (const field of Object.keys(CLAIMABLE_METRICS[method])) {
      let best: HeadlineMetric | null = null;
      for (const row of perLayer) {
        const value = row[field];
        if (typeof value !== "number" || !Number.isFinite(value)) continue;
        if (best === null || value > best.value) {
          best = { metric: `${method}.${field}`, value, layer: typeof row.layer === "number" ? row.layer : null, hook: typeof row.hook === "string" ? row.hook : null };
        }
      }
      if (best) return best;
    }
  }
  return null;
}
