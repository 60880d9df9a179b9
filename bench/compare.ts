/**
 * Compare-matrix benchmark (not a test): 500 published experiments × 20 hosted models, one done
 * run per cell (10% of cells also have a rerun, some still queued) whose metrics JSON holds 32
 * layers × 4 methods, with the summary columns (verdict, headline) set as the worker sets them, and
 * techniques linked through a small "kind of" hierarchy. Then the compare query over a mix of
 * pages, filters and sorts, through the service function and through the tRPC caller: 30 warm-up
 * calls, then ITERATIONS measured calls each; p50 / p95 / max, EXPLAIN ANALYZE of the heaviest
 * statements, and the full export. Target: p95 < 200 ms. Writes bench/results/compare.json.
 *
 *   npm run bench -- compare          (COMPARE_BENCH_ITERATIONS, default 300; DATABASE_URL to use that server)
 *
 * Seeding takes a few minutes; COMPARE_BENCH_KEEP=1 keeps the seeded database (its URL is printed)
 * and COMPARE_BENCH_SEEDED_URL=<that URL> measures it again without seeding (and leaves it).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { connect, type Database } from "../db/client";
import { dropDatabase, ensureDatabase } from "../db/create-database";
import { withDatabase } from "../db/database-url";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
import { PROJECT_ROOT } from "../db/local-database";
import { runMigrations } from "../db/migrate";
import { experimentVersions, experimentVersionTechniques, experiments, models, runs, techniqueRelations, techniques, users, type RunVerdict } from "../db/schema";
import { chooseColumns, hostedModels } from "../server/services/compare/columns";
import { handleCompareExport } from "../server/services/compare/export";
import { compareMatrix, matrixStatement } from "../server/services/compare/matrix";
import { type CompareQuery, DEFAULT_COMPARE_STATE } from "../server/services/compare/url-state";
import { createCaller } from "../server/trpc/root";

const EXPERIMENTS = 500;
const MODELS = 20;
const LAYERS = 32;
const ITERATIONS = Number(process.env.COMPARE_BENCH_ITERATIONS ?? 300);
const WARM_UP = 30;

/** A deterministic generator, so every run of the benchmark seeds the same data. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(20261201);
const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** The probe engine's metrics shape: per method, one row per layer (32 layers × 4 methods). */
function metricsJson(peak: number, layers: number) {
  const curve = (l: number) => round(0.5 + (peak - 0.5) * Math.exp(-(((l - layers * 0.6) / (layers * 0.25)) ** 2)) + (random() - 0.5) * 0.02);
  const perLayer = (extra: (l: number) => Record<string, unknown>) => Array.from({ length: layers }, (_, layer) => ({ hook: `blocks.${layer}.hook_resid_post`, layer, ...extra(layer) }));
  return {
    engine: "mechmap-probes",
    specVersion: 1,
    seed: 0,
    examples: 240,
    methods: [
      { method: "diffmean", perLayer: perLayer((l) => ({ accuracy: curve(l), auroc: round(Math.min(1, curve(l) + 0.03)), directionNorm: round(1 + l * 0.1), control: { accuracy: round(0.5 + (random() - 0.5) * 0.04), selectivity: round(curve(l) - 0.5) } })) },
      { method: "logistic", perLayer: perLayer((l) => ({ accuracy: round(curve(l) - 0.02), auroc: round(curve(l)), trainAccuracy: round(Math.min(1, curve(l) + 0.05)), l2: 0.01, control: { accuracy: round(0.5 + (random() - 0.5) * 0.04) } })) },
      { method: "dimensionality", perLayer: perLayer((l) => ({ components80: 1 + (l % 5), components90: 2 + (l % 7), participationRatio: round(1 + random() * 4), explained: Array.from({ length: 8 }, (_, i) => round(0.5 / (i + 1))) })) },
      { method: "consistency", perLayer: perLayer((l) => ({ cosineToNext: round(0.6 + random() * 0.3), cosineToPeak: round(0.4 + random() * 0.5), layer: l })) },
    ],
    timings: { totalMs: 12345, forwardMs: 9876 },
  };
}

const VERDICTS: RunVerdict[] = ["reproduced", "reproduced", "partly", "not_reproduced", "unchecked"];

async function seed(db: Database): Promise<{ techniqueSlugs: string[]; modelNames: string[] }> {
  const [user] = await db.insert(users).values({ email: "bench@mechmap.dev", name: "Bench" }).returning({ id: users.id });
  // 4 families of 5 techniques: parent → 2 children → 1 grandchild each.
  const techniqueRows = await db
    .insert(techniques)
    .values(Array.from({ length: 20 }, (_, i) => ({ slug: `bench-technique-${i}`, name: `Bench technique ${i}`, summary: "A technique for the compare benchmark." })))
    .returning({ id: techniques.id, slug: techniques.slug });
  const edges = [];
  for (let f = 0; f < 4; f++) {
    const t = (k: number) => techniqueRows[f * 5 + k]!.id;
    edges.push({ fromId: t(0), toId: t(1), kind: "kind_of" as const }, { fromId: t(0), toId: t(2), kind: "kind_of" as const }, { fromId: t(1), toId: t(3), kind: "kind_of" as const }, { fromId: t(2), toId: t(4), kind: "kind_of" as const });
  }
  await db.insert(techniqueRelations).values(edges);

  // 15 base models and 5 precision variants of the first five.
  const bases = await db
    .insert(models)
    .values(Array.from({ length: MODELS - 5 }, (_, i) => ({ name: `bench-model-${String(i).padStart(2, "0")}`, source: `/bench/${i}.gguf`, sha256: `${i}`.padStart(64, "a"), status: "ready" as const, layers: LAYERS, dModel: 64, precision: "f32" })))
    .returning({ id: models.id, name: models.name, sha256: models.sha256 });
  const variants = await db
    .insert(models)
    .values(bases.slice(0, 5).map((b, i) => ({ name: `${b.name}-q8_0`, source: `/bench/${i}-q8.gguf`, sha256: `${i}`.padStart(64, "b"), status: "ready" as const, layers: LAYERS, dModel: 64, precision: "q8_0", baseModelId: b.id })))
    .returning({ id: models.id, name: models.name, sha256: models.sha256 });
  const allModels = [...bases, ...variants];

  const start = Date.UTC(2026, 0, 1);
  for (let batch = 0; batch < EXPERIMENTS; batch += 50) {
    const count = Math.min(50, EXPERIMENTS - batch);
    const exps = await db
      .insert(experiments)
      .values(Array.from({ length: count }, (_, i) => ({ ownerId: user!.id, state: "published" as const, publishedAt: new Date(start + (batch + i) * 3_600_000) })))
      .returning({ id: experiments.id, publishedAt: experiments.publishedAt });
    const versions = await db
      .insert(experimentVersions)
      .values(
        exps.map((e, i) => ({
          experimentId: e.id,
          version: 1,
          authorId: user!.id,
          title: `Bench experiment ${batch + i}: ${["sentiment", "negation", "truth", "syntax", "sarcasm"][(batch + i) % 5]} direction`,
          spec: { version: 1, methods: [{ method: "diffmean" }, { method: "logistic" }, { method: "dimensionality" }, { method: "consistency" }] },
          claims: [{ metric: "diffmean.accuracy", model: "any", where: { kind: "peak" }, comparison: "gte", value: 0.8 }],
          publishedAt: e.publishedAt,
        })),
      )
      .returning({ id: experimentVersions.id });
    await db.insert(experimentVersionTechniques).values(
      versions.flatMap((v, i) => {
        const first = (batch + i) % 20;
        return [{ versionId: v.id, techniqueId: techniqueRows[first]!.id }, ...(i % 3 === 0 ? [{ versionId: v.id, techniqueId: techniqueRows[(first + 7) % 20]!.id }] : [])];
      }),
    );
    for (const v of versions) {
      const rows = [];
      for (const m of allModels) {
        const peak = 0.6 + random() * 0.39;
        const layer = Math.round(LAYERS * 0.6);
        const verdict = VERDICTS[Math.floor(random() * VERDICTS.length)]!;
        const summary = { verdict, headlineMetric: "diffmean.accuracy", headlineValue: round(peak), headlineLayer: layer };
        const base = { versionId: v.id, modelId: m.id, modelSha256: m.sha256!, engineVersion: "bench", runKey: `${v.id}-${m.sha256}`, finishedAt: new Date(), percent: 100 };
        rows.push({ ...base, attempt: 0, status: "done" as const, metrics: metricsJson(peak, LAYERS), ...summary });
        // One cell in ten has a rerun: done, or still queued.
        const r = random();
        if (r < 0.05) rows.push({ ...base, attempt: 1, status: "done" as const, metrics: metricsJson(peak, LAYERS), ...summary, verdict: VERDICTS[Math.floor(random() * VERDICTS.length)]! });
        else if (r < 0.1) rows.push({ ...base, attempt: 1, status: "queued" as const, percent: 0, finishedAt: null });
      }
      await db.insert(runs).values(rows);
    }
    process.stdout.write(`\rseeded ${batch + count} / ${EXPERIMENTS} experiments`);
  }
  process.stdout.write("\n");
  await db.execute(sql`analyze`);
  return { techniqueSlugs: techniqueRows.map((t) => t.slug), modelNames: allModels.map((m) => m.name) };
}

async function seededNames(db: Database): Promise<{ techniqueSlugs: string[]; modelNames: string[] }> {
  const t = await db.select({ slug: techniques.slug }).from(techniques).where(sql`${techniques.slug} like 'bench-technique-%'`).orderBy(techniques.id);
  const m = await db.select({ name: models.name }).from(models).orderBy(models.id);
  return { techniqueSlugs: t.map((r) => r.slug), modelNames: m.map((r) => r.name) };
}

function stats(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { n: sorted.length, p50: Number(at(0.5).toFixed(1)), p95: Number(at(0.95).toFixed(1)), max: Number(sorted[sorted.length - 1]!.toFixed(1)), mean: Number((sorted.reduce((a, b) => a + b, 0) / sorted.length).toFixed(1)) };
}

/** The mix: plain pages, technique filters (with kinds), model subsets, verdict filters, every sort, pages past the middle. */
function workload(techniqueSlugs: string[], modelNames: string[]): Array<{ label: string; state: CompareQuery }> {
  const s = (label: string, changes: Partial<CompareQuery>) => ({ label, state: { ...DEFAULT_COMPARE_STATE, ...changes } });
  return [
    s("newest, page 1", {}),
    s("newest, page 7", { page: 7 }),
    s("newest, page 20", { page: 20 }),
    s("title, page 3", { sort: "title", page: 3 }),
    s("reproduction rate, page 1", { sort: "reproduction" }),
    s("reproduction rate, page 12", { sort: "reproduction", page: 12 }),
    s("headline value on one model, page 1", { sort: "value", sortModel: modelNames[3]! }),
    s("headline value, page 9", { sort: "value", sortModel: modelNames[17]!, page: 9 }),
    s("technique with kinds", { technique: techniqueSlugs[0]! }),
    s("leaf technique, page 2", { technique: techniqueSlugs[8]!, page: 2 }),
    s("verdict not reproduced", { verdict: "not_reproduced" }),
    s("verdict partly, page 5", { verdict: "partly", page: 5 }),
    s("verdict not run", { verdict: "not_run" }),
    s("three models, verdict reproduced, by reproduction", { models: modelNames.slice(0, 3), verdict: "reproduced", sort: "reproduction" }),
    s("technique + verdict + value sort", { technique: techniqueSlugs[5]!, verdict: "reproduced", sort: "value", sortModel: modelNames[0]! }),
    s("title search", { q: "sarcasm", page: 2 }),
  ];
}

async function explain(db: Database, state: CompareQuery): Promise<{ plan: string[]; executionMs: number }> {
  const columns = chooseColumns(await hostedModels(db), state);
  const sortModelId = state.sort === "value" ? (columns.shown.find((m) => m.name === state.sortModel)?.id ?? null) : null;
  const statement = matrixStatement(
    state,
    columns.shown.map((m) => m.id),
    sortModelId,
    { offset: (state.page - 1) * 25, limit: 25 },
  );
  const rows = await db.execute<{ "QUERY PLAN": string }>(sql`explain (analyze, buffers) ${statement}`);
  const plan = rows.map((r) => r["QUERY PLAN"]);
  const executionMs = Number(/Execution Time: ([\d.]+)/.exec(plan.at(-1) ?? "")?.[1] ?? Number.NaN);
  return { plan, executionMs };
}

export async function runCompareBench(): Promise<void> {
  const seeded = process.env.COMPARE_BENCH_SEEDED_URL;
  const keep = seeded !== undefined || process.env.COMPARE_BENCH_KEEP === "1";
  const server = seeded
    ? { url: seeded, stop: async () => {} }
    : process.env.DATABASE_URL
      ? { url: withDatabase(process.env.DATABASE_URL, "postgres"), stop: async () => {} }
      : await startEmbeddedPostgres({ dataDir: path.join(PROJECT_ROOT, ".data", "bench-postgres"), port: 54349, quiet: true });
  const url = seeded ?? withDatabase(server.url, `mechmap_bench_compare_${Date.now()}`);
  if (!seeded) {
    await ensureDatabase(url);
    await runMigrations(url);
  }
  const { db, close } = connect(url, { max: 4 });
  try {
    const t0 = performance.now();
    const { techniqueSlugs, modelNames } = seeded ? await seededNames(db) : await seed(db);
    const [size] = await db.execute<{ runs: number; cells: number; metrics_mb: number; table_mb: number }>(sql`
      select count(*)::int as runs, count(distinct (version_id, model_id))::int as cells,
        round(sum(pg_column_size(metrics))::numeric / 1048576, 1)::float as metrics_mb,
        round(pg_total_relation_size('runs')::numeric / 1048576, 1)::float as table_mb
      from runs`);
    console.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${EXPERIMENTS} experiments × ${MODELS} models, ${size!.runs} runs (${size!.cells} cells), metrics ${size!.metrics_mb} MB stored, runs table ${size!.table_mb} MB`);

    const mix = workload(techniqueSlugs, modelNames);
    const caller = createCaller({ db, getUser: async () => null, clientIp: "198.18.0.1" });
    const via = {
      service: (state: CompareQuery) => compareMatrix(db, state),
      trpc: (state: CompareQuery) => caller.compare.matrix(state),
    };
    const results: Record<string, ReturnType<typeof stats> & { perQuery: Record<string, number> }> = {};
    for (const [name, call] of Object.entries(via)) {
      for (let i = 0; i < WARM_UP; i++) await call(mix[i % mix.length]!.state);
      const all: number[] = [];
      const perLabel = new Map<string, number[]>();
      for (let i = 0; i < ITERATIONS; i++) {
        const { label, state } = mix[i % mix.length]!;
        const started = performance.now();
        const m = await call(state);
        const ms = performance.now() - started;
        if (m.rows.length === 0 && m.total > 0) throw new Error(`${label}: an empty page of a non-empty matrix`);
        all.push(ms);
        perLabel.set(label, [...(perLabel.get(label) ?? []), ms]);
      }
      results[name] = { ...stats(all), perQuery: Object.fromEntries([...perLabel].map(([label, ms]) => [label, stats(ms).p50])) };
      console.log(`${name}: ${ITERATIONS} calls — p50 ${results[name].p50} ms, p95 ${results[name].p95} ms, max ${results[name].max} ms`);
    }
    console.table(Object.fromEntries(Object.entries(results.service!.perQuery).map(([label, p50]) => [label, { "service p50 ms": p50, "tRPC p50 ms": results.trpc!.perQuery[label] }])));

    const plans: Record<string, { executionMs: number; plan: string[] }> = {};
    for (const label of ["newest, page 20", "reproduction rate, page 12", "verdict not run", "technique + verdict + value sort"]) {
      plans[label] = await explain(db, mix.find((m) => m.label === label)!.state);
      console.log(`EXPLAIN ANALYZE (${label}): execution ${plans[label].executionMs} ms`);
    }
    console.log(`\nPlan of "reproduction rate, page 12":\n${plans["reproduction rate, page 12"]!.plan.join("\n")}\n`);

    const exportMs: number[] = [];
    let exportBytes = 0;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const res = await handleCompareExport(new Request("http://bench/api/compare?format=csv"), { db });
      exportBytes = (await res.text()).length;
      exportMs.push(performance.now() - started);
    }
    const exportStats = stats(exportMs);
    console.log(`export (CSV, all ${EXPERIMENTS} × ${MODELS} cells, ${(exportBytes / 1024).toFixed(0)} KiB): p50 ${exportStats.p50} ms, max ${exportStats.max} ms`);

    const target = 200;
    const ok = results.service!.p95 < target && results.trpc!.p95 < target;
    console.log(ok ? `p95 under ${target} ms: yes` : `p95 under ${target} ms: NO`);
    const report = {
      date: new Date().toISOString(),
      cpus: os.cpus().length,
      data: { experiments: EXPERIMENTS, models: MODELS, layers: LAYERS, methods: 4, runs: size!.runs, cells: size!.cells, metricsMB: size!.metrics_mb, runsTableMB: size!.table_mb },
      iterations: ITERATIONS,
      warmUp: WARM_UP,
      service: results.service,
      trpc: results.trpc,
      targetP95Ms: target,
      meetsTarget: ok,
      explain: Object.fromEntries(Object.entries(plans).map(([k, v]) => [k, { executionMs: v.executionMs, plan: v.plan }])),
      exportCsv: { ...exportStats, bytes: exportBytes },
    };
    mkdirSync(path.join(PROJECT_ROOT, "bench", "results"), { recursive: true });
    writeFileSync(path.join(PROJECT_ROOT, "bench", "results", "compare.json"), JSON.stringify(report, null, 2));
  } finally {
    await close();
    if (keep) console.log(`kept the seeded database: COMPARE_BENCH_SEEDED_URL=${url}`);
    else await dropDatabase(url);
    await server.stop();
  }
}
