import { z } from "zod";
import { RUN_VERDICTS } from "~/db/schema/experiments";
import { slugSchema } from "../technique-input";

/**
 * The compare page's state lives in its URL (a permalink): technique, models, verdict, title
 * search, sort and page. The page and the CSV/JSON export read it with `parseCompareState`, which
 * never fails: a malformed or unknown value falls back to its default, one field at a time, so a
 * hand-edited link still shows a page. The tRPC input (`compareQuerySchema`) is strict instead.
 *
 *   /compare?technique=linear-probing&model=a&model=b&verdict=partly&q=sentiment&sort=value:a&page=2
 */

/** Experiment rows per page, and model columns per view (a model filter chooses others). */
export const COMPARE_PAGE_SIZE = 25;
export const COMPARE_MAX_MODELS = 20;

/** A cell's verdict as the filter names it: the run's claim verdict, or "not_run" when no run of this version on the model finished. */
export const CELL_VERDICTS = [...RUN_VERDICTS, "not_run"] as const;
export type CellVerdict = (typeof CELL_VERDICTS)[number];

export const COMPARE_SORTS = ["newest", "title", "reproduction", "value"] as const;
export type CompareSort = (typeof COMPARE_SORTS)[number];

// The registry's model-name rule (workers/models/source.ts), repeated here so the server layer does not import the workers'.
const modelName = z
  .string()
  .trim()
  .max(100, "A model name has at most 100 characters.")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "A model name uses letters, digits, '.', '_' and '-'.");

const titleSearch = z.string().trim().max(200, "Search with at most 200 characters.");

export const compareQuerySchema = z.object({
  technique: slugSchema.nullable().default(null),
  models: z.array(modelName).max(COMPARE_MAX_MODELS, `Choose at most ${COMPARE_MAX_MODELS} models.`).default([]),
  verdict: z.enum(CELL_VERDICTS).nullable().default(null),
  q: titleSearch.default(""),
  sort: z.enum(COMPARE_SORTS).default("newest"),
  /** For sort "value": the model whose headline value orders the rows. */
  sortModel: modelName.nullable().default(null),
  page: z.number().int().min(1).max(100_000).default(1),
});
export type CompareQuery = z.infer<typeof compareQuerySchema>;
export type CompareQueryInput = z.input<typeof compareQuerySchema>;

export const DEFAULT_COMPARE_STATE: CompareQuery = compareQuerySchema.parse({});

type SearchParamsLike = URLSearchParams | Record<string, string | string[] | undefined>;

function all(params: SearchParamsLike, key: string): string[] {
  if (params instanceof URLSearchParams) return params.getAll(key);
  const v = params[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
const one = (params: SearchParamsLike, key: string): string | undefined => all(params, key)[0];

/** "value:<model>" in the URL (one select can only send one parameter). */
function parseSort(raw: string | undefined): Pick<CompareQuery, "sort" | "sortModel"> {
  if (raw?.startsWith("value:")) {
    const model = modelName.min(1).safeParse(raw.slice("value:".length));
    return model.success ? { sort: "value", sortModel: model.data } : { sort: "newest", sortModel: null };
  }
  const sort = z.enum(COMPARE_SORTS).exclude(["value"]).safeParse(raw);
  return sort.success ? { sort: sort.data, sortModel: null } : { sort: "newest", sortModel: null };
}

/** The compare state from search parameters; anything unusable becomes its default. */
export function parseCompareState(params: SearchParamsLike): CompareQuery {
  const technique = slugSchema.safeParse(one(params, "technique") ?? "");
  // Models may come as repeated `model=` (the form's checkboxes) or comma-separated (hand-written links).
  const names = all(params, "model").flatMap((v) => v.split(","));
  const models = [...new Set(names.map((n) => modelName.min(1).safeParse(n)).flatMap((r) => (r.success ? [r.data] : [])))].slice(0, COMPARE_MAX_MODELS);
  const verdict = z.enum(CELL_VERDICTS).safeParse(one(params, "verdict"));
  const q = titleSearch.safeParse(one(params, "q") ?? "");
  const pageRaw = one(params, "page") ?? "";
  const page = /^[1-9]\d{0,5}$/.test(pageRaw) ? Math.min(Number(pageRaw), 100_000) : 1;
  return {
    technique: technique.success ? technique.data : null,
    models,
    verdict: verdict.success ? verdict.data : null,
    q: q.success ? q.data : "",
    ...parseSort(one(params, "sort")),
    page,
  };
}

/** The sort as the URL (and the form's select) writes it. */
export function sortParam(state: Pick<CompareQuery, "sort" | "sortModel">): string {
  return state.sort === "value" && state.sortModel ? `value:${state.sortModel}` : state.sort;
}

/** Search parameters for this state, defaults left out (so the plain page is `/compare`). */
export function compareSearchParams(state: CompareQuery, options: { page?: boolean } = {}): URLSearchParams {
  const params = new URLSearchParams();
  if (state.technique) params.set("technique", state.technique);
  for (const m of state.models) params.append("model", m);
  if (state.verdict) params.set("verdict", state.verdict);
  if (state.q) params.set("q", state.q);
  const sort = sortParam(state);
  if (sort !== "newest") params.set("sort", sort);
  if ((options.page ?? true) && state.page > 1) params.set("page", String(state.page));
  return params;
}

/** A link to the compare page (or the export, with `base`) with this state and the given changes. */
export function compareHref(state: CompareQuery, changes: Partial<CompareQuery> = {}, base = "/compare"): string {
  const qs = compareSearchParams({ ...state, ...changes }).toString();
  return qs ? `${base}?${qs}` : base;
}
