import { z } from "zod";
import { FACETS, UNSPECIFIED, type FacetKey } from "../_lib/facets";

/**
 * What the map shows, kept in the URL so a shared link opens the same view:
 * `/?selected=probing-and-decoding&color=reproduction&hide=approach:observational&show=relations&zoom=1.4&x=120&y=-30`.
 * `x`/`y` are the map coordinates at the centre of the stage (not screen pixels), so the view
 * survives a different window size. Parsing never fails: a missing, unknown or malformed value falls
 * back to its default, and defaults are left out when writing (short links).
 * Pure and browser-safe.
 */

export const COLOR_MODES = ["approach", "direction", "unit", "evidence", "reproduction"] as const satisfies ReadonlyArray<FacetKey | "evidence" | "reproduction">;
export type ColorMode = (typeof COLOR_MODES)[number];

export const MIN_ZOOM = 0.1;
export const MAX_ZOOM = 2.5;
/** Map coordinates are at most a few thousand units; anything far outside is a broken link. */
const COORDINATE_LIMIT = 1_000_000;

/** Facet values hidden by the filters: facet key → hidden values. */
export type HiddenValues = Record<FacetKey, string[]>;
export const NO_FILTERS: HiddenValues = { approach: [], direction: [], unit: [] };

export interface MapView {
  zoom: number;
  x: number;
  y: number;
}

export interface MapUrlState {
  /** Slug of the selected technique (its side panel is open). */
  selected: string | null;
  color: ColorMode;
  hidden: HiddenValues;
  /** Draw every relation other than "kind of" (otherwise only the selected technique's). */
  showRelations: boolean;
  /** null = the default view the layout chooses for the stage. */
  view: MapView | null;
}

export const DEFAULT_MAP_STATE: MapUrlState = { selected: null, color: "approach", hidden: NO_FILTERS, showRelations: false, view: null };

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const finite = (min: number, max: number) => z.coerce.number().finite().min(min).max(max);

const viewSchema = z.object({
  zoom: finite(MIN_ZOOM, MAX_ZOOM),
  x: finite(-COORDINATE_LIMIT, COORDINATE_LIMIT),
  y: finite(-COORDINATE_LIMIT, COORDINATE_LIMIT),
});

const FACET_VALUES = new Map(FACETS.map((f) => [f.key, new Set([...f.values, UNSPECIFIED])]));

/** "approach:observational,unit:neuron" → hidden values; unknown facets or values are dropped. */
function parseHidden(raw: string | undefined): HiddenValues {
  const hidden: HiddenValues = { approach: [], direction: [], unit: [] };
  for (const pair of (raw ?? "").split(",").slice(0, 40)) {
    const parts = pair.split(":");
    const [facet, value] = parts;
    const known = FACET_VALUES.get(facet as FacetKey);
    if (parts.length !== 2 || !facet || !value || !known?.has(value)) continue;
    const list = hidden[facet as FacetKey];
    if (!list.includes(value)) list.push(value);
  }
  return hidden;
}

function serializeHidden(hidden: HiddenValues): string {
  // Facet order and value order as the filters list them: one state, one URL.
  return FACETS.flatMap((f) => [...f.values, UNSPECIFIED].filter((v) => hidden[f.key].includes(v)).map((v) => `${f.key}:${v}`)).join(",");
}

type SearchParamsLike = URLSearchParams | Record<string, string | string[] | undefined>;

function firstValue(params: SearchParamsLike, key: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
  const v = params[key];
  return Array.isArray(v) ? v[0] : v;
}

export function parseMapState(params: SearchParamsLike): MapUrlState {
  const get = (key: string) => firstValue(params, key)?.trim() || undefined;
  const selected = get("selected");
  const color = z.enum(COLOR_MODES).safeParse(get("color"));
  const view = viewSchema.safeParse({ zoom: get("zoom"), x: get("x"), y: get("y") });
  return {
    selected: selected && selected.length <= 120 && SLUG.test(selected) ? selected : null,
    color: color.success ? color.data : DEFAULT_MAP_STATE.color,
    hidden: parseHidden(get("hide")),
    showRelations: (get("show") ?? "").split(",").includes("relations"),
    view: view.success ? view.data : null,
  };
}

/** Rounds what the URL stores: three decimals of zoom and whole map units are plenty. */
const round = (n: number, digits: number) => {
  const r = Number(n.toFixed(digits));
  return Object.is(r, -0) ? 0 : r;
};

/**
 * Writes the state into `base` (other parameters, such as `view=list`, are kept), leaving out
 * defaults. Returns a new URLSearchParams.
 */
export function serializeMapState(state: MapUrlState, base: URLSearchParams = new URLSearchParams()): URLSearchParams {
  const params = new URLSearchParams(base);
  for (const key of ["selected", "color", "hide", "show", "zoom", "x", "y"]) params.delete(key);
  if (state.selected) params.set("selected", state.selected);
  if (state.color !== DEFAULT_MAP_STATE.color) params.set("color", state.color);
  const hide = serializeHidden(state.hidden);
  if (hide) params.set("hide", hide);
  if (state.showRelations) params.set("show", "relations");
  if (state.view) {
    params.set("zoom", String(round(state.view.zoom, 3)));
    params.set("x", String(round(state.view.x, 0)));
    params.set("y", String(round(state.view.y, 0)));
  }
  return params;
}

/** The view as the URL would restore it (rounded), to compare views without float noise. */
export function roundedView(view: MapView): MapView {
  return { zoom: round(view.zoom, 3), x: round(view.x, 0), y: round(view.y, 0) };
}
