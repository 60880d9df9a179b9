/**
 * The crossModel router and the across-models export on real PostgreSQL: runs, metrics and
 * `diffmean.scores` artifacts inserted directly, read back through tRPC callers for each role.
 * Correlations are checked against a two-pass float64 reference written here, on the float32
 * values as stored; the best matches against how the scores were built.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { experiments, experimentVersions, models, runArtifacts, runs } from "../../db/schema";
import { float32Bytes } from "../../server/artifacts/tensor-files";
import { parseCsv } from "../../server/services/datasets/csv";
import { handleCrossModelExport } from "../../server/services/cross-model/export-http";
import type { SessionUser } from "../../server/trpc/context";
import { createRng } from "../../workers/probes/stats/rng";
import { callerFor, createUser, useDatabaseWithRoles } from "../setup/callers";

const ctx = useDatabaseWithRoles();

const N = 48;
/** Latent per-example signals; each model layer's scores are one of them plus its own noise and offset. */
const rng = createRng(404);
const latent = Array.from({ length: 8 }, () => Float64Array.from({ length: N }, () => rng.normal()));
const noisy = (k: number, offset: number, n = N) => Float32Array.from({ length: n }, (_, i) => offset + latent[k]![i]! + 0.25 * rng.normal());

/** Which latent signal each layer of each model carries (six's layers are a shuffle of five's). */
const LATENT: Record<string, number[]> = {
  five: [0, 1, 2, 3, 4],
  six: [1, 0, 3, 2, 4, 7],
  four: [5, 6, 2, 0],
  "seed-s1": [0, 1, 2, 3, 4],
  "seed-s2": [0, 1, 2, 3, 4],
  short: [0, 1, 2, 3, 4],
};
const stored = new Map<number, Float32Array[]>();

function referencePearson(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]! / n;
    my += y[i]! / n;
  }
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

const accuracy = (model: string, layer: number, shift = 0) => Math.round((0.5 + 0.05 * layer + (model.length % 3) / 100 + shift) * 1000) / 1000;

function metricsOf(model: string, nLayers: number, opts: { consistency?: boolean; shift?: number } = {}) {
  const hook = (l: number) => `blocks.${l}.hook_resid_post`;
  const methods: unknown[] = [{ method: "diffmean", perLayer: Array.from({ length: nLayers }, (_, l) => ({ hook: hook(l), layer: l, accuracy: accuracy(model, l, opts.shift), auroc: 0.7, cohensD: 1.2 })) }];
  if (opts.consistency) methods.push({ method: "consistency", perLayer: Array.from({ length: nLayers }, (_, l) => ({ hook: hook(l), layer: l, meanCosine: l / 10, fractionPositive: 0.8 })) });
  return { engine: "mechmap-probes", specVersion: 1, seed: 1, model: { name: model, nLayers, dModel: 8 }, layers: Array.from({ length: nLayers }, (_, l) => l), methods };
}

const ids = { published: 0, draft: 0, noSeed: 0, versions: {} as Record<number, number>, modelIds: {} as Record<string, number>, runs: {} as Record<string, number> };
let owner: SessionUser;

beforeAll(async () => {
  const db = ctx.t.db;
  owner = ctx.as.users.member;
  const published = new Date("2026-01-01T00:00:00Z");
  const [experiment] = await db.insert(experiments).values({ ownerId: owner.id, state: "published", latestVersion: 2, publishedAt: published }).returning({ id: experiments.id });
  ids.published = experiment!.id;
  const claims = [
    { metric: "diffmean.accuracy", model: "five", where: { kind: "relativeDepth", from: 0.5, to: 1 }, comparison: "gte", value: 0.6, note: "" },
    { metric: "consistency.meanCosine", model: "any", where: { kind: "peak" }, comparison: "peaksAt", value: 1, tolerance: 0.2, note: "" },
  ];
  const versions = await db
    .insert(experimentVersions)
    .values([
      { experimentId: ids.published, version: 1, authorId: owner.id, title: "Across v1", spec: { version: 1 }, publishedAt: published },
      { experimentId: ids.published, version: 2, authorId: owner.id, title: "Across v2", spec: { version: 1 }, publishedAt: published, claims },
    ])
    .returning({ id: experimentVersions.id, version: experimentVersions.version });
  for (const v of versions) ids.versions[v.version] = v.id;

  const modelRows = await db
    .insert(models)
    .values(
      [
        ["five", 5, null],
        ["six", 6, null],
        ["four", 4, null],
        ["seed-s1", 5, "seed-recipe"],
        ["seed-s2", 5, "seed-recipe"],
        ["old", 5, null],
        ["short", 5, null],
        ["pending", 5, null],
      ].map(([name, layers, recipe]) => ({ name: name as string, layers: layers as number, recipe: recipe as string | null, source: "/tmp/x.gguf", sha256: `${name}`.padEnd(64, "0"), status: "ready" as const, dModel: 8 })),
    )
    .returning({ id: models.id, name: models.name });
  for (const m of modelRows) ids.modelIds[m.name] = m.id;

  let key = 0;
  const addRun = async (versionId: number, model: string, values: Partial<typeof runs.$inferInsert>) => {
    const [row] = await db
      .insert(runs)
      .values({ versionId, modelId: ids.modelIds[model]!, modelSha256: "0".repeat(64), engineVersion: "mechmap-probes/1.1.0", runKey: `k-${model}-${versionId}`, attempt: 0, ...values, ...(values.runKey ? {} : { runKey: `k${key++}` }) })
      .returning({ id: runs.id });
    return row!.id;
  };
  const addScores = async (runId: number, model: string, nLayers: number, n = N) => {
    const columns = LATENT[model]!.slice(0, nLayers).map((k, l) => noisy(k, 1000 + 10 * l, n));
    stored.set(runId, columns);
    await db.insert(runArtifacts).values(
      columns.flatMap((c, l) => [
        { runId, name: "diffmean.direction", methodIndex: 0, hook: `blocks.${l}.hook_resid_post`, layer: l, shape: [8], data: float32Bytes(new Float32Array(8).fill(0.25)) },
        { runId, name: "diffmean.scores", methodIndex: 0, hook: `blocks.${l}.hook_resid_post`, layer: l, shape: [c.length], data: float32Bytes(c) },
      ]),
    );
  };
  const v2 = ids.versions[2]!;
  const done = (model: string, nLayers: number, opts: { consistency?: boolean; shift?: number } = {}) => ({ status: "done" as const, metrics: metricsOf(model, nLayers, opts), finishedAt: new Date() });

  // five: attempt 0 (older numbers), attempt 1 (the latest done), attempt 2 failed.
  const fiveOld = await addRun(v2, "five", { ...done("five", 5, { shift: 0.3 }), runKey: "five-key", attempt: 0 });
  await addScores(fiveOld, "four", 4);
  ids.runs.five = await addRun(v2, "five", { ...done("five", 5, { consistency: true }), runKey: "five-key", attempt: 1 });
  await addScores(ids.runs.five, "five", 5);
  await addRun(v2, "five", { status: "failed", error: "boom", runKey: "five-key", attempt: 2 });
  for (const [model, nLayers, consistency] of [["six", 6, false], ["four", 4, true], ["seed-s1", 5, true], ["seed-s2", 5, true]] as const) {
    ids.runs[model] = await addRun(v2, model, done(model, nLayers, { consistency }));
    await addScores(ids.runs[model]!, model, nLayers);
  }
  // Finished before scores existed.
  ids.runs.old = await addRun(v2, "old", { ...done("old", 5), engineVersion: "mechmap-probes/1.0.0" });
  // Scored one example fewer (e.g. a different data set slipped in): cannot be paired.
  ids.runs.short = await addRun(v2, "short", done("short", 5));
  await addScores(ids.runs.short, "short", 5, N - 1);
  await addRun(v2, "pending", { status: "queued" });
  // Version 1: nothing done yet.
  await addRun(ids.versions[1]!, "five", { status: "running" });

  // A draft with a done run: only its author and staff see it.
  const [draft] = await db.insert(experiments).values({ ownerId: owner.id, state: "draft" }).returning({ id: experiments.id });
  ids.draft = draft!.id;
  const [draftVersion] = await db.insert(experimentVersions).values({ experimentId: ids.draft, version: 1, authorId: owner.id, title: "Draft across", spec: { version: 1 } }).returning({ id: experimentVersions.id });
  await addRun(draftVersion!.id, "five", done("five", 5));

  // Another experiment where the seed models have no runs.
  const [noSeed] = await db.insert(experiments).values({ ownerId: owner.id, state: "published", publishedAt: published }).returning({ id: experiments.id });
  ids.noSeed = noSeed!.id;
  const [noSeedVersion] = await db.insert(experimentVersions).values({ experimentId: ids.noSeed, version: 1, authorId: owner.id, title: "No seeds", spec: { version: 1 }, publishedAt: published }).returning({ id: experimentVersions.id });
  for (const [model, n] of [["five", 5], ["six", 6]] as const) {
    const id = await addRun(noSeedVersion!.id, model, done(model, n));
    await addScores(id, model, n);
  }
});

describe("crossModel.curves", () => {
  it("the latest published version by default: one curve per model's latest done run, by name, with the claimed metric first", async () => {
    const r = await ctx.as.anonymous.crossModel.curves({ id: ids.published });
    expect(r.version.version).toBe(2);
    expect(r.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(r.metric?.name).toBe("diffmean.accuracy");
    expect(r.metrics.map((m) => m.name)).toEqual(["diffmean.accuracy", "diffmean.auroc", "diffmean.cohensD", "consistency.meanCosine", "consistency.fractionPositive"]);
    expect(r.doneModels).toEqual(["five", "four", "old", "seed-s1", "seed-s2", "short", "six"]);
    expect(r.waiting).toEqual([{ model: "pending", status: "queued" }]);
    expect(r.curves.map((c) => c.model)).toEqual(r.doneModels);
    // five: attempt 1's numbers, not attempt 0's (shifted by 0.3) nor the failed attempt 2.
    const five = r.curves.find((c) => c.model === "five")!;
    expect(five.runId).toBe(ids.runs.five);
    expect(five.attempt).toBe(1);
    expect(five.points.map((p) => p.value)).toEqual([0, 1, 2, 3, 4].map((l) => accuracy("five", l)));
    const six = r.curves.find((c) => c.model === "six")!;
    expect(six.points.map((p) => p.depth)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(r.baseline).toMatchObject({ kind: "chance", value: 0.5 });
    expect(r.claims).toEqual([{ claimIndex: 0, text: "diffmean.accuracy ≥ 0.6 at relative depth 0.5–1 (five)", model: "five", note: "" }]);
    expect(r.marks.depth).toEqual([expect.objectContaining({ kind: "rule", y: 0.6, from: 0.5, to: 1 })]);
    // Relative-depth table: the last block of every model shares the row at depth 1.
    const last = r.tables.depth.at(-1)!;
    expect(last.x).toBe(1);
    expect(last.cells.map((c) => c?.layer)).toEqual([4, 3, 4, 4, 4, 4, 5]);
  });

  it("another metric: models that did not measure it are listed as such; peaksAt is a band", async () => {
    const r = await ctx.as.anonymous.crossModel.curves({ id: ids.published, metric: "consistency.meanCosine" });
    expect(r.curves.map((c) => c.model)).toEqual(["five", "four", "seed-s1", "seed-s2"]);
    expect(r.notMeasured).toEqual(["old", "short", "six"]);
    expect(r.baseline).toMatchObject({ kind: "zero", value: 0 });
    expect(r.marks.depth).toEqual([expect.objectContaining({ kind: "band", from: 0.8, to: 1 })]);
    const unmeasured = await ctx.as.anonymous.crossModel.curves({ id: ids.published, metric: "logistic.selectivity" });
    expect(unmeasured.metric?.name).toBe("logistic.selectivity");
    expect(unmeasured.curves).toEqual([]);
    expect(unmeasured.notMeasured).toHaveLength(7);
  });

  it("an older version with nothing done yet says who is still running", async () => {
    const r = await ctx.as.anonymous.crossModel.curves({ id: ids.published, version: 1 });
    expect(r.version.version).toBe(1);
    expect(r.curves).toEqual([]);
    expect(r.doneModels).toEqual([]);
    expect(r.metric).toBeNull();
    expect(r.waiting).toEqual([{ model: "five", status: "running" }]);
  });
});

describe("crossModel.agreement", () => {
  it("correlates every layer pair over the same examples, matching a float64 reference, and finds each layer's best match", async () => {
    const r = await ctx.as.anonymous.crossModel.agreement({ id: ids.published, a: "five", b: "six" });
    expect(r.a).toBe("five");
    expect(r.b).toBe("six");
    expect(r.hooks).toEqual(["hook_resid_post"]);
    const pair = r.pair!;
    if (pair.status !== "ok") throw new Error(`expected numbers, got ${pair.message}`);
    expect(pair.examples).toBe(N);
    expect(pair.a.layers).toEqual([0, 1, 2, 3, 4]);
    expect(pair.b.layers).toEqual([0, 1, 2, 3, 4, 5]);
    expect(pair.b.depths).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    const colsA = stored.get(ids.runs.five!)!;
    const colsB = stored.get(ids.runs.six!)!;
    pair.matrix.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v! - referencePearson(colsA[i]!, colsB[j]!)!)).toBeLessThan(1e-9)));
    // six carries five's signals in a shuffled order: layer l of five is layer j of six where LATENT.six[j] = l.
    expect(pair.best.map((b) => b.match)).toEqual([1, 0, 3, 2, 4]);
    for (const b of pair.best) expect(b.correlation!).toBeGreaterThan(0.9);
    expect(pair.best[2]).toMatchObject({ layer: 2, depth: 0.5, match: 3, matchDepth: 0.6 });
    expect(pair.summary).toBeCloseTo(pair.best.reduce((s, b) => s + b.correlation!, 0) / 5, 12);
  });

  it("the same-recipe, different-seed baseline pairs the two models sharing models.recipe", async () => {
    const r = await ctx.as.anonymous.crossModel.agreement({ id: ids.published, a: "five", b: "four" });
    expect(r.seed.recipe).toBe("seed-recipe");
    expect(r.seed.message).toBeNull();
    const seed = r.seed.pair!;
    if (seed.status !== "ok") throw new Error(seed.message);
    expect([seed.a.model, seed.b.model]).toEqual(["seed-s1", "seed-s2"]);
    expect(seed.best.map((b) => b.match)).toEqual([0, 1, 2, 3, 4]);
    const s1 = stored.get(ids.runs["seed-s1"]!)!;
    const s2 = stored.get(ids.runs["seed-s2"]!)!;
    seed.best.forEach((b, i) => expect(b.correlation!).toBeCloseTo(referencePearson(s1[i]!, s2[i]!)!, 9));
    // four shares only some signals with five: its best-match summary is lower than the seeds'.
    const pair = r.pair!;
    if (pair.status !== "ok") throw new Error(pair.message);
    expect(pair.summary!).toBeLessThan(seed.summary!);
  });

  it("says clearly when the seed models have no runs of this experiment", async () => {
    const r = await ctx.as.anonymous.crossModel.agreement({ id: ids.noSeed });
    expect([r.a, r.b]).toEqual(["five", "six"]);
    expect(r.pair?.status).toBe("ok");
    expect(r.seed.pair).toBeNull();
    expect(r.seed.recipe).toBe("seed-recipe");
    expect(r.seed.message).toContain("seed-s1, seed-s2");
    expect(r.seed.message).toContain("do not both have a finished run");
  });

  it("refuses a run that predates scores (rerun needed) and runs with different example counts", async () => {
    const old = await ctx.as.anonymous.crossModel.agreement({ id: ids.published, a: "old", b: "five" });
    expect(old.pair).toMatchObject({ status: "refused", reason: "rerun-needed" });
    expect(old.pair?.status === "refused" && old.pair.message).toMatch(/^Rerun needed: old \(run #\d+, engine mechmap-probes\/1\.0\.0\)/);
    const models = (await ctx.as.anonymous.crossModel.agreement({ id: ids.published })).models;
    expect(models.find((m) => m.name === "old")?.hasScores).toBe(false);
    expect(models.find((m) => m.name === "five")?.hasScores).toBe(true);
    const short = await ctx.as.anonymous.crossModel.agreement({ id: ids.published, a: "five", b: "short" });
    expect(short.pair).toMatchObject({ status: "refused", reason: "example-mismatch" });
    expect(short.pair?.status === "refused" && short.pair.message).toContain(`five: ${N}, short: ${N - 1}`);
  });

  it("defaults to the first two models with scores; an unknown or repeated model falls back", async () => {
    const r = await ctx.as.anonymous.crossModel.agreement({ id: ids.published, a: "no-such-model", b: "no-such-model" });
    expect([r.a, r.b]).toEqual(["five", "four"]);
    const same = await ctx.as.anonymous.crossModel.agreement({ id: ids.published, a: "six", b: "six" });
    expect([same.a, same.b]).toEqual(["six", "five"]);
  });
});

describe("visibility and input", () => {
  it("unknown experiments and versions are NOT_FOUND; malformed input is BAD_REQUEST", async () => {
    await expect(ctx.as.anonymous.crossModel.curves({ id: 2 ** 31 - 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(ctx.as.anonymous.crossModel.agreement({ id: 2 ** 31 - 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(ctx.as.anonymous.crossModel.curves({ id: ids.published, version: 9 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(ctx.as.anonymous.crossModel.curves({ id: ids.published, metric: "diffmean.nonsense" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(ctx.as.anonymous.crossModel.agreement({ id: ids.published, a: "../etc" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(ctx.as.anonymous.crossModel.curves({ id: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("a draft is missing for anonymous viewers and other members, shown to its author, moderators and admins", async () => {
    const stranger = callerFor(ctx.t.db, await createUser(ctx.t.db, "member"));
    for (const caller of [ctx.as.anonymous, stranger]) {
      await expect(caller.crossModel.curves({ id: ids.draft })).rejects.toMatchObject({ code: "NOT_FOUND", message: `Experiment #${ids.draft} was not found.` });
      await expect(caller.crossModel.agreement({ id: ids.draft })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    for (const caller of [ctx.as.member, ctx.as.moderator, ctx.as.admin]) {
      const r = await caller.crossModel.curves({ id: ids.draft });
      expect(r.experiment.state).toBe("draft");
      expect(r.doneModels).toEqual(["five"]);
    }
  });
});

describe("export", () => {
  const get = (id: number | string, query: string, viewer: SessionUser | null = null) =>
    handleCrossModelExport(new Request(`http://localhost/api/experiments/${id}/across-models?${query}`), { db: ctx.t.db, viewer, id: String(id) });
  const csv = async (res: Response) => parseCsv(await res.text(), { maxRows: 10_000, maxFieldChars: 1000 });

  it("curves as CSV: the page's table, rows by relative depth and one column per model", async () => {
    const res = await get(ids.published, "view=curves&format=csv&x=depth&metric=diffmean.accuracy");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="experiment-${ids.published}-v2-diffmean.accuracy-by-depth.csv"`);
    const table = await csv(res);
    expect(table[0]).toEqual(["relative_depth", "five", "four", "old", "seed-s1", "seed-s2", "short", "six"]);
    expect(table[1]).toEqual(["0", ...["five", "four", "old", "seed-s1", "seed-s2", "short", "six"].map((m) => String(accuracy(m, 0)))]);
    // 1/3 is only block 1 of four.
    expect(table.find((r) => r[0] === "0.333333")).toEqual(["0.333333", "", String(accuracy("four", 1)), "", "", "", "", ""]);
    const byLayer = await csv(await get(ids.published, "view=curves&format=csv&metric=diffmean.accuracy"));
    expect(byLayer.map((r) => r[0])).toEqual(["layer", "0", "1", "2", "3", "4", "5"]);
  });

  it("curves as JSON carry the state's axis, marks and table", async () => {
    const body = (await (await get(ids.published, "view=curves&format=json&x=depth")).json()) as { x: string; metric: { name: string }; curves: unknown[]; table: unknown[]; marks: unknown[] };
    expect(body.x).toBe("depth");
    expect(body.metric.name).toBe("diffmean.accuracy");
    expect(body.curves).toHaveLength(7);
    expect(body.marks).toHaveLength(1);
    expect(body.table.length).toBeGreaterThan(6);
  });

  it("agreement as CSV: every layer pair of the chosen pair and of the seed baseline, best matches marked", async () => {
    const res = await get(ids.published, "view=agreement&format=csv&a=five&b=six");
    expect(res.status).toBe(200);
    const table = await csv(res);
    expect(table[0]).toEqual(["comparison", "model_a", "model_b", "hook", "examples", "layer_a", "depth_a", "layer_b", "depth_b", "correlation", "best_match_for_layer_a"]);
    const chosen = table.filter((r) => r[0] === "chosen pair");
    const seed = table.filter((r) => r[0] === "same recipe, different seed (seed-recipe)");
    expect(chosen).toHaveLength(5 * 6);
    expect(seed).toHaveLength(5 * 5);
    expect(chosen.filter((r) => r[10] === "yes").map((r) => [r[5], r[7]])).toEqual([["0", "1"], ["1", "0"], ["2", "3"], ["3", "2"], ["4", "4"]]);
    const cell = chosen.find((r) => r[5] === "2" && r[7] === "3")!;
    expect(Number(cell[9])).toBeCloseTo(referencePearson(stored.get(ids.runs.five!)![2]!, stored.get(ids.runs.six!)![3]!)!, 9);
  });

  it("agreement as JSON includes refusals; CSV with nothing to export is a 409 that says why", async () => {
    const body = (await (await get(ids.published, "view=agreement&format=json&a=old&b=five")).json()) as { pair: { status: string; reason: string } };
    expect(body.pair).toMatchObject({ status: "refused", reason: "rerun-needed" });
    const v1 = await get(ids.published, "view=agreement&format=csv&v=1");
    expect(v1.status).toBe(409);
    expect(((await v1.json()) as { error: string }).error).toContain("Fewer than two models");
  });

  it("hides drafts, and refuses bad ids, views and formats", async () => {
    expect((await get(ids.draft, "view=curves&format=json")).status).toBe(404);
    expect((await get(ids.draft, "view=curves&format=json", owner)).status).toBe(200);
    expect((await get("abc", "view=curves")).status).toBe(400);
    expect((await get(ids.published, "view=matrix")).status).toBe(400);
    expect((await get(ids.published, "format=xlsx")).status).toBe(400);
    expect((await get(2 ** 31 - 1, "view=curves")).status).toBe(404);
  });
});
