import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "~/db/client";
import { experiments, experimentVersions, experimentVersionTechniques, models, runs, techniques, users, type RunVerdict } from "~/db/schema";
import { checkClaims } from "../experiments/verdicts";
import { notFound } from "../errors";
import { publicName } from "./display-name";
import { headlineMetric, type HeadlineMetric } from "./headline-metric";
import { countVerdict, NO_RUNS, type ReproductionCounts, reproductionRates } from "./reproduction-rates";

/**
 * A technique's evidence: the published experiments whose latest version exercises it, each with
 * its runs (one per model, the latest attempt), a headline metric and its claims' verdict, and the
 * technique's reproduction rate over those verdicts (server/services/reproduction-rates.ts).
 */

export interface EvidenceRun {
  id: number;
  model: string;
  status: (typeof runs.status.enumValues)[number];
  attempt: number;
  finishedAt: Date | null;
  /** From the latest finished run on this model (which may be an earlier attempt than `id`). */
  headline: (HeadlineMetric & { runId: number }) | null;
  /** The claims' verdict on the latest finished run on this model (the one the headline comes from). */
  verdict: { value: RunVerdict; runId: number } | null;
}

export interface EvidenceExperiment {
  id: number;
  title: string;
  version: number;
  owner: string;
  publishedAt: Date | null;
  /** How many claims, and per verdict how many models' latest finished runs got it. */
  claims: { total: number; verdicts: ReproductionCounts };
  runs: EvidenceRun[];
}

export async function techniqueEvidence(db: Database, slug: string) {
  const [technique] = await db.select({ id: techniques.id, slug: techniques.slug, name: techniques.name }).from(techniques).where(eq(techniques.slug, slug));
  if (!technique) throw notFound(`Technique "${slug}"`);
  const versions = await db
    .select({
      experimentId: experiments.id,
      versionId: experimentVersions.id,
      title: experimentVersions.title,
      version: experimentVersions.version,
      owner: publicName(users),
      publishedAt: experiments.publishedAt,
      claims: experimentVersions.claims,
    })
    .from(experimentVersionTechniques)
    .innerJoin(experimentVersions, eq(experimentVersions.id, experimentVersionTechniques.versionId))
    .innerJoin(experiments, and(eq(experiments.id, experimentVersions.experimentId), eq(experiments.latestVersion, experimentVersions.version)))
    .innerJoin(users, eq(users.id, experiments.ownerId))
    .where(and(eq(experimentVersionTechniques.techniqueId, technique.id), eq(experiments.state, "published")))
    .orderBy(desc(experiments.publishedAt), desc(experiments.id));
  const runRows = versions.length
    ? await db
        .select({
          id: runs.id,
          versionId: runs.versionId,
          modelKey: sql<string>`coalesce(${runs.modelId}::text, ${runs.modelSha256})`,
          model: sql<string>`coalesce(${models.name}, 'removed model ' || left(${runs.modelSha256}, 8))`,
          status: runs.status,
          attempt: runs.attempt,
          finishedAt: runs.finishedAt,
          // Only the per-method lists; the rest of the metrics is not needed here.
          methods: sql<unknown>`case when ${runs.status} = 'done' then ${runs.metrics}->'methods' end`,
          verdict: runs.verdict,
          nLayers: sql<number | null>`coalesce(case when jsonb_typeof(${runs.metrics} -> 'model' -> 'nLayers') = 'number' then (${runs.metrics} -> 'model' ->> 'nLayers')::numeric::int end, ${models.layers})`,
        })
        .from(runs)
        .leftJoin(models, eq(models.id, runs.modelId))
        .where(
          inArray(
            runs.versionId,
            versions.map((v) => v.versionId),
          ),
        )
        .orderBy(sql`${models.name} asc nulls last`, desc(runs.id))
    : [];
  const items: EvidenceExperiment[] = versions.map((v) => {
    const perModel = new Map<string, EvidenceRun>();
    for (const r of runRows) {
      if (r.versionId !== v.versionId) continue;
      const seen = perModel.get(r.modelKey);
      // Rows come newest attempt first: the first is the model's current run; the first done one gives the headline and the verdict.
      const entry: EvidenceRun = seen ?? { id: r.id, model: r.model, status: r.status, attempt: r.attempt, finishedAt: r.finishedAt, headline: null, verdict: null };
      if (!seen) perModel.set(r.modelKey, entry);
      if (entry.verdict === null && r.status === "done") {
        const h = headlineMetric(r.methods);
        if (h) entry.headline = { ...h, runId: r.id };
        // Stored by the worker; for a run finished before verdicts existed (not yet filled in), checked now the same way.
        entry.verdict = { value: r.verdict ?? checkClaims(v.claims, { methods: r.methods }, r.nLayers ?? 0).verdict, runId: r.id };
      }
    }
    const verdicts: ReproductionCounts = { reproduced: 0, partly: 0, notReproduced: 0, unchecked: 0 };
    for (const run of perModel.values()) if (run.verdict) countVerdict(verdicts, run.verdict.value);
    return {
      id: v.experimentId,
      title: v.title,
      version: v.version,
      owner: v.owner,
      publishedAt: v.publishedAt,
      claims: { total: v.claims.length, verdicts },
      runs: [...perModel.values()],
    };
  });
  const reproduction = (await reproductionRates(db, [technique.id])).get(technique.id) ?? { ...NO_RUNS };
  const models_ = new Set(items.flatMap((e) => e.runs.filter((r) => r.status === "done").map((r) => r.model)));
  return {
    technique,
    experiments: items,
    totals: {
      experiments: items.length,
      runsDone: items.reduce((n, e) => n + e.runs.filter((r) => r.status === "done").length, 0),
      models: models_.size,
      claims: items.reduce((n, e) => n + e.claims.total, 0),
    },
    reproduction,
  };
}

export type TechniqueEvidence = Awaited<ReturnType<typeof techniqueEvidence>>;

/** Per technique id: published experiments (latest version) exercising it, and their finished runs. For the map. */
export async function evidenceCounts(db: Database): Promise<Map<number, { experiments: number; runs: number }>> {
  const rows = await db
    .select({
      techniqueId: experimentVersionTechniques.techniqueId,
      experiments: sql<number>`count(distinct ${experiments.id})::int`,
      runs: sql<number>`count(distinct ${runs.id}) filter (where ${runs.status} = 'done')::int`,
    })
    .from(experimentVersionTechniques)
    .innerJoin(experimentVersions, eq(experimentVersions.id, experimentVersionTechniques.versionId))
    .innerJoin(experiments, and(eq(experiments.id, experimentVersions.experimentId), eq(experiments.latestVersion, experimentVersions.version)))
    .leftJoin(runs, eq(runs.versionId, experimentVersions.id))
    .where(eq(experiments.state, "published"))
    .groupBy(experimentVersionTechniques.techniqueId);
  return new Map(rows.map((r) => [r.techniqueId, { experiments: r.experiments, runs: r.runs }]));
}
