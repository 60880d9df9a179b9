import { z } from "zod";
import { multiLine } from "../validation/text";

/**
 * Structured claims: what an experiment's author says the runs will show, in a form a machine can
 * check against each run ("diffmean.accuracy ≥ 0.9 at relative depth 0.6–0.8 on any model").
 * Each metric is a numeric per-layer field of one method's output (workers/probes/methods/*).
 */
export const CLAIMABLE_METRICS = {
  diffmean: { accuracy: "held-out accuracy of the mean-difference classifier", auroc: "AUROC", cohensD: "Cohen's d of the projections", relativeNorm: "|μ₊ − μ₋| / RMS activation norm" },
  logistic: { accuracy: "held-out accuracy", auroc: "AUROC", selectivity: "accuracy − control-task accuracy", controlAccuracy: "control-task accuracy" },
  dimensionality: {
    components80: "PCA components for 80% of variance",
    components90: "PCA components for 90% of variance",
    components95: "PCA components for 95% of variance",
    participationRatio: "participation ratio",
    inlpCount: "INLP directions removed before chance",
  },
  consistency: { meanCosine: "mean cos(pair difference, mean difference)", fractionPositive: "fraction of pairs with positive cosine" },
  crossDomain: { meanTransferAccuracy: "mean accuracy when trained on one domain and tested on another", meanCosine: "mean cosine between domains' directions", meanInDomainAccuracy: "mean in-domain accuracy" },
  steering: { slope: "effect per unit α", maxAbsEffect: "largest |effect|" },
  ablation: { drop: "drop of the metric after ablating the direction", relativeDrop: "drop / |baseline|" },
  anchors: { axisRelativeNorm: "|μ₂ − μ₁| / RMS norm", firstAnchorsMean: "mean position of the first anchors", secondAnchorsMean: "mean position of the second anchors" },
} as const satisfies Record<string, Record<string, string>>;

export type ClaimMethod = keyof typeof CLAIMABLE_METRICS;

/** "diffmean.accuracy" etc. */
export const CLAIM_METRIC_NAMES: string[] = Object.entries(CLAIMABLE_METRICS).flatMap(([method, fields]) => Object.keys(fields).map((f) => `${method}.${f}`));

const metricSchema = z.string().refine((m) => CLAIM_METRIC_NAMES.includes(m), {
  message: `Choose a metric such as diffmean.accuracy, dimensionality.inlpCount or consistency.meanCosine.`,
});

const depth = z.number().min(0, "Relative depth runs from 0 (first block) to 1 (last block).").max(1, "Relative depth runs from 0 (first block) to 1 (last block).");

/** Where on the model the claim holds: one layer, a range of relative depth, or the peak layer. */
export const claimWhereSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("layer"), layer: z.number().int().min(0).max(1023) }),
  z
    .strictObject({ kind: z.literal("relativeDepth"), from: depth, to: depth })
    .refine((w) => w.from <= w.to, { message: "The range must start at or before where it ends.", path: ["to"] }),
  z.strictObject({ kind: z.literal("peak") }),
]);

export const CLAIM_COMPARISONS = ["gte", "lte", "approx", "peaksAt"] as const;

export const claimSchema = z
  .strictObject({
    metric: metricSchema,
    /** A hosted model's name, or "any". */
    model: z.string().trim().min(1).max(200).default("any"),
    where: claimWhereSchema,
    comparison: z.enum(CLAIM_COMPARISONS),
    /** The claimed value; for "peaksAt", the claimed relative depth (0–1) of the peak. */
    value: z.number().finite(),
    /** Allowed distance for "approx" (and for "peaksAt", in relative depth). */
    tolerance: z.number().finite().min(0).max(1000).optional(),
    note: multiLine({ max: 1000, label: "The note" }).default(""),
  })
  .refine((c) => (c.comparison === "approx" || c.comparison === "peaksAt" ? c.tolerance !== undefined : true), {
    message: "Give a tolerance for ≈ and “peaks at” claims.",
    path: ["tolerance"],
  })
  .refine((c) => (c.comparison === "peaksAt" ? c.value >= 0 && c.value <= 1 : true), {
    message: "A peak is claimed at a relative depth between 0 and 1.",
    path: ["value"],
  });

export type Claim = z.output<typeof claimSchema>;

export const claimsSchema = z.array(claimSchema).max(20, "At most 20 claims per experiment.");

/** A short human reading of a claim, e.g. "diffmean.accuracy ≥ 0.9 at relative depth 0.6–0.8 (any model)". */
export function describeClaim(c: Claim): string {
  const where = c.where.kind === "layer" ? `at layer ${c.where.layer}` : c.where.kind === "relativeDepth" ? `at relative depth ${c.where.from}–${c.where.to}` : "at its peak layer";
  const op = c.comparison === "gte" ? `≥ ${c.value}` : c.comparison === "lte" ? `≤ ${c.value}` : c.comparison === "approx" ? `≈ ${c.value} ± ${c.tolerance ?? 0}` : `peaks at relative depth ${c.value} ± ${c.tolerance ?? 0}`;
  return c.comparison === "peaksAt" ? `${c.metric} ${op} (${c.model === "any" ? "any model" : c.model})` : `${c.metric} ${op} ${where} (${c.model === "any" ? "any model" : c.model})`;
}
