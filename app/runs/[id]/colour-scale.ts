/**
 * Colours of the causal methods' heatmaps, computed on the server so the tables are coloured without
 * JavaScript: a diverging red–white–blue scale for restored fractions (0 white, 1 = clean blue,
 * −1 red, clamped beyond) and a white-to-blue scale for probabilities and scores in [0, 1].
 */

// ColorBrewer RdBu (11 classes) and Blues (9 classes), as Observable Plot's schemes.
const RD_BU = ["#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061"];
const BLUES = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"];

export type ColourScale = "diverging" | "probability";

const rgb = (hex: string): [number, number, number] => [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];

/** t in [0, 1] along the stops, linearly in RGB. */
function along(stops: readonly string[], t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const a = rgb(stops[i]!);
  const b = rgb(stops[i + 1]!);
  const f = x - i;
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as [number, number, number];
}

export interface CellColour {
  background: string;
  /** Black or white, whichever reads on the background (WCAG relative luminance). */
  color: string;
}

const NO_VALUE: CellColour = { background: "#e5e7eb", color: "#111827" };

function luminance([r, g, b]: [number, number, number]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** The scale's colour as numbers (for canvas pixels); a missing value is light grey. */
export function scaleRgb(value: number | null, scale: ColourScale): [number, number, number] {
  if (value === null || !Number.isFinite(value)) return [229, 231, 235];
  return scale === "diverging" ? along(RD_BU, (value + 1) / 2) : along(BLUES, value);
}

export function cellColour(value: number | null, scale: ColourScale): CellColour {
  if (value === null || !Number.isFinite(value)) return NO_VALUE;
  const c = scaleRgb(value, scale);
  // Contrast against black is (L + 0.05) / 0.05, against white 1.05 / (L + 0.05): pick the larger.
  const l = luminance(c);
  return { background: `rgb(${c[0]}, ${c[1]}, ${c[2]})`, color: (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000000" : "#ffffff" };
}

/** The CSS gradient of a legend bar, left to right. */
export function legendGradient(scale: ColourScale): string {
  const stops = scale === "diverging" ? RD_BU : BLUES;
  return `linear-gradient(to right, ${stops.join(", ")})`;
}

/** A token as shown in a label: spaces as ␣ and line breaks as ↵, so " Tom" and "Tom" differ visibly. */
export function showToken(token: string): string {
  return token.replace(/ /g, "␣").replace(/\n/g, "↵").replace(/\t/g, "⇥") || "∅";
}

/** A token quoted for sentences and tooltips: “ Tom”. */
export function quoteToken(token: string): string {
  return `“${token.replace(/\n/g, "\\n")}”`;
}
