import { and, asc, eq, ne, or } from "drizzle-orm";
import type { Queryable } from "~/db/transaction";
import { models } from "~/db/schema";
import { notFound } from "../../errors";
import { selectModelFacts, toModelFacts } from "./facts";
import { MODEL_RUNS_PAGE_SIZE, type ModelByNameInput } from "./input";
import { modelRunsPage, NO_RUNS, notYetRunCount, runCountsByModel } from "./published-runs";

/** One model's page: its facts, related models, the experiments run on it (paginated) and how many are not yet run. */

export async function modelByName(db: Queryable, input: ModelByNameInput) {
  const [row] = await selectModelFacts(db).where(eq(models.name, input.name));
  if (!row) throw notFound(`The model "${input.name.slice(0, 100)}"`);
  const facts = toModelFacts(row);
  const [counts, runs, notYetRun, related] = await Promise.all([
    runCountsByModel(db, [row.id]),
    modelRunsPage(db, row.id, input.page, MODEL_RUNS_PAGE_SIZE),
    notYetRunCount(db, { id: row.id, sha256: row.sha256 }),
    relatedModels(db, row.id, row.recipe),
  ]);
  return {
    model: { ...facts, ...(counts.get(row.id) ?? NO_RUNS) },
    /** Lower-precision variants converted from this model. */
    variants: related.filter((r) => r.baseModelId === row.id).map(({ name, precision }) => ({ name, precision })),
    /** Other models trained by the same recipe (other seeds): the seed-variation baseline. */
    sameRecipe: row.recipe === null ? [] : related.filter((r) => r.recipe === row.recipe && r.baseModelId !== row.id).map(({ name, precision }) => ({ name, precision })),
    runs,
    notYetRun,
    canQueue: row.status === "ready" && row.sha256 !== null,
  };
}

async function relatedModels(db: Queryable, id: number, recipe: string | null) {
  const link = recipe === null ? eq(models.baseModelId, id) : or(eq(models.baseModelId, id), eq(models.recipe, recipe));
  return db
    .select({ name: models.name, precision: models.precision, recipe: models.recipe, baseModelId: models.baseModelId })
    .from(models)
    .where(and(ne(models.id, id), link))
    .orderBy(asc(models.name));
}

export type ModelDetail = Awaited<ReturnType<typeof modelByName>>;
