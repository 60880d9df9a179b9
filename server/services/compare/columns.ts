import { sql } from "drizzle-orm";
import type { Database } from "~/db/client";
import { COMPARE_MAX_MODELS, type CompareQuery } from "./url-state";

/**
 * The matrix's columns: hosted models, i.e. every model that is ready plus any model that has runs
 * (a model that failed later still has results to show). Each base model comes first, followed by
 * its precision variants, by name; so "does it survive quantisation?" reads left to right.
 */

export interface ModelColumn {
  id: number;
  name: string;
  status: "registered" | "downloading" | "compiling" | "ready" | "failed";
  precision: string | null;
  layers: number | null;
  /** For a precision variant: the model it was converted from. */
  baseModel: string | null;
}

export async function hostedModels(db: Database): Promise<ModelColumn[]> {
  const rows = await db.execute<{ id: number; name: string; status: ModelColumn["status"]; precision: string | null; layers: number | null; base_model: string | null }>(sql`
    select m.id, m.name, m.status, m.precision, m.layers, base.name as base_model
    from models m
    left join models base on base.id = m.base_model_id
    where m.status = 'ready' or exists (select 1 from runs r where r.model_id = m.id)
    order by coalesce(base.name, m.name), m.base_model_id is not null, m.name`);
  return rows.map((r) => ({ id: r.id, name: r.name, status: r.status, precision: r.precision, layers: r.layers, baseModel: r.base_model }));
}

export interface ColumnChoice {
  /** The columns of this view, in order (at most COMPARE_MAX_MODELS). */
  shown: ModelColumn[];
  /** Hosted models not shown (choose them with the model filter). */
  hidden: number;
  /** Names asked for that are not hosted models. */
  unknown: string[];
}

/** The models asked for (in the default order), or the first COMPARE_MAX_MODELS of them. */
export function chooseColumns(all: ModelColumn[], state: Pick<CompareQuery, "models">): ColumnChoice {
  if (state.models.length === 0) {
    const shown = all.slice(0, COMPARE_MAX_MODELS);
    return { shown, hidden: all.length - shown.length, unknown: [] };
  }
  const wanted = new Set(state.models);
  const shown = all.filter((m) => wanted.has(m.name)).slice(0, COMPARE_MAX_MODELS);
  const known = new Set(all.map((m) => m.name));
  return { shown, hidden: all.length - shown.length, unknown: state.models.filter((n) => !known.has(n)) };
}
