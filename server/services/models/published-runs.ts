import { and, desc, eq, inArray, isNotNull, sql, type SQL } from "drizzle-orm";
import type { Queryable } from "~/db/transaction";
import { experiments, experimentVersions, runs } from "~/db/schema";
import { missingFirstRuns } from "../runs/queue";

/**
 * Runs of published experiments on models, as the models pages count them: only each published
 * experiment's latest version counts (older versions were superseded by their authors), and per
 * version × model the latest done attempt is the one that stands.
 */

/** Join condition: an experiment and its latest version. */
const latestVersionJoin = and(eq(experiments.id, experimentVersions.experimentId), eq(experiments.latestVersion, experimentVersions.version));
/** Where: the experiment is published and so is that version. */
const isPublishedLatest = and(eq(experiments.state, "published"), isNotNull(experimentVersions.publishedAt));

export interface VerdictCounts {
  reproduced: number;
  partly: number;
  notReproduced: number;
  /** No claim could be checked, or the verdict was not computed (runs finished before verdicts existed). */
  unchecked: number;
}

export interface ModelRunCounts {
  /** Published experiments with a done run (of their latest version) on the model. */
  experimentsDone: number;
  verdicts: VerdictCounts;
}

export const NO_RUNS: ModelRunCounts = { experimentsDone: 0, verdicts: { reproduced: 0, partly: 0, notReproduced: 0, unchecked: 0 } };

/** Per model id: published experiments with a done run on it and the verdicts of those latest done runs. */
export async function runCountsByModel(db: Queryable, modelIds?: readonly number[]): Promise<Map<number, ModelRunCounts>> {
  if (modelIds && modelIds.length === 0) return new Map();
  const conditions: SQL[] = [eq(runs.status, "done"), isNotNull(runs.modelId)];
  if (isPublishedLatest) conditions.push(isPublishedLatest);
  if (modelIds) conditions.push(inArray(runs.modelId, [...modelIds]));
  const latestDone = db
    .selectDistinctOn([runs.modelId, runs.versionId], { modelId: runs.modelId, versionId: runs.versionId, verdict: runs.verdict })
    .from(runs)
    .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
    .innerJoin(experiments, latestVersionJoin)
    .where(and(...conditions))
    .orderBy(runs.modelId, runs.versionId, desc(runs.id))
    .as("latest_done");
  const rows = await db
    .select({
      modelId: latestDone.modelId,
      experimentsDone: sql<number>`count(*)::int`,
      reproduced: sql<number>`(count(*) filter (where ${latestDone.verdict} = 'reproduced'))::int`,
      partly: sql<number>`(count(*) filter (where ${latestDone.verdict} = 'partly'))::int`,
      notReproduced: sql<number>`(count(*) filter (where ${latestDone.verdict} = 'not_reproduced'))::int`,
      unchecked: sql<number>`(count(*) filter (where ${latestDone.verdict} = 'unchecked' or ${latestDone.verdict} is null))::int`,
    })
    .from(latestDone)
    .groupBy(latestDone.modelId);
  const out = new Map<number, ModelRunCounts>();
  for (const r of rows) {
    if (r.modelId === null) continue;
    out.set(r.modelId, { experimentsDone: r.experimentsDone, verdicts: { reproduced: r.reproduced, partly: r.partly, notReproduced: r.notReproduced, unchecked: r.unchecked } });
  }
  return out;
}

/** The published experiments' latest versions (what "queue every published experiment" queues). */
export async function publishedLatestVersionIds(db: Queryable): Promise<number[]> {
  const rows = await db.select({ id: experimentVersions.id }).from(experiments).innerJoin(experimentVersions, latestVersionJoin).where(isPublishedLatest);
  return rows.map((r) => r.id);
}

/**
 * How many published experiments have not run on this model yet: with its weights' hash known,
 * exactly the versions that queueing all would add (no attempt-0 run of the current run key);
 * before that, the versions with no run on the model at all.
 */
export async function notYetRunCount(db: Queryable, model: { id: number; sha256: string | null }): Promise<number> {
  const versionIds = await publishedLatestVersionIds(db);
  if (versionIds.length === 0) return 0;
  const { sha256 } = model;
  if (sha256) return (await missingFirstRuns(db, versionIds.map((versionId) => ({ versionId, model: { id: model.id, sha256 } })))).length;
  const withRuns = await db
    .selectDistinct({ versionId: runs.versionId })
    .from(runs)
    .where(and(eq(runs.modelId, model.id), inArray(runs.versionId, versionIds)));
  return versionIds.length - withRuns.length;
}

/**
 * One page of the experiments run on a model: per published experiment whose latest version has
 * a run on it, that run (the latest done attempt; before any is done, the latest attempt, so a
 * queued or failed first run shows its status). Newest experiments first.
 */
export async function modelRunsPage(db: Queryable, modelId: number, page: number, pageSize: number) {
  const where = and(eq(runs.modelId, modelId), isPublishedLatest);
  const shown = db
    .selectDistinctOn([runs.versionId], {
      versionId: runs.versionId,
      runId: sql<number>`${runs.id}`.as("run_id"),
      experimentId: sql<number>`${experiments.id}`.as("experiment_id"),
      publishedAt: experiments.publishedAt,
      title: experimentVersions.title,
      version: experimentVersions.version,
      status: runs.status,
      attempt: runs.attempt,
      verdict: runs.verdict,
      headlineMetric: runs.headlineMetric,
      headlineValue: runs.headlineValue,
      headlineLayer: runs.headlineLayer,
      finishedAt: runs.finishedAt,
    })
    .from(runs)
    .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
    .innerJoin(experiments, latestVersionJoin)
    .where(where)
    .orderBy(runs.versionId, sql`(${runs.status} = 'done') desc`, desc(runs.id))
    .as("shown");
  const [items, [count]] = await Promise.all([
    db
      .select()
      .from(shown)
      .orderBy(sql`${shown.publishedAt} desc nulls last`, desc(shown.experimentId))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db
      .select({ total: sql<number>`count(distinct ${runs.versionId})::int` })
      .from(runs)
      .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
      .innerJoin(experiments, latestVersionJoin)
      .where(where),
  ]);
  const total = count?.total ?? 0;
  return {
    items: items.map(({ publishedAt: _p, versionId: _v, ...r }) => ({ ...r, runId: Number(r.runId), experimentId: Number(r.experimentId) })),
    total,
    page,
    pageSize,
    pageCount: Math.max(1, Math.ceil(total / pageSize)),
  };
}

/** Every row of `modelRunsPage` (for exports), in the same order. */
export async function allModelRuns(db: Queryable, modelId: number) {
  const first = await modelRunsPage(db, modelId, 1, 1000);
  const items = [...first.items];
  for (let page = 2; page <= first.pageCount; page++) items.push(...(await modelRunsPage(db, modelId, page, 1000)).items);
  return items;
}
