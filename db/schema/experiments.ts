import { sql } from "drizzle-orm";
import { type AnyPgColumn, bigint, boolean, customType, index, integer, jsonb, pgEnum, pgTable, primaryKey, real, text, timestamp, unique, uniqueIndex } from "drizzle-orm/pg-core";
import { models } from "./models";
import { papers } from "./papers";
import { techniques } from "./techniques";
import { users } from "./users";

/** Raw bytes (artifacts are little-endian float32, never JSON number arrays). */
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType() {
    return "bytea";
  },
});

export const DATASET_KINDS = ["labelled", "pairs"] as const;
export const datasetKind = pgEnum("dataset_kind", DATASET_KINDS);

/**
 * Uploaded data sets, de-duplicated by the hash of their rows (the same rows uploaded twice are one
 * data set), reusable by any experiment. `content` is the probe engine's data set shape.
 */
export const datasets = pgTable(
  "datasets",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    contentHash: text("content_hash").notNull().unique(),
    name: text("name").notNull(),
    kind: datasetKind("kind").notNull(),
    /** The uploaded file's format and size, for downloads and quotas. */
    format: text("format").notNull(),
    bytes: integer("bytes").notNull(),
    rows: integer("rows").notNull(),
    content: jsonb("content").$type<Record<string, unknown>>().notNull(),
    preview: jsonb("preview").$type<Record<string, unknown>>().notNull(),
    ownerId: text("owner_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("datasets_owner_idx").on(t.ownerId, t.createdAt)],
);

export const EXPERIMENT_STATES = ["draft", "published"] as const;
export type ExperimentState = (typeof EXPERIMENT_STATES)[number];
export const experimentState = pgEnum("experiment_state", EXPERIMENT_STATES);

/** An experiment; its content lives in versions. A draft has one version that is edited in place. */
export const experiments = pgTable(
  "experiments",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    ownerId: text("owner_id").notNull().references(() => users.id),
    state: experimentState("state").notNull().default("draft"),
    /** The version shown by default (the latest). */
    latestVersion: integer("latest_version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp("published_at", { withTimezone: true }),
  },
  (t) => [index("experiments_state_updated_idx").on(t.state, t.updatedAt), index("experiments_owner_idx").on(t.ownerId)],
);

/**
 * One version of an experiment. Editing a published experiment makes a new version; runs belong to
 * a version, so old versions stay viewable with their runs.
 */
export const experimentVersions = pgTable(
  "experiment_versions",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    experimentId: integer("experiment_id").notNull().references(() => experiments.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    authorId: text("author_id").notNull().references(() => users.id),
    title: text("title").notNull(),
    /** Markdown + KaTeX, rendered once when saved (null html: see questionRenderError). */
    question: text("question").notNull().default(""),
    questionHtml: text("question_html"),
    questionRenderError: text("question_render_error"),
    /** The probe spec (server/probes/spec.ts), as parsed. */
    spec: jsonb("spec").$type<Record<string, unknown>>().notNull(),
    datasetId: integer("dataset_id").references(() => datasets.id),
    /** Structured claims (server/experiments/claims.ts). */
    claims: jsonb("claims").$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
    /** What changed in this version, in the author's words. */
    changeNote: text("change_note").notNull().default(""),
    /** Set when the version is published (a draft version has none); runs are queued then. */
    publishedAt: timestamp("published_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("experiment_versions_number_uq").on(t.experimentId, t.version), index("experiment_versions_dataset_idx").on(t.datasetId)],
);

/** The techniques a version exercises (its evidence is attached to them). */
export const experimentVersionTechniques = pgTable(
  "experiment_version_techniques",
  {
    versionId: integer("version_id").notNull().references(() => experimentVersions.id, { onDelete: "cascade" }),
    techniqueId: integer("technique_id").notNull().references(() => techniques.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.techniqueId] }), index("experiment_version_techniques_technique_idx").on(t.techniqueId)],
);

/** The papers a version builds on. */
export const experimentVersionPapers = pgTable(
  "experiment_version_papers",
  {
    versionId: integer("version_id").notNull().references(() => experimentVersions.id, { onDelete: "cascade" }),
    paperId: integer("paper_id").notNull().references(() => papers.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.paperId] }), index("experiment_version_papers_paper_idx").on(t.paperId)],
);

/**
 * A run's claims checked against its metrics (server/experiments/verdicts.ts): all reproduced,
 * some, none, or nothing checkable (no claims, or none of their metrics measured).
 */
export const RUN_VERDICTS = ["reproduced", "partly", "not_reproduced", "unchecked"] as const;
export type RunVerdict = (typeof RUN_VERDICTS)[number];
export const runVerdict = pgEnum("run_verdict", RUN_VERDICTS);

export const RUN_STATUSES = ["queued", "running", "done", "failed", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const runStatus = pgEnum("run_status", RUN_STATUSES);

/**
 * One computation of a version on a model. `runKey` = hash(version id, model sha256, engine
 * version); `attempt` 0 is the automatic run (never computed twice), reruns take 1, 2, ….
 */
export const runs = pgTable(
  "runs",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    versionId: integer("version_id").notNull().references(() => experimentVersions.id, { onDelete: "cascade" }),
    modelId: integer("model_id").references(() => models.id, { onDelete: "set null" }),
    modelSha256: text("model_sha256").notNull(),
    engineVersion: text("engine_version").notNull(),
    runKey: text("run_key").notNull(),
    attempt: integer("attempt").notNull().default(0),
    requestedById: text("requested_by_id").references(() => users.id),
    status: runStatus("status").notNull().default("queued"),
    /** Live progress, written by the worker as it goes. */
    stage: text("stage"),
    percent: real("percent").notNull().default(0),
    examplesDone: integer("examples_done").notNull().default(0),
    examplesTotal: integer("examples_total"),
    currentLayer: integer("current_layer"),
    /** Why it failed, in words a user can act on. */
    error: text("error"),
    cancelRequested: boolean("cancel_requested").notNull().default(false),
    jobId: text("job_id"),
    worker: text("worker"),
    /** The probe engine's metrics JSON, and its sha256 for the determinism check. */
    metrics: jsonb("metrics").$type<Record<string, unknown>>(),
    metricsSha256: text("metrics_sha256"),
    /** Summary written with the metrics (null until done, or for runs finished before verdicts existed). */
    verdict: runVerdict("verdict"),
    /** Per claim: its verdict and the numbers behind it (server/experiments/verdicts.ts ClaimCheck[]). */
    verdictDetails: jsonb("verdict_details").$type<unknown[]>(),
    /** The run's headline number (server/services/headline-metric.ts), kept for list and matrix queries. */
    headlineMetric: text("headline_metric"),
    headlineValue: real("headline_value"),
    headlineLayer: integer("headline_layer"),
    /** Engine, compiler and onnxruntime versions, seed, and other facts of the run. */
    facts: jsonb("facts").$type<Record<string, unknown>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    durationMs: bigint("duration_ms", { mode: "number" }),
  },
  (t) => [
    uniqueIndex("runs_key_attempt_uq").on(t.runKey, t.attempt),
    index("runs_version_idx").on(t.versionId, t.createdAt),
    index("runs_version_model_idx").on(t.versionId, t.modelId, t.attempt),
    index("runs_model_idx").on(t.modelId),
    index("runs_status_idx").on(t.status, t.createdAt),
    index("runs_requested_by_idx").on(t.requestedById, t.createdAt),
  ],
);

/** Arrays a run produced (directions, PCA components, embeddings), as float32 bytes with their shape. */
export const runArtifacts = pgTable(
  "run_artifacts",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    runId: integer("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
    /** e.g. "diffmean.direction", "dimensionality.components". */
    name: text("name").notNull(),
    methodIndex: integer("method_index").notNull(),
    hook: text("hook"),
    layer: integer("layer"),
    shape: integer("shape").array().notNull(),
    data: bytea("data").notNull(),
  },
  (t) => [index("run_artifacts_run_idx").on(t.runId, t.methodIndex, t.layer)],
);

export const COMMENT_TARGETS = ["experiment", "run", "technique", "paper", "revision", "paper_revision"] as const;
export type CommentTarget = (typeof COMMENT_TARGETS)[number];
export const commentTarget = pgEnum("comment_target", COMMENT_TARGETS);

/** Threaded discussion on experiments, runs, techniques and papers; rendered once when written. */
export const comments = pgTable(
  "comments",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    targetType: commentTarget("target_type").notNull(),
    /** The target's id (technique slug ids and numeric ids alike, as text). */
    targetId: text("target_id").notNull(),
    parentId: integer("parent_id").references((): AnyPgColumn => comments.id, { onDelete: "cascade" }),
    authorId: text("author_id").notNull().references(() => users.id),
    body: text("body").notNull(),
    bodyHtml: text("body_html"),
    bodyRenderError: text("body_render_error"),
    hidden: boolean("hidden").notNull().default(false),
    hiddenById: text("hidden_by_id").references(() => users.id),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    editedAt: timestamp("edited_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("comments_target_idx").on(t.targetType, t.targetId, t.createdAt), index("comments_created_idx").on(t.createdAt)],
);

/** Per-user quota overrides set by moderators and admins; null fields use the defaults. */
export const userQuotas = pgTable("user_quotas", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  maxQueuedRuns: integer("max_queued_runs"),
  maxDatasetBytes: bigint("max_dataset_bytes", { mode: "number" }),
  maxRunsPerDay: integer("max_runs_per_day"),
  updatedById: text("updated_by_id").references(() => users.id),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
