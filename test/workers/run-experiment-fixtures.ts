/**
 * Rows for experiment-run worker tests, written straight into the test database: a member, the
 * stories260K model (the real fixture, with its real sha256), the sentiment pairs as an uploaded
 * data set, and published experiment versions whose specs read it.
 */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { datasets, experimentVersions, experiments, models, runArtifacts, runs, users } from "../../db/schema";
import { PROBE_ENGINE_VERSION } from "../../server/probes/engine-version";
import { float32FromBytes } from "../../server/artifacts/tensor-files";
import { sentimentPairs } from "../probes/real-spec";
import { STORIES_GGUF, STORIES_SHA256 } from "../runtime/fixtures";

export interface Fixture {
  userId: string;
  modelId: number;
  datasetId: number;
}

export async function createFixture(db: Database): Promise<Fixture> {
  const [user] = await db.insert(users).values({ email: `author-${randomBytes(4).toString("hex")}@example.org`, name: "Author" }).returning();
  const [model] = await db
    .insert(models)
    .values({ name: "stories260K", source: STORIES_GGUF, localPath: STORIES_GGUF, sha256: STORIES_SHA256, status: "ready", layers: 5, dModel: 64 })
    .returning();
  const content = { kind: "pairs", pairs: sentimentPairs() };
  const [dataset] = await db
    .insert(datasets)
    .values({ contentHash: randomBytes(16).toString("hex"), name: "sentiment pairs", kind: "pairs", format: "json", bytes: JSON.stringify(content).length, rows: content.pairs.length, content, preview: {} })
    .returning();
  return { userId: user!.id, modelId: model!.id, datasetId: dataset!.id };
}

/** A spec over the uploaded data set with the methods that produce every kind of artifact. */
export function workerSpec(datasetId: number | string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    name: "Sentiment on stories260K",
    data: { kind: "dataset", datasetId: String(datasetId) },
    readout: { position: { kind: "last" }, hooks: ["blocks.{L}.hook_resid_post"], layers: "all" },
    methods: [
      { method: "diffmean" },
      { method: "logistic", l2: 0.01 },
      { method: "dimensionality", components: 3, inlp: { maxDirections: 6 } },
      { method: "consistency" },
      {
        method: "anchors",
        first: { name: "good", prompts: ["The sun was warm and the flowers were pretty.", "Lily ate a sweet candy and smiled."] },
        second: { name: "bad", prompts: ["The monster was scary and the night was dark.", "Tom was afraid of the big wolf."] },
        queries: [{ text: "Lily got a new toy and laughed.", label: "good" }, { text: "Sue lost her dog and cried.", label: "bad" }],
      },
      { method: "neuronMap", layer: 2, embedding: "pca", topSnippets: 2, clusters: 4 },
    ],
    split: { kind: "kfold", k: 5 },
    seed: 7,
    ...overrides,
  };
}

/** A published experiment version with this spec. */
export async function createVersion(db: Database, f: Fixture, spec: Record<string, unknown>): Promise<number> {
  const [experiment] = await db.insert(experiments).values({ ownerId: f.userId, state: "published", publishedAt: new Date() }).returning();
  const [version] = await db
    .insert(experimentVersions)
    .values({ experimentId: experiment!.id, version: 1, authorId: f.userId, title: "Sentiment direction", spec, datasetId: f.datasetId, publishedAt: new Date() })
    .returning();
  return version!.id;
}

/** A queued run of a version on the fixture model (attempt n for reruns). */
export async function createRun(db: Database, f: Fixture, versionId: number, attempt = 0): Promise<number> {
  const [run] = await db
    .insert(runs)
    .values({ versionId, modelId: f.modelId, modelSha256: STORIES_SHA256, engineVersion: PROBE_ENGINE_VERSION, runKey: `key-${versionId}`, attempt, requestedById: f.userId })
    .returning();
  return run!.id;
}

export async function runRow(db: Database, runId: number) {
  const [row] = await db.select().from(runs).where(eq(runs.id, runId));
  if (!row) throw new Error(`run ${runId} is gone`);
  return row;
}

export async function artifactsOf(db: Database, runId: number) {
  const rows = await db.select().from(runArtifacts).where(eq(runArtifacts.runId, runId));
  return rows.map((r) => ({ ...r, values: float32FromBytes(r.data) }));
}

/** Polls the run until its status is one of `wanted` (never a fixed sleep). */
export async function waitForRun(db: Database, runId: number, wanted: string[], timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await runRow(db, runId);
    if (wanted.includes(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${row.status} (${row.stage}, ${row.error}) after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function norm(v: Float32Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}
