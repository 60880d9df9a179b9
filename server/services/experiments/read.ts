import { citationsFromDatabase } from "../../render/markdown-citation-lookup";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "~/db/client";
import { datasets, experimentVersionPapers, experimentVersionTechniques, experiments, experimentVersions, models, papers, runs, techniques, users } from "~/db/schema";
import { notFound } from "../../errors";
import type { SessionUser } from "../../trpc/context";
import type { DatasetPreview } from "../datasets/parse-dataset";
import { publicName } from "../display-name";
import { renderQuestion } from "./content";
import type { ExperimentListInput } from "./input";
import { canControlRuns, canEdit, canView, isStaff } from "./permissions";
import { headlineMetric } from "../headline-metric";
import { runProgressColumns } from "../runs/columns";

/** Reading experiments: one version with everything its page shows, and the list of published ones. */

const runColumns = {
  ...runProgressColumns,
  modelId: runs.modelId,
  modelName: models.name,
  modelSha256: runs.modelSha256,
  engineVersion: runs.engineVersion,
  attempt: runs.attempt,
  createdAt: runs.createdAt,
  durationMs: runs.durationMs,
  /** Only the per-method results, to derive the headline; not sent to clients. */
  methods: sql<unknown>`${runs.metrics} -> 'methods'`,
};

export async function getExperiment(db: Database, viewer: SessionUser | null, input: { id: number; version?: number | undefined }) {
  const owner = alias(users, "owner");
  const [experiment] = await db
    .select({
      id: experiments.id,
      ownerId: experiments.ownerId,
      owner: publicName(owner),
      state: experiments.state,
      latestVersion: experiments.latestVersion,
      createdAt: experiments.createdAt,
      updatedAt: experiments.updatedAt,
      publishedAt: experiments.publishedAt,
    })
    .from(experiments)
    .innerJoin(owner, eq(owner.id, experiments.ownerId))
    .where(eq(experiments.id, input.id));
  // A draft someone else may not see is reported as missing, not as forbidden: its existence is private too.
  if (!experiment || !canView(viewer, experiment)) throw notFound(`Experiment #${input.id}`);
  const number = input.version ?? experiment.latestVersion;
  const author = alias(users, "author");
  const [version] = await db
    .select({
      id: experimentVersions.id,
      version: experimentVersions.version,
      author: publicName(author),
      title: experimentVersions.title,
      question: experimentVersions.question,
      questionHtml: experimentVersions.questionHtml,
      questionRenderError: experimentVersions.questionRenderError,
      spec: experimentVersions.spec,
      datasetId: experimentVersions.datasetId,
      claims: experimentVersions.claims,
      changeNote: experimentVersions.changeNote,
      publishedAt: experimentVersions.publishedAt,
      createdAt: experimentVersions.createdAt,
    })
    .from(experimentVersions)
    .innerJoin(author, eq(author.id, experimentVersions.authorId))
    .where(and(eq(experimentVersions.experimentId, experiment.id), eq(experimentVersions.version, number)));
  if (!version) throw notFound(`Version ${number} of experiment #${input.id}`);
  if (version.questionHtml === null && version.questionRenderError === null && version.question !== "") {
    // Saved while the renderer was unavailable: render now and keep it.
    const rendered = await renderQuestion(version.question, citationsFromDatabase(db));
    if (rendered.questionHtml !== null || rendered.questionRenderError !== null) {
      await db.update(experimentVersions).set(rendered).where(eq(experimentVersions.id, version.id));
      Object.assign(version, rendered);
    }
  }
  const [techniqueRows, paperRows, datasetRows, runRows, versionRows] = await Promise.all([
    db
      .select({ slug: techniques.slug, name: techniques.name })
      .from(experimentVersionTechniques)
      .innerJoin(techniques, eq(techniques.id, experimentVersionTechniques.techniqueId))
      .where(eq(experimentVersionTechniques.versionId, version.id))
      .orderBy(asc(techniques.name)),
    db
      .select({ id: papers.id, title: papers.title, authors: papers.authors, year: papers.year })
      .from(experimentVersionPapers)
      .innerJoin(papers, eq(papers.id, experimentVersionPapers.paperId))
      .where(eq(experimentVersionPapers.versionId, version.id))
      .orderBy(asc(papers.year), asc(papers.title)),
    version.datasetId === null
      ? Promise.resolve([])
      : db
          .select({ id: datasets.id, name: datasets.name, kind: datasets.kind, format: datasets.format, bytes: datasets.bytes, rows: datasets.rows, preview: datasets.preview })
          .from(datasets)
          .where(eq(datasets.id, version.datasetId)),
    db.select(runColumns).from(runs).leftJoin(models, eq(models.id, runs.modelId)).where(eq(runs.versionId, version.id)).orderBy(asc(models.name), desc(runs.attempt)),
    db
      .select({
        version: experimentVersions.version,
        title: experimentVersions.title,
        changeNote: experimentVersions.changeNote,
        publishedAt: experimentVersions.publishedAt,
        createdAt: experimentVersions.createdAt,
        runs: sql<number>`count(${runs.id})::int`,
      })
      .from(experimentVersions)
      .leftJoin(runs, eq(runs.versionId, experimentVersions.id))
      .where(eq(experimentVersions.experimentId, experiment.id))
      .groupBy(experimentVersions.id)
      .orderBy(desc(experimentVersions.version)),
  ]);
  const dataset = datasetRows[0];
  const { ownerId, ...publicExperiment } = experiment;
  return {
    experiment: publicExperiment,
    permissions: { canEdit: canEdit(viewer, { ownerId }), canControlRuns: canControlRuns(viewer, { ownerId }), isAuthor: viewer?.id === ownerId },
    version,
    techniques: techniqueRows,
    papers: paperRows,
    dataset: dataset ? { ...dataset, preview: dataset.preview as unknown as DatasetPreview } : null,
    runs: runRows.map(({ methods, ...run }) => ({ ...run, headline: headlineMetric(methods) })),
    versions: versionRows,
  };
}

/** Published experiments, most recently changed first (a new version counts), with run counts; and the viewer's drafts. */
export async function listExperiments(db: Database, viewer: SessionUser | null, input: ExperimentListInput) {
  const latest = and(eq(experimentVersions.experimentId, experiments.id), eq(experimentVersions.version, experiments.latestVersion));
  const byTechnique = input.technique
    ? sql`exists (select 1 from ${experimentVersionTechniques} join ${techniques} on ${techniques.id} = ${experimentVersionTechniques.techniqueId} where ${experimentVersionTechniques.versionId} = ${experimentVersions.id} and ${techniques.slug} = ${input.technique})`
    : sql`true`;
  const where = and(eq(experiments.state, "published"), byTechnique);
  const columns = {
    id: experiments.id,
    title: experimentVersions.title,
    owner: publicName(users),
    state: experiments.state,
    latestVersion: experiments.latestVersion,
    publishedAt: experiments.publishedAt,
    updatedAt: experiments.updatedAt,
    versionId: experimentVersions.id,
  };
  const [rows, [count], drafts] = await Promise.all([
    db
      .select(columns)
      .from(experiments)
      .innerJoin(experimentVersions, latest)
      .innerJoin(users, eq(users.id, experiments.ownerId))
      .where(where)
      .orderBy(desc(experiments.updatedAt), desc(experiments.id))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    db.select({ total: sql<number>`count(*)::int` }).from(experiments).innerJoin(experimentVersions, latest).where(where),
    viewer
      ? db
          .select(columns)
          .from(experiments)
          .innerJoin(experimentVersions, latest)
          .innerJoin(users, eq(users.id, experiments.ownerId))
          .where(and(eq(experiments.state, "draft"), eq(experiments.ownerId, viewer.id)))
          .orderBy(desc(experiments.updatedAt))
          .limit(50)
      : Promise.resolve([]),
  ]);
  const versionIds = rows.map((r) => r.versionId);
  const [counts, techniqueRows] = versionIds.length
    ? await Promise.all([
        db
          .select({ versionId: runs.versionId, status: runs.status, n: sql<number>`count(*)::int` })
          .from(runs)
          .where(inArray(runs.versionId, versionIds))
          .groupBy(runs.versionId, runs.status),
        db
          .select({ versionId: experimentVersionTechniques.versionId, slug: techniques.slug, name: techniques.name })
          .from(experimentVersionTechniques)
          .innerJoin(techniques, eq(techniques.id, experimentVersionTechniques.techniqueId))
          .where(inArray(experimentVersionTechniques.versionId, versionIds)),
      ])
    : [[], []];
  const items = rows.map(({ versionId, ...r }) => ({
    ...r,
    techniques: techniqueRows.filter((t) => t.versionId === versionId).map(({ slug, name }) => ({ slug, name })),
    runs: Object.fromEntries(counts.filter((c) => c.versionId === versionId).map((c) => [c.status, c.n])) as Partial<Record<(typeof runs.status.enumValues)[number], number>>,
  }));
  const total = count?.total ?? 0;
  return {
    items,
    total,
    page: input.page,
    pageSize: input.pageSize,
    pageCount: Math.max(1, Math.ceil(total / input.pageSize)),
    drafts: drafts.map(({ versionId: _v, ...d }) => d),
    viewerIsStaff: isStaff(viewer?.role),
  };
}
