import type { Core, ElementDefinition, NodeSingular } from "cytoscape";
import type { TaxonomyGraph } from "../_lib/types";
import { colorFor, tint } from "./colors";
import { keepsNameEnlarged, labelReadable, labelTier, MIN_LABEL_PX, pinnedFontSize, TIER_FONT, type LabelTier } from "./label-detail";
import { INDENT, NODE_WIDTH, outlineLayout, type OutlineLayout, type Size } from "./layout";
import { EDGE_STYLES, estimateText, LABEL_WIDTH, nodeHeight, treeConnector, type MeasureText } from "./styles";
import type { TreeIndex } from "./tree";
import type { ColorMode, MapView } from "./url-state";

/** The cytoscape side of the map (no React): elements, layout, level of detail and the viewport. */

export interface MapModel {
  layout: OutlineLayout;
  tiers: Map<number, LabelTier>;
  elements: ElementDefinition[];
}

/**
 * The whole map is the default view only when it names families and hubs there (with a pixel to
 * spare); otherwise the default view starts at the top at the comfortable reading zoom (13 px text).
 */
const ZOOMS = { overview: (MIN_LABEL_PX + 1) / TIER_FONT.hub, reading: 13 / TIER_FONT.leaf };

export function buildMapModel(graph: TaxonomyGraph, tree: TreeIndex, stage: Size, color: ColorMode, measure: MeasureText = estimateText): MapModel {
  const degree = new Map<number, number>();
  for (const e of graph.edges) {
    degree.set(e.from, (degree.get(e.from) ?? 0) + 1);
    degree.set(e.to, (degree.get(e.to) ?? 0) + 1);
  }
  const tiers = new Map(graph.nodes.map((n) => [n.id, labelTier(n.id, tree, degree.get(n.id) ?? 0)]));
  const heights = new Map(graph.nodes.map((n) => [n.id, nodeHeight(n.name, tiers.get(n.id) ?? "leaf", measure)]));
  const layout = outlineLayout(tree, (id) => heights.get(id) ?? 44, stage, ZOOMS);

  const elements: ElementDefinition[] = [
    ...graph.nodes.map((n) => {
      const c = colorFor(n, color);
      const tier = tiers.get(n.id) ?? "leaf";
      return {
        group: "nodes" as const,
        data: { id: String(n.id), slug: n.slug, label: n.name, color: c, fill: tint(c, 0.82), height: heights.get(n.id), tier },
        position: layout.positions.get(n.id) ?? { x: 0, y: 0 },
        classes: `tier-${tier}`,
      };
    }),
    ...graph.edges
      .filter((e) => tree.byId.has(e.from) && tree.byId.has(e.to))
      .map((e, i) => {
        // The outline draws each node under one parent; every other relation (a second parent included) is a cross-link.
        const isTree = e.kind === "kind_of" && layout.drawnUnder.get(e.to) === e.from;
        const at = (id: number) => ({ ...(layout.positions.get(id) ?? { x: 0, y: 0 }), height: heights.get(id) ?? 44, tier: tiers.get(id) ?? "leaf" });
        return {
          group: "edges" as const,
          data: { id: `e${i}`, source: String(e.from), target: String(e.to), kind: e.kind, color: EDGE_STYLES[e.kind]?.color ?? "#888", ...(isTree ? treeConnector(at(e.from), at(e.to)) : {}) },
          classes: isTree ? "tree" : "cross off",
        };
      }),
  ];
  return { layout, tiers, elements };
}

/** Map units: a node and two indents, the width of a column less its gap. */
const ENLARGED_LABEL_MAX_WIDTH = NODE_WIDTH + 2 * INDENT;

/**
 * Shows the labels readable at the current zoom and hides the others; `pinned` nodes (the selection
 * and its neighbours) are always named, and families while not zoomed out too far, their font
 * enlarged so that it stays readable.
 */
export function applyLabelDetail(cy: Core, pinned: ReadonlySet<string>): void {
  const zoom = cy.zoom();
  cy.batch(() => {
    cy.nodes().forEach((node) => {
      const tier = (node.data("tier") as LabelTier | undefined) ?? "leaf";
      const isPinned = pinned.has(node.id());
      if (keepsNameEnlarged(tier, zoom, isPinned)) {
        const font = pinnedFontSize(tier, zoom);
        node.addClass("pinned").removeClass("label-hidden");
        // Wider with the font, but never wider than a column: enlarged names wrap rather than reach the next column.
        const width = Math.min((LABEL_WIDTH * font) / TIER_FONT[tier], ENLARGED_LABEL_MAX_WIDTH);
        node.style({ "font-size": font, "text-max-width": `${Math.round(width)}px` });
      } else {
        if (node.hasClass("pinned")) node.removeClass("pinned").removeStyle("font-size text-max-width");
        node.toggleClass("label-hidden", !labelReadable(TIER_FONT[tier], zoom));
      }
    });
  });
}

/** The view as the URL stores it: zoom and the map point at the centre of the stage. */
export function currentView(cy: Core): MapView {
  const zoom = cy.zoom();
  const pan = cy.pan();
  return { zoom, x: (cy.width() / 2 - pan.x) / zoom, y: (cy.height() / 2 - pan.y) / zoom };
}

export function panFor(cy: Core, view: MapView): { x: number; y: number } {
  return { x: cy.width() / 2 - view.x * view.zoom, y: cy.height() / 2 - view.y * view.zoom };
}

export function showView(cy: Core, view: MapView): void {
  const zoom = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), view.zoom));
  cy.viewport({ zoom, pan: panFor(cy, { ...view, zoom }) });
}

/** Whether a node's centre is on screen. */
export function isInView(cy: Core, node: NodeSingular): boolean {
  const ext = cy.extent();
  const p = node.position();
  return p.x >= ext.x1 && p.x <= ext.x2 && p.y >= ext.y1 && p.y <= ext.y2;
}
