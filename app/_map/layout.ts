import type { TreeIndex } from "./tree";

/**
 * The map's layout: each family (a root and everything under it by "kind of") is drawn as an
 * outline, like a table of contents: the root on top, kinds below it, indented one step per level,
 * joined by └ connectors. Families are packed, in name order, into as many columns as make best use
 * of the stage. Only "kind of" shapes positions; other relations are drawn over it on demand.
 *
 * On a stage large enough to name families and hubs with the whole map in view, the default view
 * is the whole map (smaller labels appear on zooming in, see label-detail.ts). Otherwise (a laptop
 * screen, a phone) the map is laid out in the columns that fit the stage's width at reading size,
 * and the default view starts at its top: an outline to scroll through, zoom out for the overview.
 *
 * Pure: positions are computed from the tree and the stage size; taxonomy-map.tsx applies them.
 */

export const NODE_WIDTH = 240;
/** Horizontal step per level of "kind of". */
export const INDENT = 30;
const ROW_GAP = 12;
const FAMILY_GAP = 40;
const COLUMN_GAP = 56;
/** Screen pixels kept free around the map in the default view, and above it for the zoom toolbar. */
const STAGE_PADDING = 20;
const TOOLBAR_HEIGHT = 44;
const MAX_COLUMNS = 8;
/** The default view never magnifies a small map beyond this. */
const MAX_DEFAULT_ZOOM = 1.25;

export interface Point {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface OutlineLayout {
  /** Centre of each node, in map units. */
  positions: Map<number, Point>;
  /** The parent under which each non-root node is drawn (a node with two parents appears once). */
  drawnUnder: Map<number, number>;
  size: Size;
  columns: number;
  /** "overview": the default view fits the whole map; "reading": it starts at the top at reading size. */
  mode: "overview" | "reading";
  /** The default view: zoom and the map point at the centre of the stage. */
  view: { zoom: number; x: number; y: number };
}

interface Family {
  rows: Array<{ id: number; depth: number; top: number }>;
  width: number;
  height: number;
}

/** Families in root order; each node belongs to the first family (and parent) that reaches it. */
function families(tree: TreeIndex, heightOf: (id: number) => number, drawnUnder: Map<number, number>): Family[] {
  const placed = new Set<number>();
  const out: Family[] = [];
  for (const root of tree.roots) {
    if (placed.has(root)) continue;
    const rows: Family["rows"] = [];
    let top = 0;
    let deepest = 0;
    const visit = (id: number, depth: number) => {
      placed.add(id);
      rows.push({ id, depth, top });
      top += heightOf(id) + ROW_GAP;
      deepest = Math.max(deepest, depth);
      for (const child of tree.children.get(id) ?? []) {
        if (placed.has(child)) continue;
        drawnUnder.set(child, id);
        visit(child, depth + 1);
      }
    };
    visit(root, 0);
    out.push({ rows, width: NODE_WIDTH + deepest * INDENT, height: top - ROW_GAP });
  }
  return out;
}

/**
 * Splits the families, in order, into `columns` consecutive runs with the smallest tallest column
 * (the linear partition problem; exact, by dynamic programming over a few dozen families).
 */
export function partition(heights: readonly number[], columns: number, gap: number): number[][] {
  const n = heights.length;
  const k = Math.max(1, Math.min(columns, n));
  const span = (i: number, j: number) => heights.slice(i, j).reduce((s, h) => s + h, 0) + gap * Math.max(0, j - i - 1);
  // cost[c][j]: best tallest column placing the first j families into c columns; cut[c][j]: where the last column starts.
  const cost: number[][] = Array.from({ length: k + 1 }, () => new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY));
  const cut: number[][] = Array.from({ length: k + 1 }, () => new Array<number>(n + 1).fill(0));
  cost[0]![0] = 0;
  for (let c = 1; c <= k; c++) {
    for (let j = 1; j <= n; j++) {
      for (let i = c - 1; i < j; i++) {
        const value = Math.max(cost[c - 1]![i]!, span(i, j));
        if (value < cost[c]![j]!) {
          cost[c]![j] = value;
          cut[c]![j] = i;
        }
      }
    }
  }
  const runs: number[][] = [];
  let j = n;
  for (let c = k; c >= 1; c--) {
    const i = cut[c]![j]!;
    runs.unshift(Array.from({ length: j - i }, (_, t) => i + t));
    j = i;
  }
  return runs.filter((r) => r.length > 0);
}

function arrange(fams: Family[], columns: number): { positions: Map<number, Point>; size: Size } {
  const runs = partition(
    fams.map((f) => f.height),
    columns,
    FAMILY_GAP,
  );
  const positions = new Map<number, Point>();
  let left = 0;
  let tallest = 0;
  for (const run of runs) {
    let top = 0;
    let widest = 0;
    for (const index of run) {
      const family = fams[index]!;
      for (const row of family.rows) positions.set(row.id, { x: left + row.depth * INDENT + NODE_WIDTH / 2, y: top + row.top });
      top += family.height + FAMILY_GAP;
      widest = Math.max(widest, family.width);
    }
    tallest = Math.max(tallest, top - FAMILY_GAP);
    left += widest + COLUMN_GAP;
  }
  return { positions, size: { width: Math.max(0, left - COLUMN_GAP), height: tallest } };
}

/**
 * Lays the map out for a stage. `heightOf` gives each node's height (labels of families and hubs
 * are larger). `zooms.overview` is the lowest zoom at which the whole-map view is worth showing,
 * `zooms.reading` the zoom of the reading view.
 */
export function outlineLayout(tree: TreeIndex, heightOf: (id: number) => number, stage: Size, zooms: { overview: number; reading: number }): OutlineLayout {
  const drawnUnder = new Map<number, number>();
  const fams = families(tree, heightOf, drawnUnder);
  const available = { width: Math.max(1, stage.width - 2 * STAGE_PADDING), height: Math.max(1, stage.height - 2 * STAGE_PADDING - TOOLBAR_HEIGHT) };
  const toCentres = (positions: Map<number, Point>) => {
    for (const [id, p] of positions) positions.set(id, { x: p.x, y: p.y + heightOf(id) / 2 });
    return positions;
  };

  if (fams.length === 0) return { positions: new Map(), drawnUnder, size: { width: 0, height: 0 }, columns: 0, mode: "overview", view: { zoom: 1, x: 0, y: 0 } };

  // Overview: the column count whose whole-map fit is largest.
  let best: { columns: number; zoom: number; arranged: ReturnType<typeof arrange> } | null = null;
  for (let columns = 1; columns <= Math.min(MAX_COLUMNS, fams.length); columns++) {
    const arranged = arrange(fams, columns);
    const zoom = Math.min(available.width / Math.max(1, arranged.size.width), available.height / Math.max(1, arranged.size.height));
    if (!best || zoom > best.zoom + 1e-9) best = { columns, zoom, arranged };
  }
  if (best && best.zoom >= zooms.overview) {
    const { size } = best.arranged;
    return {
      positions: toCentres(best.arranged.positions),
      drawnUnder,
      size,
      columns: best.columns,
      mode: "overview",
      // Centred in the stage below the toolbar.
      view: { zoom: Math.min(best.zoom, MAX_DEFAULT_ZOOM), x: size.width / 2, y: size.height / 2 - TOOLBAR_HEIGHT / 2 / Math.min(best.zoom, MAX_DEFAULT_ZOOM) },
    };
  }

  // Reading: as many columns as fit the width at reading size; start at the top.
  let columns = 1;
  let arranged = arrange(fams, 1);
  for (let c = 2; c <= Math.min(MAX_COLUMNS, fams.length); c++) {
    const next = arrange(fams, c);
    if (next.size.width * zooms.reading > available.width) break;
    columns = c;
    arranged = next;
  }
  const zoom = Math.min(zooms.reading, available.width / Math.max(1, arranged.size.width));
  const { size } = arranged;
  return {
    positions: toCentres(arranged.positions),
    drawnUnder,
    size,
    columns,
    mode: "reading",
    view: { zoom, x: size.width / 2, y: (stage.height / 2 - STAGE_PADDING - TOOLBAR_HEIGHT) / zoom },
  };
}
