/** The demo experiments: their data, specs and claims are valid, and seeding them is idempotent on real PostgreSQL and pg-boss. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { and, count, eq, inArray } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasets, experiments, experimentVersionPapers, experimentVersions, experimentVersionTechniques, models, runs, userQuotas, users } from "../../db/schema";
import { DEMO_EXPERIMENTS, demoDatasetJsonl, demoSpec } from "../../db/seed/data/experiments";
import { CAUSAL_DEMO_EXPERIMENTS, causalDemoSpec } from "../../db/seed/data/experiments/causal";
import { validateDemoExperiments } from "../../db/seed/data/validate";
import { papers as seedPapers } from "../../db/seed/data/papers";
import { techniques as seedTechniques } from "../../db/seed/data/techniques";
import { DEMO_USERS } from "../../db/seed/demo-users";
import { seedDemo } from "../../db/seed/seed";
import { claimsSchema } from "../../server/experiments/claims";
import { startBoss } from "../../server/jobs/boss";
import { RUN_QUEUE } from "../../server/jobs/experiment-runs";
import { CAUSAL_METHODS, parseProbeSpec } from "../../server/probes/spec";
import { closeMarkdownRenderer } from "../../server/render/markdown";
import { parseDatasetFile } from "../../server/services/datasets/parse-dataset";
import { demoExperimentSpecs, seedDemoExperiments } from "../../server/services/experiments/demo-seed";
import { queueRunsForModel } from "../../server/services/experiments/publish";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { type ExperimentRunWorkers, workExperimentRuns } from "../../workers/jobs/work-experiment-runs";
import { STORIES_GGUF, STORIES_SHA256, hasStoriesFixtures } from "../runtime/fixtures";
import { waitForRun } from "../workers/run-experiment-fixtures";

const OWNER = DEMO_USERS.find((u) => u.role === "member")!.email;
/** Five version-1 experiments with data sets, and the four causal ones (spec version 2, no data set). */
const ALL = DEMO_EXPERIMENTS.length + CAUSAL_DEMO_EXPERIMENTS.length;
const words = (s: string) => s.trim().split(/\s+/).length;

describe("demo experiment definitions", () => {
  it("there are five, with distinct titles and distinct data sets", () => {
    expect(DEMO_EXPERIMENTS).toHaveLength(5);
    expect(new Set(DEMO_EXPERIMENTS.map((e) => e.title)).size).toBe(5);
    expect(new Set(DEMO_EXPERIMENTS.map((e) => demoDatasetJsonl(e.dataset))).size).toBe(5);
  });

  it.each(DEMO_EXPERIMENTS.map((e) => [e.title, e] as const))("%s: the data set uploads as JSONL, has ≥ 100 examples over ≥ 5 domains, short prompts", (_title, e) => {
    const parsed = parseDatasetFile(new TextEncoder().encode(demoDatasetJsonl(e.dataset)), "jsonl");
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    expect(parsed.dataset.kind).toBe(e.dataset.kind);
    // Pairs count one per pair; a labelled set needs ≥ 100 examples in all.
    expect(parsed.preview.rows).toBeGreaterThanOrEqual(100);
    expect(parsed.preview.domains.length).toBeGreaterThanOrEqual(5);
    if (parsed.dataset.kind === "labelled") {
      expect(parsed.preview.classes).toHaveLength(2);
      for (const c of parsed.preview.classes) expect(c.count).toBeGreaterThanOrEqual(50);
    }
    const texts = e.dataset.kind === "pairs" ? e.dataset.rows.flatMap((p) => [p.positive, p.negative]) : e.dataset.rows.map((r) => r.text);
    expect(new Set(texts).size).toBe(texts.length);
    for (const t of texts) expect(words(t), t).toBeLessThanOrEqual(25);
    for (const t of texts) expect(words(t), t).toBeGreaterThanOrEqual(4);
  });

  it("the sentences are new: none is copied from the engine's test pairs", () => {
    const raw = JSON.parse(readFileSync(path.join(import.meta.dirname, "../probes/data/sentiment-pairs.json"), "utf8")) as { pairs: Array<{ positive: string; negative: string }> };
    const test = new Set(raw.pairs.flatMap((p) => [p.positive, p.negative]));
    const ours = DEMO_EXPERIMENTS.flatMap((e) => (e.dataset.kind === "pairs" ? e.dataset.rows.flatMap((p) => [p.positive, p.negative]) : e.dataset.rows.map((r) => r.text)));
    expect(ours.filter((t) => test.has(t))).toEqual([]);
  });

  it.each(DEMO_EXPERIMENTS.map((e) => [e.title, e] as const))("%s: the spec parses, with its data set inline too, and the claims parse", (_title, e) => {
    const byId = parseProbeSpec(demoSpec(e, 1));
    if (!byId.ok) throw new Error(byId.errors.join("\n"));
    // What resolveContent checks when the spec names an uploaded data set: the rows fit the spec.
    const inline = e.dataset.kind === "pairs" ? { kind: "pairs", pairs: e.dataset.rows } : { kind: "labelled", examples: e.dataset.rows, ...(e.contrast ? { contrast: e.contrast } : {}) };
    const withRows = parseProbeSpec({ ...demoSpec(e, 1), data: inline });
    if (!withRows.ok) throw new Error(withRows.errors.join("\n"));
    const claims = claimsSchema.safeParse(e.claims.map((c) => c.claim));
    if (!claims.success) throw new Error(claims.error.message);
    expect(e.claims.some((c) => c.expect === "holds")).toBe(true);
    expect(e.question).toMatch(/\$/); // some KaTeX
  });

  it("techniques and papers exist in the seed, and some claims are ones that may not reproduce", () => {
    const slugs = new Set(seedTechniques.map((t) => t.slug));
    const arxiv = new Set(seedPapers.map((p) => p.arxivId));
    for (const e of DEMO_EXPERIMENTS) {
      expect(e.techniques.filter((s) => !slugs.has(s)), e.title).toEqual([]);
      expect(e.papers.filter((a) => !arxiv.has(a)), e.title).toEqual([]);
      expect(e.techniques.length).toBeGreaterThan(0);
      expect(e.papers.length).toBeGreaterThan(0);
    }
    expect(DEMO_EXPERIMENTS.flatMap((e) => e.claims).filter((c) => c.expect === "may-fail").length).toBeGreaterThanOrEqual(1);
  });
});

describe("causal demo experiment definitions", () => {
  it("there are four, one per causal method, with titles distinct from the others", () => {
    expect(CAUSAL_DEMO_EXPERIMENTS.map((e) => e.spec.methods.map((m) => m.method))).toEqual([["steeredGeneration"], ["activationPatching"], ["logitLens"], ["attentionPatterns"]]);
    expect(new Set([...DEMO_EXPERIMENTS, ...CAUSAL_DEMO_EXPERIMENTS].map((e) => e.title)).size).toBe(ALL);
  });

  it.each(CAUSAL_DEMO_EXPERIMENTS.map((e) => [e.title, e] as const))("%s: a version-2 spec without data that parses, with some KaTeX", (_title, e) => {
    const parsed = parseProbeSpec(causalDemoSpec(e));
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    expect(parsed.spec.version).toBe(2);
    expect(parsed.spec.data).toBeUndefined();
    expect(e.question).toMatch(/\$/);
  });

  it("the patching pairs have answers, and clean and corrupted prompts differ", () => {
    const patching = CAUSAL_DEMO_EXPERIMENTS.flatMap((e) => e.spec.methods).find((m) => m.method === "activationPatching") as unknown as { pairs: Array<{ clean: string; corrupted: string; answer: string; wrongAnswer: string }> };
    for (const p of patching.pairs) {
      expect(p.clean).not.toBe(p.corrupted);
      expect(p.answer).not.toBe(p.wrongAnswer);
    }
  });

  it("the seed's validation accepts every demo spec (versions 1 and 2) and catches what is wrong", () => {
    expect(validateDemoExperiments(demoExperimentSpecs(), seedTechniques, seedPapers)).toEqual([]);
    const lens = demoExperimentSpecs().find((e) => e.title === CAUSAL_DEMO_EXPERIMENTS[2]!.title)!;
    expect(validateDemoExperiments([{ ...lens, techniques: [] }], seedTechniques, seedPapers)).toEqual([`demo experiment "${lens.title}": logitLens exercises logit-lens — link it`]);
    expect(validateDemoExperiments([{ ...lens, spec: { ...lens.spec, version: 1 } }], seedTechniques, seedPapers).join("\n")).toMatch(/needs "version": 2/);
    expect(validateDemoExperiments([{ ...lens, papers: ["9999.99999"] }], seedTechniques, seedPapers)).toEqual([`demo experiment "${lens.title}": arXiv id 9999.99999 is not a seeded paper`]);
    expect(validateDemoExperiments([lens, lens], seedTechniques, seedPapers)).toEqual([`duplicate demo experiment title "${lens.title}"`]);
  });
});

describe("seeding the demo experiments", () => {
  let t: TestDatabase;
  let boss: PgBoss;
  const modelIds: number[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedDemo(t.db);
    boss = await startBoss(t.url, { supervise: false });
    // Three models, none ready yet (the worker is still compiling them at start-up).
    const rows = await t.db
      .insert(models)
      .values(["a", "b", "c"].map((c) => ({ name: `stories-${c}`, source: `/tmp/${c}.gguf`, sha256: c.repeat(64), status: "compiling" as const, layers: 5, dModel: 64 })))
      .returning({ id: models.id });
    modelIds.push(...rows.map((r) => r.id));
  }, 120_000);

  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true });
    await closeMarkdownRenderer();
    await t?.dispose();
  });

  async function totals() {
    const [[e], [v], [d], [r]] = await Promise.all([
      t.db.select({ n: count() }).from(experiments),
      t.db.select({ n: count() }).from(experimentVersions),
      t.db.select({ n: count() }).from(datasets),
      t.db.select({ n: count() }).from(runs),
    ]);
    return { experiments: e!.n, versions: v!.n, datasets: d!.n, runs: r!.n };
  }

  /** Attempt-0 runs per (version, model): each key at most once. */
  async function firstRunKeys() {
    const rows = await t.db.select({ versionId: runs.versionId, modelId: runs.modelId }).from(runs).where(eq(runs.attempt, 0));
    return rows.map((r) => `${r.versionId}:${r.modelId}`);
  }

  it("without its owner it does nothing", async () => {
    const report = await seedDemoExperiments(t.db, boss, "nobody@mechmap.dev");
    expect(report).toMatchObject({ created: 0, runsQueued: 0, problems: [] });
    expect(report.skipped).toContain("nobody@mechmap.dev");
    expect((await totals()).experiments).toBe(0);
  });

  it("publishes the experiments with their data sets, techniques, papers and claims before any model is ready", async () => {
    const report = await seedDemoExperiments(t.db, boss, OWNER);
    expect(report).toEqual({ skipped: null, created: ALL, existing: 0, runsQueued: 0, problems: [] });
    expect(await totals()).toEqual({ experiments: ALL, versions: ALL, datasets: 5, runs: 0 });
    const rows = await t.db.select().from(experiments);
    expect(rows.every((r) => r.state === "published" && r.publishedAt !== null)).toBe(true);
    const versions = await t.db.select().from(experimentVersions);
    for (const def of DEMO_EXPERIMENTS) {
      const v = versions.find((x) => x.title === def.title)!;
      expect(v.publishedAt).not.toBeNull();
      expect(v.datasetId).not.toBeNull();
      expect(v.questionHtml).toContain("katex");
      expect(v.questionHtml).not.toContain("katex-error");
      expect(v.claims).toHaveLength(def.claims.length);
      expect((v.spec as { data: { datasetId: string } }).data.datasetId).toBe(String(v.datasetId));
      const [[tq], [pq]] = await Promise.all([
        t.db.select({ n: count() }).from(experimentVersionTechniques).where(eq(experimentVersionTechniques.versionId, v.id)),
        t.db.select({ n: count() }).from(experimentVersionPapers).where(eq(experimentVersionPapers.versionId, v.id)),
      ]);
      expect(tq!.n).toBe(def.techniques.length);
      expect(pq!.n).toBe(def.papers.length);
    }
  });

  it("seeding again after two models became ready queues exactly one run per (version, model), and a third time nothing", async () => {
    await t.db.update(models).set({ status: "ready" }).where(inArray(models.id, modelIds.slice(0, 2)));
    const second = await seedDemoExperiments(t.db, boss, OWNER);
    expect(second).toEqual({ skipped: null, created: 0, existing: ALL, runsQueued: 2 * ALL, problems: [] });
    const third = await seedDemoExperiments(t.db, boss, OWNER);
    expect(third).toEqual({ skipped: null, created: 0, existing: ALL, runsQueued: 0, problems: [] });
    expect(await totals()).toEqual({ experiments: ALL, versions: ALL, datasets: 5, runs: 2 * ALL });
    const keys = await firstRunKeys();
    expect(new Set(keys).size).toBe(2 * ALL);
    // Each run has its job on the run queue.
    const queued = await t.db.select({ jobId: runs.jobId }).from(runs);
    for (const r of queued) expect(await boss.getJobById(RUN_QUEUE.name, r.jobId!)).toMatchObject({ state: "created" });
  });

  it("a model that becomes ready later gets every experiment's run from queueRunsForModel, and seeding does not add them twice", async () => {
    await t.db.update(models).set({ status: "ready" }).where(eq(models.id, modelIds[2]!));
    expect(await queueRunsForModel(t.db, boss, modelIds[2]!)).toHaveLength(ALL);
    expect(await seedDemoExperiments(t.db, boss, OWNER)).toMatchObject({ created: 0, existing: ALL, runsQueued: 0 });
    expect(await totals()).toEqual({ experiments: ALL, versions: ALL, datasets: 5, runs: 3 * ALL });
    expect(new Set(await firstRunKeys()).size).toBe(3 * ALL);
    const perModel = await t.db.select({ n: count() }).from(runs).where(and(eq(runs.modelId, modelIds[2]!), eq(runs.attempt, 0)));
    expect(perModel[0]!.n).toBe(ALL);
  });

  it("an owner over their run quota does not stop the start: the missing runs are reported, nothing else changes", async () => {
    const [owner] = await t.db.select({ id: users.id }).from(users).where(eq(users.email, OWNER));
    await t.db.insert(userQuotas).values({ userId: owner!.id, maxRunsPerDay: 1 });
    await t.db.insert(models).values({ name: "stories-d", source: "/tmp/d.gguf", sha256: "d".repeat(64), status: "ready", layers: 5, dModel: 64 });
    const report = await seedDemoExperiments(t.db, boss, OWNER);
    expect(report).toMatchObject({ created: 0, existing: ALL, runsQueued: 0 });
    expect(report.problems).toHaveLength(ALL);
    expect(report.problems[0]).toMatch(/limit/i);
    expect(await totals()).toEqual({ experiments: ALL, versions: ALL, datasets: 5, runs: 3 * ALL });
    await t.db.delete(userQuotas).where(eq(userQuotas.userId, owner!.id));
  });
});

describe.skipIf(!hasStoriesFixtures())("the demo experiments on the demo model, through the real worker", () => {
  let t: TestDatabase;
  let producer: PgBoss;
  let consumer: PgBoss;
  let workers: ExperimentRunWorkers | undefined;
  const cacheDir = mkdtempSync(path.join(tmpdir(), "mechmap-demo-runs-"));

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedDemo(t.db);
    // What `npm start` leaves behind once the worker has compiled the demo model.
    await t.db.insert(models).values({ name: "stories260K", source: STORIES_GGUF, localPath: STORIES_GGUF, sha256: STORIES_SHA256, status: "ready", layers: 5, dModel: 64 });
    producer = await startBoss(t.url, { supervise: false });
    consumer = await startBoss(t.url, { supervise: false });
  }, 120_000);

  afterAll(async () => {
    await workers?.stop();
    await consumer?.stop({ graceful: false, wait: true });
    await producer?.stop({ graceful: false, wait: true });
    await closeMarkdownRenderer();
    await t?.dispose();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it("publishing queues one run per experiment and the worker completes all of them with metrics", async () => {
    const report = await seedDemoExperiments(t.db, producer, OWNER);
    expect(report).toEqual({ skipped: null, created: ALL, existing: 0, runsQueued: ALL, problems: [] });
    workers = await workExperimentRuns(consumer, t.db, {
      settings: { concurrency: 1, memoryBytes: 256 * 2 ** 20, runTimeLimitMs: 5 * 60_000, pollingIntervalSeconds: 1 },
      cacheDir,
      log: () => {},
    });
    const queued = await t.db.select({ id: runs.id }).from(runs);
    expect(queued).toHaveLength(ALL);
    for (const r of queued) {
      const done = await waitForRun(t.db, r.id, ["done", "failed"], 240_000);
      expect(done.error).toBeNull();
      expect(done.status).toBe("done");
      const methods = (done.metrics as { methods: Array<{ method: string; perLayer: unknown[]; result?: unknown }> }).methods;
      expect(methods.length).toBeGreaterThan(0);
      // The data methods report every block; the causal ones (spec version 2) one result each.
      for (const m of methods) {
        if (CAUSAL_METHODS.has(m.method)) expect(m.result).toBeTruthy();
        else expect(m.perLayer).toHaveLength(5);
      }
    }
  }, 300_000);
});
