import { CLAIMABLE_METRICS, type ClaimMethod } from "../../experiments/claims";

/**
 * The reference level drawn under each claimable metric's curves: chance (0.5) for accuracies and
 * AUROCs — every per-layer method scores a binary contrast — zero for signed effects and
 * similarities, and none where no level means "nothing there" (counts, norms, positions).
 * The type lists every claimable metric, so a new one must be given its baseline here.
 */

export type ClaimMetricName = { [M in ClaimMethod]: `${M}.${Extract<keyof (typeof CLAIMABLE_METRICS)[M], string>}` }[ClaimMethod];

export interface MetricBaseline {
  kind: "chance" | "zero";
  value: number;
  label: string;
}

const CHANCE: MetricBaseline = { kind: "chance", value: 0.5, label: "chance (0.5, a binary contrast)" };
const ZERO: MetricBaseline = { kind: "zero", value: 0, label: "zero" };

export const METRIC_BASELINES = {
  "diffmean.accuracy": CHANCE,
  "diffmean.auroc": CHANCE,
  "diffmean.cohensD": ZERO,
  "diffmean.relativeNorm": null,
  "logistic.accuracy": CHANCE,
  "logistic.auroc": CHANCE,
  "logistic.selectivity": ZERO,
  "logistic.controlAccuracy": CHANCE,
  "dimensionality.components80": null,
  "dimensionality.components90": null,
  "dimensionality.components95": null,
  "dimensionality.participationRatio": null,
  "dimensionality.inlpCount": null,
  "consistency.meanCosine": ZERO,
  "consistency.fractionPositive": null,
  "crossDomain.meanTransferAccuracy": CHANCE,
  "crossDomain.meanCosine": ZERO,
  "crossDomain.meanInDomainAccuracy": CHANCE,
  "steering.slope": ZERO,
  "steering.maxAbsEffect": null,
  "ablation.drop": ZERO,
  "ablation.relativeDrop": null,
  "anchors.axisRelativeNorm": null,
  "anchors.firstAnchorsMean": null,
  "anchors.secondAnchorsMean": null,
} as const satisfies Record<ClaimMetricName, MetricBaseline | null>;

export function isClaimMetricName(name: string): name is ClaimMetricName {
  return Object.hasOwn(METRIC_BASELINES, name);
}

export function metricBaseline(metric: string): MetricBaseline | null {
  return isClaimMetricName(metric) ? METRIC_BASELINES[metric] : null;
}

/** "diffmean.accuracy" → its description in the claims table ("held-out accuracy of the mean-difference classifier"). */
export function metricDescription(metric: string): string {
  const [method, field] = metric.split(".") as [string, string | undefined];
  if (!Object.hasOwn(CLAIMABLE_METRICS, method) || field === undefined) return metric;
  const fields: Record<string, string> = CLAIMABLE_METRICS[method as ClaimMethod];
  return Object.hasOwn(fields, field) ? fields[field]! : metric;
}
