import { and, asc, eq, gt, isNotNull, isNull, sql } from "drizzle-orm";
import type { Database } from "~/db/client";
import { experimentVersions, models, runs } from "~/db/schema";
import { checkClaims } from "../../experiments/verdicts";
import { headlineMetric } from "../headline-metric";

/**
 * The summary a finished run carries next to its metrics, so lists, matrices and rates read a few
 * columns instead of every run's metrics: its claims' verdict (with the per-claim checks) and its
 * headline number. Written by the worker in the transaction that marks the run done, and filled in
 * for runs finished before these columns existed.
 */
export function runSummaryColumns(claims: readonly unknown[], metrics: unknown, nLayers: number) {
  const { verdict, checks } = checkClaims(claims, metrics, nLayers);
  const methods = typeof metrics === "object" && metrics !== null ? (metrics as { methods?: unknown }).methods : undefined;
  const headline = headlineMetric(methods);
  return {
    verdict,
    verdictDetails: checks as unknown[],
    headlineMetric: headline?.metric ?? null,
    headlineValue: headline?.value ?? null,
    headlineLayer: headline?.layer ?? null,
  };
}

export type RunSummaryColumns = ReturnType<typeof runSummaryColumns>;

/**
 * Fills the summary of done runs that have none (verdict null), oldest first, in batches. Safe to
 * run from several workers at once and again later: a row is only written while its verdict is
 * still null, and the same metrics and claims always give the same summary. Stops between batches
 * once `shouldStop` says so. Returns how many rows it wrote.
 */
export async function backfillRunSummaries(db: Database, options: { batchSize?: number; shouldStop?: () => boolean } = {}): Promise<number> {
  const batchSize = options.batchSize ?? 100;
  let after = 0;
  let written = 0;
  while (!options.shouldStop?.()) {
    const batch = await db
      .select({
        id: runs.id,
        metrics: runs.metrics,
        claims: experimentVersions.claims,
        // The depth the engine recorded with the metrics; the model row's as a fallback.
        nLayers: sql<number | null>`coalesce(case when jsonb_typeof(${runs.metrics} -> 'model' -> 'nLayers') = 'number' then (${runs.metrics} -> 'model' ->> 'nLayers')::numeric::int end, ${models.layers})`,
      })
      .from(runs)
      .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
      .leftJoin(models, eq(models.id, runs.modelId))
      .where(and(eq(runs.status, "done"), isNull(runs.verdict), isNotNull(runs.metrics), gt(runs.id, after)))
      .orderBy(asc(runs.id))
      .limit(batchSize);
    if (batch.length === 0) return written;
    for (const row of batch) {
      const columns = runSummaryColumns(row.claims, row.metrics, row.nLayers ?? 0);
      const updated = await db
        .update(runs)
        .set(columns)
        .where(and(eq(runs.id, row.id), isNull(runs.verdict)))
        .returning({ id: runs.id });
      written += updated.length;
    }
    after = batch[batch.length - 1]!.id;
  }
  return written;
}
