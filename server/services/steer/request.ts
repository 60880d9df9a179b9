import { and, eq, isNull } from "drizzle-orm";
import type PgBoss from "pg-boss";
import type { Database } from "~/db/client";
import { experiments, experimentVersions, models, runs, steerResults } from "~/db/schema";
import { DomainError } from "../../errors";
import type { SessionUser } from "../../trpc/context";
import { enforceRateLimit, type RateLimit } from "../rate-limit";
import { diffmeanResidLayers } from "../runs/diffmean-directions";
import { type SteerRequest, steerParams, steerParamsHash } from "./params";
import { enqueueSteer } from "./queue";

/** Each new generation costs a worker a few seconds; asking again for a stored result is free. */
export const STEER_RATE_LIMIT: RateLimit = { name: "steer-user", max: 20, windowSeconds: 10 * 60, what: "steered generations in a short time" };

/**
 * Returns the stored result for these parameters, or stores a queued one and sends its job. A
 * result that failed is tried again (its failure may have been the worker's, not the request's).
 */
export async function requestSteer(db: Database, boss: PgBoss, user: SessionUser, request: SteerRequest): Promise<{ id: number; status: string; created: boolean }> {
  const [model] = await db
    .select({ id: models.id, name: models.name, sha256: models.sha256, status: models.status, layers: models.layers })
    .from(models)
    .where(eq(models.id, request.modelId));
  if (!model) throw new DomainError("BAD_REQUEST", `Model #${request.modelId} is not hosted here; choose one of the listed models.`);
  if (model.status !== "ready" || !model.sha256 || model.layers === null) throw new DomainError("CONFLICT", `The model ${model.name} is not ready yet; try again when it is.`);
  if (request.layer >= model.layers) {
    throw new DomainError("BAD_REQUEST", `${model.name} has ${model.layers} layers (0–${model.layers - 1}); layer ${request.layer} is past its last.`);
  }
  if (request.direction.kind === "run") await assertRunDirection(db, request.direction.runId, model, request.layer);

  const params = steerParams(request, { id: model.id, name: model.name, sha256: model.sha256 });
  const paramsHash = steerParamsHash(params);
  const [existing] = await db
    .select({ id: steerResults.id, status: steerResults.status, jobId: steerResults.jobId, startedAt: steerResults.startedAt })
    .from(steerResults)
    .where(eq(steerResults.paramsHash, paramsHash));
  if (existing && !needsAnotherTry(existing)) return { id: existing.id, status: existing.status, created: false };

  await enforceRateLimit(db, STEER_RATE_LIMIT, user.id);
  let id: number;
  if (existing) {
    // Failed, queued without a job, or left running by a worker that died: queue it again.
    const [again] = await db
      .update(steerResults)
      .set({ status: "queued", error: null, partial: null, result: null, jobId: null, startedAt: null, finishedAt: null, requestedById: user.id })
      .where(and(eq(steerResults.id, existing.id), eq(steerResults.status, existing.status)))
      .returning({ id: steerResults.id });
    if (!again) return { id: existing.id, status: "queued", created: false }; // someone else just did
    id = again.id;
  } else {
    const [row] = await db.insert(steerResults).values({ paramsHash, params: { ...params }, modelId: model.id, requestedById: user.id }).onConflictDoNothing({ target: steerResults.paramsHash }).returning({ id: steerResults.id });
    if (!row) {
      // The same parameters were asked for at the same moment: that request's row is the result.
      const [raced] = await db.select({ id: steerResults.id, status: steerResults.status }).from(steerResults).where(eq(steerResults.paramsHash, paramsHash));
      if (!raced) throw new Error("steer result vanished after a conflicting insert");
      return { id: raced.id, status: raced.status, created: false };
    }
    id = row.id;
  }
  try {
    const jobId = await enqueueSteer(boss, id);
    if (jobId) await db.update(steerResults).set({ jobId }).where(and(eq(steerResults.id, id), isNull(steerResults.jobId)));
  } catch (error) {
    // The row stays queued without a job; asking again sends it.
    console.error(`[steer] could not enqueue result ${id}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { id, status: "queued", created: true };
}

/** A generation takes seconds; one "running" this long lost its worker (and its job may have run out of tries). */
const STALE_RUNNING_MS = 10 * 60_000;

function needsAnotherTry(row: { status: string; jobId: string | null; startedAt: Date | null }, now = Date.now()): boolean {
  if (row.status === "failed") return true;
  if (row.status === "queued") return row.jobId === null;
  return row.status === "running" && row.startedAt !== null && now - row.startedAt.getTime() > STALE_RUNNING_MS;
}

/** The run must be a finished run of a published experiment on this model, with a diffmean direction at the layer. */
async function assertRunDirection(db: Database, runId: number, model: { id: number; name: string }, layer: number): Promise<void> {
  const [run] = await db
    .select({ status: runs.status, modelId: runs.modelId, state: experiments.state })
    .from(runs)
    .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
    .innerJoin(experiments, eq(experiments.id, experimentVersions.experimentId))
    .where(eq(runs.id, runId));
  if (!run || run.state !== "published") throw new DomainError("BAD_REQUEST", `Run #${runId} is not a run of a published experiment; choose a direction from the list.`);
  if (run.status !== "done") throw new DomainError("BAD_REQUEST", `Run #${runId} has not finished, so it has no direction yet.`);
  if (run.modelId !== model.id) throw new DomainError("BAD_REQUEST", `Run #${runId} was computed on another model; a direction only means something in the model it was found in. Choose a run on ${model.name}.`);
  const have = await diffmeanResidLayers(db, runId);
  if (have.length === 0) throw new DomainError("BAD_REQUEST", `Run #${runId} stored no diffmean direction of the residual stream; choose a run of an experiment with the diffmean method.`);
  if (!have.includes(layer)) throw new DomainError("BAD_REQUEST", `Run #${runId} has diffmean directions at layers ${have.join(", ")}, not at layer ${layer}.`);
}
