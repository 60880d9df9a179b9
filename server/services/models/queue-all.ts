import { eq } from "drizzle-orm";
import type PgBoss from "pg-boss";
import type { Database } from "~/db/client";
import { models } from "~/db/schema";
import { DomainError, notFound } from "../../errors";
import { queueRunsForModel } from "../experiments/publish";

/**
 * Queues every published experiment's latest version on one model where no run exists yet (the
 * same attempt-0 runs a model gets when it becomes ready, so nothing is ever queued twice).
 * Costs worker time, so the router lets moderators do it. Returns how many runs were queued.
 */
export async function queueAllForModel(db: Database, boss: PgBoss, name: string): Promise<{ model: string; queued: number }> {
  const [model] = await db.select({ id: models.id, name: models.name, status: models.status, sha256: models.sha256 }).from(models).where(eq(models.name, name));
  if (!model) throw notFound(`The model "${name.slice(0, 100)}"`);
  if (model.status !== "ready" || model.sha256 === null) {
    const why = model.status === "failed" ? "it failed to load" : `it is ${model.status}`;
    throw new DomainError("CONFLICT", `${model.name} is not ready to run experiments (${why}). Runs can be queued once it is ready; a model that becomes ready gets every published experiment automatically.`);
  }
  const runIds = await queueRunsForModel(db, boss, model.id);
  return { model: model.name, queued: runIds.length };
}
