import { z } from "zod";
import { MODEL_STATUSES } from "~/db/schema";

/** What the models pages and exports accept: sort keys, a status filter, a model name, a page. */

export const MODEL_SORTS = ["name", "parameters", "layers", "loss"] as const;
export type ModelSort = (typeof MODEL_SORTS)[number];

export const SORT_ORDERS = ["asc", "desc"] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export const modelListSchema = z.object({
  sort: z.enum(MODEL_SORTS, { message: `Sort by ${MODEL_SORTS.join(", ")}.` }).default("name"),
  order: z.enum(SORT_ORDERS, { message: 'The order is "asc" or "desc".' }).default("asc"),
  /** Only models in this state; omitted for every model. */
  status: z.enum(MODEL_STATUSES, { message: `A model's status is one of ${MODEL_STATUSES.join(", ")}.` }).optional(),
});
export type ModelListInput = z.infer<typeof modelListSchema>;

/** Any text up to the registry's limit: names the registry never makes are simply not found. */
export const modelNameSchema = z.string({ message: "Name the model." }).min(1, "Name the model.").max(100, "No model has a name this long.");

export const MODEL_RUNS_PAGE_SIZE = 20;

export const modelByNameSchema = z.object({
  name: modelNameSchema,
  page: z.number().int("A page is a whole number.").min(1, "Pages start at 1.").max(10_000, "There are not that many pages.").default(1),
});
export type ModelByNameInput = z.infer<typeof modelByNameSchema>;

/**
 * The list's URL state (`?sort=&order=&status=`) read leniently: anything malformed falls back to
 * the default instead of failing the page or the export.
 */
export function modelListFromParams(params: URLSearchParams | Record<string, string | string[] | undefined>): ModelListInput {
  const get = (key: string): string | undefined => {
    if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
    const value = params[key];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    sort: z.enum(MODEL_SORTS).catch("name").parse(get("sort")),
    order: z.enum(SORT_ORDERS).catch("asc").parse(get("order")),
    status: z.enum(MODEL_STATUSES).optional().catch(undefined).parse(get("status") || undefined),
  };
}
