import type { TreeIndex } from "./tree";

/**
 * Label level of detail. Every label is drawn at least MIN_LABEL_PX tall on screen or not at all:
 * zoomed out, only families (roots) and hubs (techniques with kinds of their own, or many relations)
 * are named; everything is named once zoomed in. The selected technique and its neighbours are
 * always named, and families down to FAMILY_NAMES_MIN_ZOOM, their font growing as the map zooms out
 * (see pinnedFontSize).
 *
 * (Cytoscape's own `min-zoomed-font-size` compares against the nearest power-of-two texture level,
 * not the zoom, so it lets 6 px labels through; the map applies this rule itself.)
 */
export const MIN_LABEL_PX = 11;

export const LABEL_TIERS = ["root", "hub", "leaf"] as const;
export type LabelTier = (typeof LABEL_TIERS)[number];

/** Font size in map units per tier; on screen it is multiplied by the zoom. */
export const TIER_FONT: Record<LabelTier, number> = { root: 23, hub: 19, leaf: 14 };

/** A technique with this many relations of any kind is a hub even without kinds of its own. */
const HUB_DEGREE = 6;

export function labelTier(id: number, tree: TreeIndex, degree: number): LabelTier {
  if (!tree.parents.has(id)) return "root";
  if ((tree.children.get(id)?.length ?? 0) > 0 || degree >= HUB_DEGREE) return "hub";
  return "leaf";
}

/** Whether a label of this font size is readable at this zoom. */
export function labelReadable(fontSize: number, zoom: number): boolean {
  return fontSize * zoom >= MIN_LABEL_PX;
}

/** The lowest zoom at which a tier's labels appear. */
export function tierZoom(tier: LabelTier): number {
  return MIN_LABEL_PX / TIER_FONT[tier];
}

/**
 * Families stay named when zoomed out further than their font allows (their labels grow to stay
 * readable, like the selection's), down to this zoom: below it names wrap into too many lines to
 * stay within their column.
 */
export const FAMILY_NAMES_MIN_ZOOM = 0.22;

/** Whether a label is drawn enlarged (pinned) rather than at its tier's size or not at all. */
export function keepsNameEnlarged(tier: LabelTier, zoom: number, pinned: boolean): boolean {
  if (labelReadable(TIER_FONT[tier], zoom)) return false;
  return pinned || (tier === "root" && zoom >= FAMILY_NAMES_MIN_ZOOM);
}

/**
 * Font size (map units) for a label that must stay readable at any zoom: its tier's size, or larger
 * when zoomed out so that it is drawn a little over the minimum.
 */
export function pinnedFontSize(tier: LabelTier, zoom: number): number {
  return Math.max(TIER_FONT[tier], (MIN_LABEL_PX + 1) / Math.max(zoom, 0.01));
}
