import { and, desc, eq, sql } from "drizzle-orm";
import type { Database } from "~/db/client";
import { experiments, experimentVersions, models, runs } from "~/db/schema";
import { headlineMetric } from "./headline-metric";

/** The newest finished runs of published experiments, with their model and headline metric (home page). */
export async function recentRuns(db: Database, limit: number) {
  const rows = await db
    .select({
      id: runs.id,
      model: sql<string>`coalesce(${models.name}, 'removed model ' || left(${runs.modelSha256}, 8))`,
      experimentId: experiments.id,
      title: experimentVersions.title,
      version: experimentVersions.version,
      finishedAt: runs.finishedAt,
      methods: sql<unknown>`${runs.metrics}->'methods'`,
    })
    .from(runs)
    .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
    .innerJoin(experiments, eq(experiments.id, experimentVersions.experimentId))
    .leftJoin(models, eq(models.id, runs.modelId))
    .where(and(eq(runs.status, "done"), eq(experiments.state, "published")))
    .orderBy(sql`${runs.finishedAt} desc nulls last`, desc(runs.id))
    .limit(limit);
  return rows.map(({ methods, ...r }) => ({ ...r, headline: headlineMetric(methods) }));
}
