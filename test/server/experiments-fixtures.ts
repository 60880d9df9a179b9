/** Shared fixtures for the experiment, data set and run tests: models, a data set file, specs, a queue. */
import { and, eq } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll } from "vitest";
import type { Database } from "../../db/client";
import { models, runs } from "../../db/schema";
import { startBoss } from "../../server/jobs/boss";
import { createRunQueue, RUN_QUEUE } from "../../server/jobs/experiment-runs";
import { registerPublisher, unregisterPublisher } from "../../server/jobs/publisher";
import { closeMarkdownRenderer } from "../../server/render/markdown";
import type { SessionUser } from "../../server/trpc/context";
import { useDatabaseWithRoles } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";

export const sha = (c: string) => c.repeat(64);

/** Two ready models and one that is still compiling (gets no runs). */
export async function insertModels(db: Database) {
  const rows = await db
    .insert(models)
    .values([
      { name: "stories-a", source: "/tmp/a.gguf", sha256: sha("a"), status: "ready", layers: 5, dModel: 64 },
      { name: "stories-b", source: "/tmp/b.gguf", sha256: sha("b"), status: "ready", layers: 5, dModel: 64 },
      { name: "stories-c", source: "/tmp/c.gguf", sha256: sha("c"), status: "compiling", layers: 5, dModel: 64 },
    ])
    .returning({ id: models.id, name: models.name });
  return Object.fromEntries(rows.map((r) => [r.name, r.id])) as Record<"stories-a" | "stories-b" | "stories-c", number>;
}

let datasetCounter = 0;
/** A labelled CSV with 6 examples per class (enough for 5-fold splits); `salt` makes its rows (and hash) unique. */
export function labelledCsv(salt = `s${++datasetCounter}`): Uint8Array {
  const rows = ["text,label"];
  for (let i = 0; i < 6; i++) rows.push(`"Lily found a puppy, ${salt} ${i}",happy`, `Tom lost his kite ${salt} ${i},sad`);
  return new TextEncoder().encode(`${rows.join("\n")}\n`);
}

export function inlineSpec(salt = "x") {
  return {
    version: 1,
    data: { kind: "pairs", pairs: Array.from({ length: 6 }, (_, i) => ({ positive: `The sun was warm ${salt} ${i}`, negative: `The night was cold ${salt} ${i}` })) },
    methods: [{ method: "diffmean" }],
  };
}

export function datasetSpec(datasetId: number) {
  return { version: 1, data: { kind: "dataset", datasetId: String(datasetId), contrast: { positive: "happy", negative: "sad" } }, methods: [{ method: "diffmean" }, { method: "logistic" }] };
}

export function draftInput(salt = "x") {
  return {
    title: `Sentiment direction ${salt}`,
    question: "Is there a **sentiment** direction with $\\cos > 0.5$?",
    techniques: ["linear-probing", "caa"],
    paperIds: [],
    spec: inlineSpec(salt),
    claims: [{ metric: "diffmean.accuracy", where: { kind: "peak" as const }, comparison: "gte" as const, value: 0.9 }],
  };
}

/** Jobs of the run queue for these runs, in any state. */
export async function jobsFor(boss: PgBoss, runIds: number[]) {
  const jobs = [];
  for (const id of runIds) {
    const [run] = await bossDb.current!.select({ jobId: runs.jobId }).from(runs).where(eq(runs.id, id));
    if (run?.jobId) {
      const job = await boss.getJobById<{ runId: number }>(RUN_QUEUE.name, run.jobId);
      if (job) jobs.push(job);
    }
  }
  return jobs;
}

const bossDb: { current: Database | null } = { current: null };

/** A test database with role callers, the small taxonomy, the models, and a pg-boss registered as its publisher. */
export function useExperimentWorld() {
  const ctx = useDatabaseWithRoles({ before: insertSmallTaxonomy });
  const world = {} as { boss: PgBoss; models: Awaited<ReturnType<typeof insertModels>> };
  beforeAll(async () => {
    world.models = await insertModels(ctx.t.db);
    world.boss = await startBoss(ctx.t.url, { supervise: false });
    await createRunQueue(world.boss);
    registerPublisher(ctx.t.db, world.boss);
    bossDb.current = ctx.t.db;
  });
  afterAll(async () => {
    unregisterPublisher(ctx.t.db);
    await world.boss?.stop({ graceful: false, wait: true });
    await closeMarkdownRenderer();
  });
  return { ctx, world };
}

/** Attempt-0 runs of one version. */
export async function firstRuns(db: Database, versionId: number) {
  return db.select().from(runs).where(and(eq(runs.versionId, versionId), eq(runs.attempt, 0)));
}

export type { SessionUser };
