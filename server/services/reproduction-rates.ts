import { and, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Database } from "~/db/client";
import { experiments, experimentVersions, experimentVersionTechniques, models, runs, type RunVerdict } from "~/db/schema";
import { checkClaims } from "../experiments/verdicts";

/**
 * How often a technique's claims reproduce. Counted over the runs that stand for each published
 * experiment exercising it: the latest version only (drafts and superseded versions do not count),
 * and per model the latest finished attempt (a rerun supersedes the earlier attempt).
 *
 * rate = (reproduced + ½ · partly) / (reproduced + partly + not reproduced); runs with nothing
 * checkable (unchecked) are counted but left out of the rate, which is null when nothing was checked.
 */

export const REPRODUCTION_RATE_FORMULA = "(reproduced + ½ × partly) ÷ (reproduced + partly + not reproduced)";

export interface ReproductionCounts {
  reproduced: number;
  partly: number;
  notReproduced: number;
  unchecked: number;
}

export interface ReproductionRate extends ReproductionCounts {
  /** 0–1, or null when no run had a checkable claim. */
  rate: number | null;
}

export function reproductionRate(c: ReproductionCounts): number | null {
  const checked = c.reproduced + c.partly + c.notReproduced;
  return checked === 0 ? null : (c.reproduced + 0.5 * c.partly) / checked;
}

export const NO_RUNS: ReproductionRate = { reproduced: 0, partly: 0, notReproduced: 0, unchecked: 0, rate: null };

const COUNT_KEY: Record<RunVerdict, keyof ReproductionCounts> = { reproduced: "reproduced", partly: "partly", not_reproduced: "notReproduced", unchecked: "unchecked" };

/** Adds n runs with this verdict to the counts. */
export function countVerdict(counts: ReproductionCounts, verdict: RunVerdict, n = 1): void {
  counts[COUNT_KEY[verdict]] += n;
}

/** Per technique id (all, or the given ones): its runs' verdicts counted, and the rate. Techniques without runs are absent. */
export async function reproductionRates(db: Database, techniqueIds?: readonly number[]): Promise<Map<number, ReproductionRate>> {
  if (techniqueIds && techniqueIds.length === 0) return new Map();
  const modelKey = sql`coalesce(${runs.modelId}::text, ${runs.modelSha256})`;
  // Per technique × version × model: the latest done attempt.
  const latest = db
    .selectDistinctOn([experimentVersionTechniques.techniqueId, runs.versionId, modelKey], {
      techniqueId: experimentVersionTechniques.techniqueId,
      runId: sql<number>`${runs.id}`.as("run_id"),
      verdict: runs.verdict,
    })
    .from(runs)
    .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
    .innerJoin(experiments, and(eq(experiments.id, experimentVersions.experimentId), eq(experiments.latestVersion, experimentVersions.version)))
    .innerJoin(experimentVersionTechniques, eq(experimentVersionTechniques.versionId, runs.versionId))
    .where(and(eq(runs.status, "done"), eq(experiments.state, "published"), techniqueIds ? inArray(experimentVersionTechniques.techniqueId, [...techniqueIds]) : undefined))
    .orderBy(experimentVersionTechniques.techniqueId, runs.versionId, modelKey, desc(runs.id))
    .as("latest");

  const [counted, pending] = await Promise.all([
    db
      .select({ techniqueId: latest.techniqueId, verdict: latest.verdict, n: sql<number>`count(*)::int` })
      .from(latest)
      .where(isNotNull(latest.verdict))
      .groupBy(latest.techniqueId, latest.verdict),
    // Done runs whose verdict a worker has not stored yet (finished before verdicts existed): checked here the same way.
    db
      .select({
        techniqueId: latest.techniqueId,
        metrics: runs.metrics,
        claims: experimentVersions.claims,
        modelLayers: models.layers,
      })
      .from(latest)
      .innerJoin(runs, eq(runs.id, latest.runId))
      .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
      .leftJoin(models, eq(models.id, runs.modelId))
      .where(isNull(latest.verdict)),
  ]);

  const out = new Map<number, ReproductionRate>();
  const entry = (id: number) => {
    let e = out.get(id);
    if (!e) out.set(id, (e = { ...NO_RUNS }));
    return e;
  };
  for (const row of counted) if (row.verdict) countVerdict(entry(row.techniqueId), row.verdict, row.n);
  for (const row of pending) {
    const n = (row.metrics as { model?: { nLayers?: unknown } } | null)?.model?.nLayers;
    const { verdict } = checkClaims(row.claims, row.metrics, typeof n === "number" ? n : (row.modelLayers ?? 0));
    countVerdict(entry(row.techniqueId), verdict);
  }
  for (const e of out.values()) e.rate = reproductionRate(e);
  return out;
}
