/** Shapes of the hand-written seed content (techniques and papers of the real field). */

export const APPROACHES = ["observational", "interventional"] as const;
export const DIRECTIONS = ["bottom-up", "top-down"] as const;
export const UNITS = ["neuron", "feature", "direction", "subspace", "circuit", "whole-model"] as const;
export const PAPER_RELATIONS = ["introduces", "applies", "extends", "critiques", "evaluates", "surveys"] as const;

export type Approach = (typeof APPROACHES)[number];
export type Direction = (typeof DIRECTIONS)[number];
export type Unit = (typeof UNITS)[number];
export type PaperRelation = (typeof PAPER_RELATIONS)[number];

export interface SeedTechnique {
  /** URL slug, lowercase kebab-case, unique. */
  slug: string;
  name: string;
  /** One line, own words, no trailing period needed. */
  summary: string;
  /** Markdown; may use $...$ / $$...$$ math (rendered with KaTeX). Own words. */
  description: string;
  aliases: string[];
  /** null where the facet does not apply (e.g. an umbrella category). */
  approach: Approach | null;
  direction: Direction | null;
  unit: Unit | null;
  /** Slugs of "kind of" parents (parent → this child). The whole graph must be a DAG. */
  parents: string[];
  /** Slugs of techniques this one uses as a component. */
  uses?: string[];
  /** Slugs of techniques this one is an alternative to. */
  alternativeTo?: string[];
  /** Slugs of techniques this one (e.g. a benchmark) evaluates. */
  evaluates?: string[];
}

export interface SeedPaperLink {
  technique: string; // technique slug
  relation: PaperRelation;
  note?: string;
}

export interface SeedPaper {
  /** Stable key used only inside the seed (e.g. "meng2022rome"). */
  key: string;
  title: string;
  /** In author order, "First Last". */
  authors: string[];
  year: number;
  /** Venue as published (e.g. "NeurIPS 2022"); null when unsure or preprint only. */
  venue: string | null;
  /** Short summary in our own words (2–4 sentences). */
  abstract: string;
  /** e.g. "2202.05262"; null when unsure. Never guess. */
  arxivId: string | null;
  /** e.g. "10.18653/v1/2021.acl-long.1"; null when unsure. Never guess. */
  doi: string | null;
  url: string | null;
  links: SeedPaperLink[];
}
