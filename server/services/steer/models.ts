import { and, asc, eq, isNotNull } from "drizzle-orm";
import type { Database } from "~/db/client";
import { models } from "~/db/schema";

/** Models one can steer now: ready, with their depth known. */
export async function steerableModels(db: Database) {
  return db
    .select({ id: models.id, name: models.name, layers: models.layers, dModel: models.dModel })
    .from(models)
    .where(and(eq(models.status, "ready"), isNotNull(models.sha256), isNotNull(models.layers)))
    .orderBy(asc(models.name))
    .limit(500);
}
