import { FACET_COLORS, UNSPECIFIED, UNSPECIFIED_COLOR, type FacetKey } from "../_lib/facets";
import type { TaxonomyNode } from "../_lib/types";
import type { ColorMode } from "./url-state";

/**
 * Colour by one facet, by evidence (how many published experiments exercise the technique), or by
 * reproduction (the share of its experiments' runs whose claims reproduced; see the technique page).
 */
export const EVIDENCE_BUCKETS: ReadonlyArray<{ min: number; label: string; color: string }> = [
  { min: 4, label: "4 or more experiments", color: "#17663A" },
  { min: 2, label: "2–3 experiments", color: "#3FA66A" },
  { min: 1, label: "1 experiment", color: "#8CCB9F" },
  { min: 0, label: "No evidence yet", color: "#B8BEC6" },
];

export function evidenceBucket(count: number) {
  return EVIDENCE_BUCKETS.find((b) => count >= b.min) ?? EVIDENCE_BUCKETS[EVIDENCE_BUCKETS.length - 1]!;
}

/** Reproduction rate buckets, in the verdict badges' colours (reproduced green, partly amber, not reproduced red). */
export const REPRODUCTION_BUCKETS: ReadonlyArray<{ min: number | null; label: string; color: string }> = [
  { min: 0.8, label: "80% or more reproduced", color: "#17663A" },
  { min: 0.5, label: "50–80% reproduced", color: "#C78A00" },
  { min: 0, label: "Under 50% reproduced", color: "#B42318" },
  { min: null, label: "Not checked yet", color: "#B8BEC6" },
];

export function reproductionBucket(rate: number | null) {
  return REPRODUCTION_BUCKETS.find((b) => (rate === null ? b.min === null : b.min !== null && rate >= b.min)) ?? REPRODUCTION_BUCKETS[REPRODUCTION_BUCKETS.length - 1]!;
}

/** "67% over 3 checked runs" / "not checked yet". */
export function reproductionText(node: TaxonomyNode): string {
  if (node.reproduction === null) return "not checked yet";
  return `${Math.round(node.reproduction * 100)}% over ${node.reproductionRuns === 1 ? "1 checked run" : `${node.reproductionRuns} checked runs`}`;
}

export function facetValue(node: TaxonomyNode, facet: FacetKey): string {
  return node[facet] ?? UNSPECIFIED;
}

export function colorFor(node: TaxonomyNode, mode: ColorMode): string {
  if (mode === "evidence") return evidenceBucket(node.evidence).color;
  if (mode === "reproduction") return reproductionBucket(node.reproduction).color;
  const value = node[mode];
  return value === null ? UNSPECIFIED_COLOR : (FACET_COLORS[mode][value] ?? UNSPECIFIED_COLOR);
}

/** Mixes a hex colour with white: a light fill that keeps dark label text readable. */
export function tint(hex: string, amount: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const mix = (c: number) => Math.round(c + (255 - c) * amount);
  const r = mix((n >> 16) & 255);
  const g = mix((n >> 8) & 255);
  const b = mix(n & 255);
  return `rgb(${r}, ${g}, ${b})`;
}
