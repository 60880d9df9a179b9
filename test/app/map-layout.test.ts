/** The map's outline layout and label level of detail (pure): no overlaps, kinds under their parent, columns that fit the stage. */
import { describe, expect, it } from "vitest";
import { techniques as seedTechniques } from "../../db/seed/data/techniques";
import { keepsNameEnlarged, labelReadable, MIN_LABEL_PX, pinnedFontSize, TIER_FONT } from "../../app/_map/label-detail";
import { INDENT, NODE_WIDTH, outlineLayout, partition } from "../../app/_map/layout";
import { indexTree } from "../../app/_map/tree";
import type { TaxonomyGraph } from "../../app/_lib/types";
import { createRng } from "../../workers/probes/stats/rng";

/** The seed's taxonomy as the map receives it (ids by position). */
function seedGraph(): TaxonomyGraph {
  const id = new Map(seedTechniques.map((t, i) => [t.slug, i + 1]));
  const nodes = seedTechniques.map((t) => ({
    id: id.get(t.slug)!,
    slug: t.slug,
    name: t.name,
    summary: t.summary,
    approach: t.approach,
    direction: t.direction,
    unit: t.unit,
    paperCount: 0,
    evidence: 0,
    evidenceRuns: 0,
    reproduction: null,
    reproductionRuns: 0,
  }));
  const edges = seedTechniques.flatMap((t) => [
    ...t.parents.map((p) => ({ from: id.get(p)!, to: id.get(t.slug)!, kind: "kind_of" as const })),
    ...(t.uses ?? []).map((u) => ({ from: id.get(t.slug)!, to: id.get(u)!, kind: "uses" as const })),
  ]);
  return { nodes, edges };
}

const ZOOMS = { overview: 12 / TIER_FONT.hub, reading: 13 / TIER_FONT.leaf };
const HEIGHT = 44;

describe("partition (families into columns)", () => {
  it("keeps order, uses every family once, and matches brute force on the tallest column", () => {
    const rng = createRng(5);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rng.next() * 7);
      const heights = Array.from({ length: n }, () => 50 + Math.floor(rng.next() * 500));
      const k = 1 + Math.floor(rng.next() * 4);
      const runs = partition(heights, k, 10);
      expect(runs.flat()).toEqual(heights.map((_, i) => i));
      const tallest = (rs: number[][]) => Math.max(...rs.map((r) => r.reduce((s, i) => s + heights[i]!, 0) + 10 * (r.length - 1)));
      // Brute force over every way to cut the sequence into at most k runs.
      let best = Number.POSITIVE_INFINITY;
      const cuts = (start: number, left: number, acc: number[][]) => {
        if (start === n) {
          best = Math.min(best, tallest(acc));
          return;
        }
        if (left === 0) return;
        for (let end = start + 1; end <= n; end++) cuts(end, left - 1, [...acc, heights.slice(start, end).map((_, t) => start + t)]);
      };
      cuts(0, k, []);
      expect(tallest(runs)).toBe(best);
    }
  });
});

describe("outline layout on the seed", () => {
  const graph = seedGraph();
  const tree = indexTree(graph);

  for (const stage of [
    { name: "laptop", width: 954, height: 640 },
    { name: "phone", width: 348, height: 630 },
    { name: "wall", width: 3000, height: 1600 },
  ]) {
    it(`${stage.name}: every technique placed once, no two overlap, kinds below and indented under the parent they are drawn under`, () => {
      const layout = outlineLayout(tree, () => HEIGHT, stage, ZOOMS);
      expect(layout.positions.size).toBe(graph.nodes.length);
      const boxes = [...layout.positions.entries()];
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [, a] = boxes[i]!;
          const [, b] = boxes[j]!;
          const apart = Math.abs(a.x - b.x) >= NODE_WIDTH || Math.abs(a.y - b.y) >= HEIGHT;
          expect(apart, `${boxes[i]![0]} and ${boxes[j]![0]} overlap`).toBe(true);
        }
      }
      for (const [child, parent] of layout.drawnUnder) {
        const c = layout.positions.get(child)!;
        const p = layout.positions.get(parent)!;
        expect(c.y).toBeGreaterThan(p.y);
        expect(c.x - p.x).toBe(INDENT);
        expect(tree.parents.get(child)).toContain(parent);
      }
      // Every non-root is drawn under exactly one of its parents.
      expect(layout.drawnUnder.size).toBe(graph.nodes.length - tree.roots.length);
    });
  }

  it("a phone gets one column at reading size, starting at the top; a wall screen gets the whole map with family and hub names readable", () => {
    const phone = outlineLayout(tree, () => HEIGHT, { width: 348, height: 630 }, ZOOMS);
    expect(phone.mode).toBe("reading");
    expect(phone.columns).toBe(1);
    expect(phone.size.width * phone.view.zoom).toBeLessThanOrEqual(348);
    expect(labelReadable(TIER_FONT.leaf, phone.view.zoom)).toBe(true);
    // The top of the map is on screen: the view's centre is less than half a stage below y = 0.
    expect(phone.view.y * phone.view.zoom).toBeLessThan(630 / 2);

    const wall = outlineLayout(tree, () => HEIGHT, { width: 3000, height: 1600 }, ZOOMS);
    expect(wall.mode).toBe("overview");
    expect(wall.size.width * wall.view.zoom).toBeLessThanOrEqual(3000);
    expect(wall.size.height * wall.view.zoom).toBeLessThanOrEqual(1600);
    expect(labelReadable(TIER_FONT.hub, wall.view.zoom)).toBe(true);
  });
});

describe("label level of detail", () => {
  it("draws a tier's labels only from the zoom where they reach the minimum, and enlarges pinned ones instead", () => {
    for (const tier of ["root", "hub", "leaf"] as const) {
      const threshold = MIN_LABEL_PX / TIER_FONT[tier];
      expect(labelReadable(TIER_FONT[tier], threshold * 1.01)).toBe(true);
      expect(labelReadable(TIER_FONT[tier], threshold * 0.99)).toBe(false);
      for (const zoom of [0.05, 0.2, 0.5, 1, 2]) expect(pinnedFontSize(tier, zoom) * zoom).toBeGreaterThanOrEqual(MIN_LABEL_PX);
    }
    // Families stay named while zooming out to the overview, leaves only when pinned.
    expect(keepsNameEnlarged("root", 0.4, false)).toBe(true);
    expect(keepsNameEnlarged("root", 0.15, false)).toBe(false);
    expect(keepsNameEnlarged("leaf", 0.4, false)).toBe(false);
    expect(keepsNameEnlarged("leaf", 0.4, true)).toBe(true);
    expect(keepsNameEnlarged("leaf", 1, true)).toBe(false);
  });
});
