import { and, desc, eq, exists, ilike, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "~/db/client";
import { experiments, experimentVersions, experimentVersionTechniques, models, runArtifacts, runs, techniques } from "~/db/schema";
import { idSchema, singleLine } from "../../validation/text";
import { ARTIFACT } from "../runs/artifact-names";
import { residPostArtifact } from "../runs/diffmean-directions";

export const STEER_DIRECTIONS_PAGE_SIZE = 20;

export const steerDirectionsSchema = z.strictObject({
  /** Words of the experiment's title or of a technique's name or slug. */
  q: singleLine({ max: 200, label: "The search" }).optional(),
  /** A technique slug: only experiments that exercise it. */
  technique: singleLine({ max: 100, label: "The technique" }).optional(),
  modelId: idSchema.optional(),
  page: z.number().int().min(1).max(10_000).default(1),
});
export type SteerDirectionsInput = z.output<typeof steerDirectionsSchema>;

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Techniques of a version matching `where` (a condition on `techniques`). */
const versionHasTechnique = (db: Database, where: SQL) =>
  exists(
    db
      .select({ one: sql`1` })
      .from(experimentVersionTechniques)
      .innerJoin(techniques, eq(techniques.id, experimentVersionTechniques.techniqueId))
      .where(and(eq(experimentVersionTechniques.versionId, runs.versionId), where)),
  );

/**
 * Directions to steer with: finished runs of published experiments that stored a diffmean
 * direction of the residual stream, newest first, with their experiment, model, the layers they have a direction at and
 * their techniques. Searchable by title or technique; 20 per page.
 */
export async function listSteerDirections(db: Database, input: SteerDirectionsInput) {
  const conditions: SQL[] = [eq(runs.status, "done"), eq(experiments.state, "published")];
  if (input.modelId !== undefined) conditions.push(eq(runs.modelId, input.modelId));
  if (input.technique) conditions.push(versionHasTechnique(db, eq(techniques.slug, input.technique)));
  if (input.q) {
    const pattern = likePattern(input.q);
    conditions.push(or(ilike(experimentVersions.title, pattern), versionHasTechnique(db, or(ilike(techniques.name, pattern), ilike(techniques.slug, pattern))!))!);
  }
  const offset = (input.page - 1) * STEER_DIRECTIONS_PAGE_SIZE;
  const rows = await db
    .select({
      runId: runs.id,
      experimentId: experiments.id,
      title: experimentVersions.title,
      version: experimentVersions.version,
      modelId: models.id,
      modelName: models.name,
      finishedAt: runs.finishedAt,
      layers: sql<number[]>`array_agg(distinct ${runArtifacts.layer} order by ${runArtifacts.layer}) filter (where ${runArtifacts.layer} is not null)`,
      techniques: sql<string[]>`(select coalesce(array_agg(t.name order by t.name), '{}') from ${experimentVersionTechniques} evt join ${techniques} t on t.id = evt.technique_id where evt.version_id = ${runs.versionId})`,
      total: sql<number>`(count(*) over ())::int`,
    })
    .from(runs)
    .innerJoin(runArtifacts, and(eq(runArtifacts.runId, runs.id), eq(runArtifacts.name, ARTIFACT.diffmeanDirection), residPostArtifact))
    .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
    .innerJoin(experiments, eq(experiments.id, experimentVersions.experimentId))
    .innerJoin(models, eq(models.id, runs.modelId))
    .where(and(...conditions))
    .groupBy(runs.id, experiments.id, experimentVersions.title, experimentVersions.version, models.id, models.name)
    .orderBy(desc(runs.id))
    .limit(STEER_DIRECTIONS_PAGE_SIZE)
    .offset(offset);
  const total = rows[0]?.total ?? 0;
  return {
    items: rows.map(({ total: _total, layers, ...r }) => ({ ...r, layers: layers ?? [] })),
    total,
    page: input.page,
    pageCount: Math.max(1, Math.ceil(total / STEER_DIRECTIONS_PAGE_SIZE)),
  };
}
