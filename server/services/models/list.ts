import { asc, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Queryable } from "~/db/transaction";
import { models } from "~/db/schema";
import { type ModelFacts, selectModelFacts, toModelFacts } from "./facts";
import type { ModelListInput, ModelSort } from "./input";
import { type ModelRunCounts, NO_RUNS, runCountsByModel } from "./published-runs";

/** Every hosted model with its facts and what published experiments found on it. */

export type ModelListItem = ModelFacts & ModelRunCounts;

const SORT_COLUMNS: Record<ModelSort, SQL | typeof models.name> = {
  name: models.name,
  parameters: sql`${models.parameterCount}`,
  layers: sql`${models.layers}`,
  loss: sql`${models.heldOutLoss}`,
};

export async function listModels(db: Queryable, input: ModelListInput): Promise<{ items: ModelListItem[]; total: number; filters: ModelListInput }> {
  const column = SORT_COLUMNS[input.sort];
  // Unknown values (a model still being inspected) go last either way; ties fall back to the name.
  const primary = input.sort === "name" ? (input.order === "asc" ? asc(models.name) : desc(models.name)) : sql`${column} ${sql.raw(input.order)} nulls last`;
  const rows = await selectModelFacts(db)
    .where(input.status ? eq(models.status, input.status) : undefined)
    .orderBy(primary, asc(models.name));
  const counts = await runCountsByModel(db, rows.map((r) => r.id));
  const items = rows.map((r) => ({ ...toModelFacts(r), ...(counts.get(r.id) ?? NO_RUNS) }));
  return { items, total: items.length, filters: input };
}
