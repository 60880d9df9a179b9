/**
 * Structural checks for the hand-written seed content.
 *
 * `validateSeedData` is a pure function: it never throws, never logs and never touches the
 * file system. It returns a list of human-readable problems; an empty list means the data is
 * consistent.
 */
import { CAUSAL_METHODS, METHOD_TECHNIQUE_SLUGS, parseProbeSpec } from "../../../server/probes/spec";
import { APPROACHES, DIRECTIONS, PAPER_RELATIONS, UNITS } from "./types";
import type { SeedPaper, SeedTechnique } from "./types";

const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const ARXIV_RE = /^\d{4}\.\d{4,5}$/;
const DOI_RE = /^10\.\d{4,9}\/\S+$/;

function isBlank(value: unknown): boolean {
  return typeof value !== "string" || value.trim().length === 0;
}

function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) dup.add(v);
    else seen.add(v);
  }
  return [...dup];
}

/** Finds every cycle-closing edge in the "kind of" graph (child -> parent). */
function findParentCycles(techniques: SeedTechnique[], known: Set<string>): string[][] {
  const parentsOf = new Map<string, string[]>();
  for (const t of techniques) {
    parentsOf.set(
      t.slug,
      (t.parents ?? []).filter((p) => known.has(p)),
    );
  }
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const colour = new Map<string, number>();
  const cycles: string[][] = [];
  const stack: string[] = [];

  const visit = (slug: string): void => {
    colour.set(slug, GREY);
    stack.push(slug);
    for (const parent of parentsOf.get(slug) ?? []) {
      const c = colour.get(parent) ?? WHITE;
      if (c === GREY) {
        const start = stack.indexOf(parent);
        cycles.push([...stack.slice(start), parent]);
      } else if (c === WHITE) {
        visit(parent);
      }
    }
    stack.pop();
    colour.set(slug, BLACK);
  };

  for (const slug of parentsOf.keys()) {
    if ((colour.get(slug) ?? WHITE) === WHITE) visit(slug);
  }
  return cycles;
}

export function validateSeedData(techniques: SeedTechnique[], papers: SeedPaper[]): string[] {
  const problems: string[] = [];

  // ---- techniques -------------------------------------------------------------------------
  const slugs = techniques.map((t) => t.slug);
  const known = new Set(slugs);
  for (const d of duplicates(slugs)) problems.push(`duplicate technique slug "${d}"`);

  const hasChildren = new Set<string>();
  for (const t of techniques) for (const p of t.parents ?? []) hasChildren.add(p);

  const relationFields = ["parents", "uses", "alternativeTo", "evaluates"] as const;

  for (const t of techniques) {
    const where = `technique "${t.slug}"`;
    if (!SLUG_RE.test(t.slug ?? "")) problems.push(`${where}: slug is not lowercase kebab-case`);
    if (isBlank(t.name)) problems.push(`${where}: empty name`);
    if (isBlank(t.summary)) problems.push(`${where}: empty summary`);
    if (isBlank(t.description)) problems.push(`${where}: empty description`);
    if (!Array.isArray(t.aliases)) problems.push(`${where}: aliases must be an array`);
    else if (t.aliases.some((a) => isBlank(a))) problems.push(`${where}: empty alias`);

    if (t.approach !== null && !(APPROACHES as readonly string[]).includes(t.approach)) {
      problems.push(`${where}: unknown approach "${String(t.approach)}"`);
    }
    if (t.direction !== null && !(DIRECTIONS as readonly string[]).includes(t.direction)) {
      problems.push(`${where}: unknown direction "${String(t.direction)}"`);
    }
    if (t.unit !== null && !(UNITS as readonly string[]).includes(t.unit)) {
      problems.push(`${where}: unknown unit "${String(t.unit)}"`);
    }
    const isLeaf = !hasChildren.has(t.slug);
    if (isLeaf && (t.approach === null || t.direction === null || t.unit === null)) {
      problems.push(`${where}: leaf technique must set approach, direction and unit`);
    }

    if (!Array.isArray(t.parents)) {
      problems.push(`${where}: parents must be an array`);
    }
    for (const field of relationFields) {
      const targets = t[field] ?? [];
      for (const target of targets) {
        if (target === t.slug) problems.push(`${where}: ${field} refers to itself`);
        else if (!known.has(target)) problems.push(`${where}: unknown slug "${target}" in ${field}`);
      }
      for (const d of duplicates(targets)) problems.push(`${where}: "${d}" listed twice in ${field}`);
    }
  }

  for (const cycle of findParentCycles(techniques, known)) {
    problems.push(`cycle in parents graph: ${cycle.join(" -> ")}`);
  }

  // ---- papers -----------------------------------------------------------------------------
  for (const d of duplicates(papers.map((p) => p.key))) problems.push(`duplicate paper key "${d}"`);
  for (const d of duplicates(papers.filter((p) => p.arxivId).map((p) => String(p.arxivId)))) {
    problems.push(`duplicate arXiv id "${d}"`);
  }
  for (const d of duplicates(papers.filter((p) => p.doi).map((p) => String(p.doi).toLowerCase()))) {
    problems.push(`duplicate DOI "${d}"`);
  }
  for (const d of duplicates(papers.map((p) => (p.title ?? "").trim().toLowerCase()))) {
    problems.push(`duplicate paper title "${d}"`);
  }

  const linkedTechniques = new Set<string>();
  for (const p of papers) {
    const where = `paper "${p.key}"`;
    if (isBlank(p.key)) problems.push(`paper with empty key (title "${p.title}")`);
    if (isBlank(p.title)) problems.push(`${where}: empty title`);
    if (isBlank(p.abstract)) problems.push(`${where}: empty abstract`);
    if (!Array.isArray(p.authors) || p.authors.length === 0) problems.push(`${where}: no authors`);
    else {
      if (p.authors.some((a) => isBlank(a))) problems.push(`${where}: empty author name`);
      if (p.authors.some((a) => /\bet al\.?$/i.test(a.trim()))) problems.push(`${where}: "et al." in authors`);
    }
    if (!Number.isInteger(p.year) || p.year < 1900 || p.year > 2100) problems.push(`${where}: implausible year`);
    if (p.venue !== null && isBlank(p.venue)) problems.push(`${where}: venue must be null or non-empty`);
    if (p.arxivId !== null && !ARXIV_RE.test(p.arxivId)) problems.push(`${where}: malformed arXiv id "${p.arxivId}"`);
    if (p.doi !== null && !DOI_RE.test(p.doi)) problems.push(`${where}: malformed DOI "${p.doi}"`);
    if (p.url !== null && !/^https?:\/\//.test(p.url)) problems.push(`${where}: url must start with http(s)://`);

    if (!Array.isArray(p.links) || p.links.length === 0) {
      problems.push(`${where}: has no technique links`);
      continue;
    }
    const seenLinks = new Set<string>();
    for (const link of p.links) {
      if (!known.has(link.technique)) problems.push(`${where}: unknown technique slug "${link.technique}" in links`);
      else linkedTechniques.add(link.technique);
      if (!(PAPER_RELATIONS as readonly string[]).includes(link.relation)) {
        problems.push(`${where}: unknown relation "${String(link.relation)}"`);
      }
      const id = `${link.technique}|${link.relation}`;
      if (seenLinks.has(id)) problems.push(`${where}: duplicate link ${link.relation} -> ${link.technique}`);
      seenLinks.add(id);
      if (link.note !== undefined && isBlank(link.note)) problems.push(`${where}: empty link note`);
    }
  }

  for (const t of techniques) {
    if (!linkedTechniques.has(t.slug)) problems.push(`technique "${t.slug}" has no linked papers`);
  }

  return problems;
}

/** What the demo-experiment checks need of one experiment (version 1 with a data set, or version 2 without). */
export interface SeedDemoExperiment {
  title: string;
  techniques: string[];
  papers: string[];
  /** The spec as published (a data set referenced by id counts as present). */
  spec: unknown;
}

/**
 * The demo experiments against the seed: each spec parses (version 1 or 2), its techniques and
 * papers are in the seed, and a causal method's experiment links the techniques that method
 * exercises (METHOD_TECHNIQUE_SLUGS). Pure, like validateSeedData.
 */
export function validateDemoExperiments(experiments: SeedDemoExperiment[], techniques: SeedTechnique[], papers: SeedPaper[]): string[] {
  const problems: string[] = [];
  const slugs = new Set(techniques.map((t) => t.slug));
  const arxiv = new Set(papers.flatMap((p) => (p.arxivId ? [p.arxivId] : [])));
  for (const d of duplicates(experiments.map((e) => e.title))) problems.push(`duplicate demo experiment title "${d}"`);
  for (const e of experiments) {
    const where = `demo experiment "${e.title}"`;
    const parsed = parseProbeSpec(e.spec);
    if (!parsed.ok) {
      problems.push(...parsed.errors.map((err) => `${where}: spec ${err}`));
      continue;
    }
    for (const s of e.techniques) if (!slugs.has(s)) problems.push(`${where}: unknown technique slug "${s}"`);
    for (const a of e.papers) if (!arxiv.has(a)) problems.push(`${where}: arXiv id ${a} is not a seeded paper`);
    for (const m of parsed.spec.methods) {
      if (!CAUSAL_METHODS.has(m.method)) continue;
      const wanted = METHOD_TECHNIQUE_SLUGS[m.method as keyof typeof METHOD_TECHNIQUE_SLUGS];
      const missing = wanted.filter((s) => !e.techniques.includes(s));
      if (missing.length > 0) problems.push(`${where}: ${m.method} exercises ${missing.join(", ")} — link ${missing.length === 1 ? "it" : "them"}`);
    }
  }
  return problems;
}
