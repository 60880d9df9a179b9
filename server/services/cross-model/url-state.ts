import { z } from "zod";
import { CLAIM_METRIC_NAMES } from "../../experiments/claims";

/**
 * The state of an experiment's across-models page, all of it in the URL so every view is a
 * permalink: `?view=curves&metric=diffmean.accuracy&x=depth&a=stories260K&b=tinystories-qwen2-d64-l4&v=2`.
 * The page, its controls and the export route read and write it with these two functions. Parsing
 * never fails: a missing, unknown or malformed value falls back to its default (null = "let the
 * server choose", e.g. the first measured metric or the latest published version).
 * Browser-safe (the controls serialise with it).
 */

export const CROSS_MODEL_VIEWS = ["curves", "agreement"] as const;
export type CrossModelView = (typeof CROSS_MODEL_VIEWS)[number];

export const X_AXES = ["layer", "depth"] as const;
export type XAxis = (typeof X_AXES)[number];

/** Model names as the registry allows them (letters, digits, . _ -). */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** Hook kinds as runs report them without the block, e.g. "hook_resid_post", "mlp.hook_post". */
const HOOK_KIND = /^[A-Za-z0-9_.]{1,100}$/;

const nullable = <T extends z.ZodType<string | number, string>>(schema: T) => schema.nullable().catch(null);

export const crossModelStateSchema = z.object({
  view: z.enum(CROSS_MODEL_VIEWS).catch("curves"),
  /** "method.field", one of the claimable metrics. */
  metric: nullable(z.string().refine((m) => CLAIM_METRIC_NAMES.includes(m))),
  x: z.enum(X_AXES).catch("layer"),
  hook: nullable(z.string().regex(HOOK_KIND)),
  /** The agreement pair: model a (rows) and model b (columns). */
  a: nullable(z.string().regex(MODEL_NAME)),
  b: nullable(z.string().regex(MODEL_NAME)),
  /** The experiment version; null = the latest published one. */
  v: nullable(
    z
      .string()
      .regex(/^[1-9][0-9]{0,5}$/)
      .transform(Number)
      .pipe(z.number().max(100_000)),
  ),
});

export type CrossModelState = z.output<typeof crossModelStateSchema>;

export const DEFAULT_CROSS_MODEL_STATE: CrossModelState = crossModelStateSchema.parse({});

const KEYS = ["view", "metric", "x", "hook", "a", "b", "v"] as const satisfies ReadonlyArray<keyof CrossModelState>;

type SearchParamsLike = URLSearchParams | Record<string, string | string[] | undefined>;

/** The first value of a key, from URLSearchParams or Next.js's searchParams object. */
function firstValue(params: SearchParamsLike, key: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
  const v = params[key];
  return Array.isArray(v) ? v[0] : v;
}

export function parseCrossModelState(params: SearchParamsLike): CrossModelState {
  const raw: Record<string, string | undefined> = {};
  for (const key of KEYS) {
    const value = firstValue(params, key)?.trim();
    // An empty value (a GET form's blank option) means "the default", like a missing one.
    raw[key] = value === "" ? undefined : value;
  }
  return crossModelStateSchema.parse(raw);
}

/** Search params for a state, leaving out what equals the default (short permalinks). */
export function serializeCrossModelState(state: CrossModelState): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of KEYS) {
    const value = state[key];
    if (value === null || value === DEFAULT_CROSS_MODEL_STATE[key]) continue;
    params.set(key, String(value));
  }
  return params;
}

/** The page's address for a state. */
export function crossModelHref(experimentId: number, state: CrossModelState): string {
  const qs = serializeCrossModelState(state).toString();
  return `/experiments/${experimentId}/across-models${qs ? `?${qs}` : ""}`;
}

/** The export route's address for a state, a view and a format. */
export function crossModelExportHref(experimentId: number, state: CrossModelState, view: CrossModelView, format: "csv" | "json"): string {
  const params = serializeCrossModelState({ ...state, view });
  // The export always names its view, even the default one.
  params.set("view", view);
  params.set("format", format);
  return `/api/experiments/${experimentId}/across-models?${params.toString()}`;
}
