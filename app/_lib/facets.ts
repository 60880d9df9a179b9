import { paperLinkSchema } from "~/server/services/paper-input";
import { techniqueChangesSchema } from "~/server/services/technique-input";
import type { RelationKind } from "./types";

// Facet values come from the same zod schemas the API validates with, so they never drift.
export const APPROACHES = techniqueChangesSchema.shape.approach.unwrap().unwrap().options;
export const DIRECTIONS = techniqueChangesSchema.shape.direction.unwrap().unwrap().options;
export const UNITS = techniqueChangesSchema.shape.unit.unwrap().unwrap().options;
export const PAPER_RELATIONS = paperLinkSchema.shape.relation.options;

export type Approach = (typeof APPROACHES)[number];
export type Direction = (typeof DIRECTIONS)[number];
export type Unit = (typeof UNITS)[number];
export type PaperRelation = (typeof PAPER_RELATIONS)[number];

export type FacetKey = "approach" | "direction" | "unit";

export const FACETS: ReadonlyArray<{ key: FacetKey; label: string; values: readonly string[] }> = [
  { key: "approach", label: "Approach", values: APPROACHES },
  { key: "direction", label: "Direction", values: DIRECTIONS },
  { key: "unit", label: "Unit of analysis", values: UNITS },
];

/** Colour-blind-friendly palette (Okabe–Ito), one colour per facet value; grey for "not specified". */
export const FACET_COLORS: Record<FacetKey, Record<string, string>> = {
  approach: { observational: "#0072B2", interventional: "#D55E00" },
  direction: { "bottom-up": "#009E73", "top-down": "#CC79A7" },
  unit: {
    neuron: "#E69F00",
    feature: "#56B4E9",
    direction: "#009E73",
    subspace: "#7B61C9",
    circuit: "#D55E00",
    "whole-model": "#0072B2",
  },
};
export const UNSPECIFIED_COLOR = "#9AA3AE";
export const UNSPECIFIED = "unspecified";

export function facetLabel(value: string | null): string {
  if (value === null || value === UNSPECIFIED) return "not specified";
  return value.replace(/-/g, " ");
}

export const RELATION_LABELS: Record<RelationKind, { outgoing: string; incoming: string }> = {
  kind_of: { outgoing: "has kind", incoming: "is a kind of" },
  uses: { outgoing: "uses", incoming: "is used by" },
  alternative_to: { outgoing: "is an alternative to", incoming: "has alternative" },
  evaluates: { outgoing: "evaluates", incoming: "is evaluated by" },
  refines: { outgoing: "refines", incoming: "is refined by" },
};

export const PAPER_RELATION_LABELS: Record<PaperRelation, string> = {
  introduces: "Introduces",
  applies: "Applies",
  extends: "Extends",
  critiques: "Critiques",
  evaluates: "Evaluates",
  surveys: "Surveys",
};
