import { type Claim, describeClaim } from "../../experiments/claims";
import { relativeDepth } from "../../experiments/relative-depth";
import type { XAxis } from "./url-state";

/**
 * Where an experiment's claims about one metric are drawn on the across-models chart, in either x
 * unit. A claim is checked against every model at the same place — layer L of each model, a range
 * of relative depth, or each model's peak — so marks are resolved per axis:
 * - gte / lte / approx: a horizontal rule at the claimed value over where the claim holds (approx
 *   with its ± tolerance band); at layer L in depth units that is one short rule per model depth;
 *   a relative-depth range in layer units is one rule per distinct model depth count.
 * - peaksAt: a vertical band at the claimed relative depth ± tolerance.
 * - at the peak (gte / lte / approx): the rule spans the whole axis.
 */

export interface ClaimRule {
  kind: "rule";
  claimIndex: number;
  y: number;
  /** The ≈ claim's band (value ± tolerance), else null. */
  low: number | null;
  high: number | null;
  from: number;
  to: number;
  /** The models this piece applies to (empty: all of them). */
  models: string[];
  label: string;
}

export interface ClaimBand {
  kind: "band";
  claimIndex: number;
  from: number;
  to: number;
  models: string[];
  label: string;
}

export type ClaimMark = ClaimRule | ClaimBand;

export interface ClaimSummary {
  claimIndex: number;
  /** "diffmean.accuracy ≥ 0.7 at layer 3 (any model)". */
  text: string;
  /** The model the author reported it on, or "any". */
  model: string;
  note: string;
}

interface ModelDepth {
  name: string;
  nLayers: number;
}

/** Half-width of the rule drawn for a single layer, in layers and in relative depth. */
const LAYER_HALF_WIDTH = 0.3;
const DEPTH_HALF_WIDTH = 0.025;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function shortLabel(c: Claim): string {
  const op = c.comparison === "gte" ? `≥ ${c.value}` : c.comparison === "lte" ? `≤ ${c.value}` : c.comparison === "approx" ? `≈ ${c.value} ± ${c.tolerance ?? 0}` : `peak at depth ${c.value} ± ${c.tolerance ?? 0}`;
  return `claimed ${op}${c.model === "any" ? "" : ` (on ${c.model})`}`;
}

/** Model groups by block count, largest first (one layer-unit mark per distinct depth). */
function byDepth(models: readonly ModelDepth[]): Array<{ nLayers: number; names: string[] }> {
  const groups = new Map<number, string[]>();
  for (const m of models) groups.set(m.nLayers, [...(groups.get(m.nLayers) ?? []), m.name]);
  const all = groups.size <= 1;
  return [...groups.entries()].sort((a, b) => b[0] - a[0]).map(([nLayers, names]) => ({ nLayers, names: all ? [] : names.sort() }));
}

export function claimMarks(claims: readonly Claim[], metric: string, models: readonly ModelDepth[], axis: XAxis): ClaimMark[] {
  const maxLayer = Math.max(0, ...models.map((m) => m.nLayers - 1));
  const fullFrom = 0;
  const fullTo = axis === "depth" ? 1 : maxLayer;
  const groups = byDepth(models);
  const marks: ClaimMark[] = [];
  claims.forEach((c, claimIndex) => {
    if (c.metric !== metric) return;
    const label = shortLabel(c);
    if (c.comparison === "peaksAt") {
      const tol = c.tolerance ?? 0;
      if (axis === "depth") {
        marks.push({ kind: "band", claimIndex, from: clamp(c.value - tol, 0, 1), to: clamp(c.value + tol, 0, 1), models: [], label });
      } else {
        for (const g of groups) {
          const last = Math.max(0, g.nLayers - 1);
          marks.push({ kind: "band", claimIndex, from: clamp((c.value - tol) * last, 0, last), to: clamp((c.value + tol) * last, 0, last), models: g.names, label });
        }
      }
      return;
    }
    const band = c.comparison === "approx" ? { low: c.value - (c.tolerance ?? 0), high: c.value + (c.tolerance ?? 0) } : { low: null, high: null };
    const rule = (from: number, to: number, names: string[]): ClaimRule => ({ kind: "rule", claimIndex, y: c.value, ...band, from, to, models: names, label });
    const where = c.where;
    if (where.kind === "peak") {
      marks.push(rule(fullFrom, fullTo, []));
    } else if (where.kind === "layer") {
      if (axis === "layer") {
        marks.push(rule(where.layer - LAYER_HALF_WIDTH, where.layer + LAYER_HALF_WIDTH, []));
      } else {
        // Layer L sits at a different depth in each model; models without that layer get no mark.
        const depths = new Map<number, string[]>();
        for (const m of models) {
          if (where.layer >= m.nLayers) continue;
          const d = relativeDepth(where.layer, m.nLayers);
          depths.set(d, [...(depths.get(d) ?? []), m.name]);
        }
        for (const [d, names] of [...depths.entries()].sort((a, b) => a[0] - b[0])) {
          marks.push(rule(clamp(d - DEPTH_HALF_WIDTH, 0, 1), clamp(d + DEPTH_HALF_WIDTH, 0, 1), depths.size === 1 ? [] : names.sort()));
        }
      }
    } else if (axis === "depth") {
      const wide = where.to - where.from < 2 * DEPTH_HALF_WIDTH;
      marks.push(rule(wide ? clamp(where.from - DEPTH_HALF_WIDTH, 0, 1) : where.from, wide ? clamp(where.to + DEPTH_HALF_WIDTH, 0, 1) : where.to, []));
    } else {
      for (const g of groups) {
        const last = Math.max(0, g.nLayers - 1);
        const from = where.from * last;
        const to = where.to * last;
        marks.push(rule(to - from < 2 * LAYER_HALF_WIDTH ? from - LAYER_HALF_WIDTH : from, to - from < 2 * LAYER_HALF_WIDTH ? to + LAYER_HALF_WIDTH : to, g.names));
      }
    }
  });
  return marks;
}

/** The claims about one metric, in words, for the list beside the chart. */
export function claimSummaries(claims: readonly Claim[], metric: string): ClaimSummary[] {
  return claims.flatMap((c, claimIndex) => (c.metric === metric ? [{ claimIndex, text: describeClaim(c), model: c.model, note: c.note }] : []));
}
