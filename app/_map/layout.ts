import type { Core, NodeCollection } from "cytoscape";
import type { TreeIndex } from "./tree";

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 56;
const ROW_GAP = NODE_HEIGHT + 14; // between siblings (vertical)
const LEVEL_GAP = NODE_WIDTH + 70; // between parent and child levels (horizontal)
const TREE_GAP_X = 90;
const TREE_GAP_Y = 56;

/** Splits the hierarchy into one group per root; a node with parents in two trees joins the first. */
function groupsByRoot(tree: TreeIndex): Array<{ root: number; members: number[]; levels: number; widest: number }> {
  const owner = new Map<number, number>();
  const groups: Array<{ root: number; members: number[]; levels: number; widest: number }> = [];
  for (const root of tree.roots) {
    const members: number[] = [];
    const perDepth: number[] = [];
    const queue: Array<[number, number]> = [[root, 0]];
    while (queue.length > 0) {
      const next = queue.shift();
      if (!next) break;
      const [id, depth] = next;
      if (owner.has(id)) continue;
      owner.set(id, root);
      members.push(id);
      perDepth[depth] = (perDepth[depth] ?? 0) + 1;
      for (const child of tree.children.get(id) ?? []) queue.push([child, depth + 1]);
    }
    groups.push({ root, members, levels: perDepth.length, widest: Math.max(...perDepth) });
  }
  return groups;
}

/**
 * Lays the "kind of" hierarchy out as a forest: cytoscape's breadthfirst layout (directed, from the
 * root) runs on each root's tree over kind_of edges only, turned to read left → right, and the trees
 * are then packed into columns so the whole map fits the stage's shape. Other relations do not
 * influence positions.
 */
export function layoutForest(cy: Core, tree: TreeIndex): void {
  const groups = groupsByRoot(tree);
  const kindOf = cy.edges("[kind = 'kind_of']");
  const boxes: Array<{ nodes: NodeCollection; w: number; h: number }> = [];

  for (const group of groups) {
    const ids = new Set(group.members.map(String));
    const nodes = cy.nodes().filter((n) => ids.has(n.id())) as NodeCollection;
    const edges = kindOf.filter((e) => ids.has(e.source().id()) && ids.has(e.target().id()));
    // With a bounding box and no overlap padding, breadthfirst spaces each depth evenly inside it;
    // it subtracts one node's size, so add it back. Width here is breadth (drawn vertically).
    const breadth = Math.max(0, group.widest - 1) * ROW_GAP + NODE_WIDTH;
    const depth = Math.max(0, group.levels - 1) * LEVEL_GAP + NODE_HEIGHT;
    nodes
      .union(edges)
      .layout({
        name: "breadthfirst",
        directed: true,
        roots: [String(group.root)],
        boundingBox: { x1: 0, y1: 0, w: breadth, h: depth },
        grid: true,
        spacingFactor: 1,
        avoidOverlap: false,
        padding: 0,
        fit: false,
        animate: false,
        // Top-down → left-to-right: depth becomes x, order within a depth becomes y.
        transform: (_node, p) => ({ x: p.y, y: p.x }),
      })
      .run();
    const bb = nodes.boundingBox({ includeLabels: false });
    boxes.push({ nodes, w: bb.w, h: bb.h });
  }

  // Pack the trees into the number of columns whose overall shape best matches the stage.
  const target = cy.width() / Math.max(1, cy.height());
  const columnWidth = Math.max(...boxes.map((b) => b.w), NODE_WIDTH);
  let best: { columns: number; score: number } = { columns: 1, score: Number.POSITIVE_INFINITY };
  for (let columns = 1; columns <= Math.min(6, boxes.length); columns++) {
    const heights = new Array<number>(columns).fill(0);
    for (const b of boxes) {
      const shortest = heights.indexOf(Math.min(...heights));
      heights[shortest] = (heights[shortest] ?? 0) + b.h + TREE_GAP_Y;
    }
    const w = columns * columnWidth * 0.85 + (columns - 1) * TREE_GAP_X;
    const h = Math.max(...heights);
    const score = Math.abs(Math.log(w / h / target));
    if (score < best.score) best = { columns, score };
  }
  // Assign trees to columns (shortest first), then give each column the width of its widest tree.
  const heights = new Array<number>(best.columns).fill(0);
  const placed: Array<{ box: (typeof boxes)[number]; column: number; top: number }> = [];
  for (const box of boxes) {
    const column = heights.indexOf(Math.min(...heights));
    const top = heights[column] ?? 0;
    placed.push({ box, column, top });
    heights[column] = top + box.h + TREE_GAP_Y;
  }
  const widths = heights.map((_, c) => Math.max(0, ...placed.filter((p) => p.column === c).map((p) => p.box.w)));
  const lefts = widths.map((_, c) => widths.slice(0, c).reduce((sum, w) => sum + w + TREE_GAP_X, 0));
  for (const { box, column, top } of placed) {
    const bb = box.nodes.boundingBox({ includeLabels: false });
    box.nodes.shift({ x: (lefts[column] ?? 0) - bb.x1, y: top - bb.y1 });
  }
  cy.fit(cy.nodes(), 24);
}
