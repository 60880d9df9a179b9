import type { StylesheetJson } from "cytoscape";
import type { RelationKind } from "../_lib/types";
import { INDENT, NODE_WIDTH } from "./layout";
import { TIER_FONT, type LabelTier } from "./label-detail";

export const EDGE_STYLES: Record<RelationKind, { color: string; label: string; style: "solid" | "dashed" | "dotted" }> = {
  kind_of: { color: "#7C8794", label: "kind of (parent → child)", style: "solid" },
  uses: { color: "#B26B00", label: "uses", style: "dashed" },
  alternative_to: { color: "#8A5CC2", label: "alternative to", style: "dashed" },
  evaluates: { color: "#1F7A8C", label: "evaluates", style: "dashed" },
  refines: { color: "#C0396B", label: "refines", style: "dotted" },
};

/** Where a connector leaves its parent: under the first letters, relative to the node's centre. */
const CONNECTOR_X = -NODE_WIDTH / 2 + INDENT / 2;
/** Border width per tier. */
const BORDER: Record<LabelTier, number> = { root: 4, hub: 3.5, leaf: 3 };

/**
 * The bend of a └ connector from parent to child, as cytoscape's segment weight and distance. The
 * connector runs from S (under the parent's first letters) down to the child's row and right into
 * its left edge T, so the bend is at (S.x, T.y). Cytoscape places a bend relative to the line
 * between the two node centres A → B: P = A + w·(B − A) + d·n, with n the unit normal (−D.y, D.x)/|D|.
 */
export function treeConnector(parent: { x: number; y: number; height: number; tier: LabelTier }, child: { x: number; y: number; tier: LabelTier }): { bendWeight: number; bendDistance: number } {
  const bend = { x: parent.x + CONNECTOR_X, y: child.y };
  const dx = child.x - parent.x;
  const dy = child.y - parent.y;
  const length = Math.hypot(dx, dy) || 1;
  const px = bend.x - parent.x;
  const py = bend.y - parent.y;
  return { bendWeight: (px * dx + py * dy) / (length * length), bendDistance: (px * -dy + py * dx) / length };
}

const FONT_FAMILY = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif";
const LINE_HEIGHT = 1.2;
/** Room left for the label inside a node (map units). */
export const LABEL_WIDTH = NODE_WIDTH - 22;
const LABEL_PADDING = 16;
/** Rough average glyph width of each tier's label font, in ems (system sans; bolder is wider). */
const GLYPH_EM: Record<LabelTier, number> = { root: 0.68, hub: 0.66, leaf: 0.56 };
export const TIER_WEIGHT: Record<LabelTier, number> = { root: 700, hub: 600, leaf: 500 };

/** Width of a text in the label font of a tier (map units); in the browser, a canvas measures it. */
export type MeasureText = (text: string, tier: LabelTier) => number;

export const estimateText: MeasureText = (text, tier) => text.length * TIER_FONT[tier] * GLYPH_EM[tier];

/** A measurer backed by a canvas (exact, as cytoscape draws with the same font); the estimate without one. */
export function canvasMeasure(): MeasureText {
  const context = typeof document === "undefined" ? null : document.createElement("canvas").getContext("2d");
  if (!context) return estimateText;
  const cache = new Map<string, number>();
  return (text, tier) => {
    const key = `${tier}|${text}`;
    let width = cache.get(key);
    if (width === undefined) {
      context.font = `${TIER_WEIGHT[tier]} ${TIER_FONT[tier]}px ${FONT_FAMILY}`;
      width = context.measureText(text).width;
      cache.set(key, width);
    }
    return width;
  };
}

/**
 * A node's height: enough lines for its label at its tier's size, wrapped the way cytoscape wraps
 * it (at spaces; a candidate line is measured with its trailing space, widths rounded up).
 */
export function nodeHeight(label: string, tier: LabelTier, measure: MeasureText = estimateText): number {
  const fits = (text: string) => Math.ceil(measure(text, tier)) <= LABEL_WIDTH;
  let lines = 1;
  if (!fits(label)) {
    lines = 0;
    let line = "";
    const words = label.split(/\s+/).filter((w) => w.length > 0);
    words.forEach((word, i) => {
      const separator = i === words.length - 1 ? "" : " ";
      if (line === "" || fits(line + word + separator)) line += word + separator;
      else {
        lines++;
        line = word + separator;
      }
    });
    if (line.trim() !== "") lines++;
  }
  return Math.ceil(Math.max(1, lines) * TIER_FONT[tier] * LINE_HEIGHT + LABEL_PADDING);
}

export const STYLESHEET: StylesheetJson = [
  {
    selector: "node",
    style: {
      shape: "round-rectangle",
      width: NODE_WIDTH,
      height: "data(height)",
      "background-color": "data(fill)",
      "border-color": "data(color)",
      "border-width": BORDER.leaf,
      label: "data(label)",
      color: "#17202A",
      "font-family": FONT_FAMILY,
      "font-size": TIER_FONT.leaf,
      "font-weight": TIER_WEIGHT.leaf,
      "line-height": LINE_HEIGHT,
      "text-wrap": "wrap",
      "text-max-width": `${LABEL_WIDTH}px`,
      "text-valign": "center",
      "text-halign": "center",
    },
  },
  { selector: "node.tier-hub", style: { "font-size": TIER_FONT.hub, "font-weight": TIER_WEIGHT.hub, "border-width": BORDER.hub } },
  { selector: "node.tier-root", style: { "font-size": TIER_FONT.root, "font-weight": TIER_WEIGHT.root, "border-width": BORDER.root } },
  // Level of detail: a label too small to read at this zoom is not drawn (see label-detail.ts).
  { selector: "node.label-hidden", style: { label: "" } },
  // Always named (selection and its neighbours): a backdrop keeps an enlarged label readable over its neighbours.
  {
    selector: "node.pinned",
    style: {
      "text-background-color": "#FFFFFF",
      "text-background-opacity": 0.88,
      "text-background-padding": "3px",
      "text-background-shape": "roundrectangle",
      "z-index": 20,
    },
  },
  { selector: "node.hidden", style: { display: "none" } },
  { selector: "node.faded", style: { opacity: 0.35 } },
  { selector: "edge.faded", style: { opacity: 0.12 } },
  {
    selector: "node:selected",
    style: { "border-width": 5, "border-color": "#111827", "underlay-color": "#F2C94C", "underlay-opacity": 0.55, "underlay-padding": 6, "z-index": 30 },
  },
  { selector: "node.kb-focus", style: { "outline-width": 4, "outline-color": "#1D4ED8", "outline-offset": 4, "outline-opacity": 1, "z-index": 30 } },
  {
    selector: "edge",
    style: {
      width: 1.6,
      "curve-style": "bezier",
      "target-arrow-shape": "triangle",
      "arrow-scale": 0.9,
      "line-color": "data(color)",
      "target-arrow-color": "data(color)",
      opacity: 0.75,
    },
  },
  // The outline's connectors: down from under the parent's first letter, then right into the child
  // (└). One bend, placed by treeConnector() relative to the line between the two endpoints.
  {
    selector: "edge.tree",
    style: {
      width: 2,
      opacity: 1,
      "curve-style": "segments",
      "edge-distances": "node-position",
      "segment-weights": "data(bendWeight)",
      "segment-distances": "data(bendDistance)",
      "source-endpoint": `${CONNECTOR_X}px 50%`,
      "target-endpoint": "-50% 0%",
      "target-arrow-shape": "none",
    },
  },
  { selector: "edge[kind = 'kind_of'].cross", style: { "line-style": "solid" } },
  { selector: "edge[kind != 'kind_of']", style: { "line-style": "dashed", "line-dash-pattern": [7, 5] } },
  { selector: "edge[kind = 'refines']", style: { "line-style": "dotted" } },
  // Relations other than the outline's are drawn only when asked for, or for the selected technique.
  { selector: "edge.cross.off", style: { display: "none" } },
  { selector: "edge.emphasis", style: { opacity: 1, width: 2.6, "z-index": 10 } },
];
