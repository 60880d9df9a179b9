/** The compare matrix: latest attempts, not-run cells, filters, sorts, pages, drafts and old versions, the URL state and the export. */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { experiments, experimentVersions, experimentVersionTechniques, models, runs, techniques, type RunStatus, type RunVerdict } from "../../db/schema";
import { parseCsv } from "../../server/services/datasets/csv";
import { COMPARE_CSV_HEADER, handleCompareExport } from "../../server/services/compare/export";
import { COMPARE_MAX_MODELS, compareHref, compareSearchParams, DEFAULT_COMPARE_STATE, parseCompareState, type CompareQueryInput } from "../../server/services/compare/url-state";
import type { SessionUser } from "../../server/trpc/context";
import { createUser, useDatabaseWithRoles } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";
import { insertExperiment } from "./comments-fixtures";

const ctx = useDatabaseWithRoles({ before: insertSmallTaxonomy });
let author: SessionUser;
const tech: Record<string, number> = {};

beforeAll(async () => {
  author = await createUser(ctx.t.db, "member");
  for (const t of await ctx.t.db.select({ id: techniques.id, slug: techniques.slug }).from(techniques)) tech[t.slug] = t.id;
});

const salt = () => randomBytes(4).toString("hex");

interface TestModel {
  id: number;
  name: string;
  sha256: string;
}

async function model(name: string, options: { status?: "ready" | "failed" | "compiling"; baseModelId?: number; precision?: string } = {}): Promise<TestModel> {
  const sha256 = randomBytes(32).toString("hex");
  const [row] = await ctx.t.db
    .insert(models)
    .values({ name, source: `/tmp/${name}.gguf`, sha256, status: options.status ?? "ready", layers: 4, dModel: 16, precision: options.precision ?? "f32", baseModelId: options.baseModelId ?? null })
    .returning({ id: models.id });
  return { id: row!.id, name, sha256 };
}

/** A run with its summary columns set, as the worker leaves them when it finishes. */
async function run(
  versionId: number,
  m: TestModel,
  options: { status?: RunStatus; attempt?: number; verdict?: RunVerdict | null; value?: number; layer?: number; percent?: number; engine?: string } = {},
): Promise<number> {
  const status = options.status ?? "done";
  const done = status === "done";
  const [row] = await ctx.t.db
    .insert(runs)
    .values({
      versionId,
      modelId: m.id,
      modelSha256: m.sha256,
      engineVersion: options.engine ?? "test",
      runKey: `${versionId}-${m.sha256}-${options.engine ?? "test"}`,
      attempt: options.attempt ?? 0,
      status,
      percent: options.percent ?? (done ? 100 : 0),
      metrics: done ? { methods: [{ method: "diffmean", perLayer: [{ hook: "h", layer: options.layer ?? 2, accuracy: options.value ?? 0.9 }] }] } : null,
      verdict: done ? (options.verdict === undefined ? "reproduced" : options.verdict) : null,
      headlineMetric: done && options.value !== undefined ? "diffmean.accuracy" : null,
      headlineValue: done ? (options.value ?? null) : null,
      headlineLayer: done && options.value !== undefined ? (options.layer ?? 2) : null,
      finishedAt: done ? new Date() : null,
    })
    .returning({ id: runs.id });
  return row!.id;
}

async function experiment(title: string, options: { techniques?: string[]; state?: "draft" | "published"; publishedAt?: Date } = {}) {
  const e = await insertExperiment(ctx.t.db, author.id, { title, state: options.state, techniqueIds: (options.techniques ?? []).map((s) => tech[s]!) });
  if (options.publishedAt) await ctx.t.db.update(experimentVersions).set({ publishedAt: options.publishedAt }).where(eq(experimentVersions.id, e.versionId));
  return e;
}

const matrix = (input: CompareQueryInput) => ctx.as.anonymous.compare.matrix(input);
const cellOf = (m: Awaited<ReturnType<typeof matrix>>, experimentId: number, modelName: string) => {
  const row = m.rows.find((r) => r.experimentId === experimentId);
  const i = m.models.findIndex((c) => c.name === modelName);
  if (!row || i < 0) throw new Error(`no cell for experiment ${experimentId} on ${modelName}`);
  return row.cells[i]!;
};

describe("compare matrix", () => {
  it("with no published experiment: no rows, and the total says so", async () => {
    await experiment("Only a draft", { state: "draft" });
    const m = await matrix({});
    expect(m.rows).toEqual([]);
    expect(m.publishedTotal).toBe(0);
    expect(m.total).toBe(0);
    expect(m.pageCount).toBe(1);
  });

  it("a cell shows the latest attempt, keeps the last result while a rerun is pending, and a model without a run is 'not run'", async () => {
    const s = salt();
    const [a, b, c] = [await model(`latest-a-${s}`), await model(`latest-b-${s}`), await model(`latest-c-${s}`)];
    const e = await experiment(`Latest attempt ${s}`);
    // On A: attempt 0 reproduced, attempt 1 not reproduced → attempt 1 wins.
    await run(e.versionId, a, { verdict: "reproduced", value: 0.8 });
    const a1 = await run(e.versionId, a, { attempt: 1, verdict: "not_reproduced", value: 0.6, layer: 3 });
    // On B: a finished partly run, then a rerun that is running: the cell says running and keeps the result.
    const b0 = await run(e.versionId, b, { verdict: "partly", value: 0.7 });
    const b1 = await run(e.versionId, b, { attempt: 1, status: "running", percent: 40 });
    const m = await matrix({ q: s, models: [a.name, b.name, c.name] });
    expect(m.models.map((x) => x.name)).toEqual([a.name, b.name, c.name]);
    expect(m.rows).toHaveLength(1);
    expect(cellOf(m, e.id, a.name)).toEqual({
      modelId: a.id,
      verdict: "not_reproduced",
      run: { id: a1, attempt: 1, status: "done", percent: 100 },
      result: { runId: a1, attempt: 1, verdict: "not_reproduced", headline: { metric: "diffmean.accuracy", value: expect.closeTo(0.6, 6), layer: 3 }, finishedAt: expect.any(Date) },
    });
    expect(cellOf(m, e.id, b.name)).toMatchObject({ verdict: "partly", run: { id: b1, status: "running", percent: 40 }, result: { runId: b0, verdict: "partly" } });
    expect(cellOf(m, e.id, c.name)).toEqual({ modelId: c.id, verdict: "not_run", run: null, result: null });
    expect(m.rows[0]!.reproduced).toBe(0);
  });

  it("after an engine upgrade the new engine's run (attempt 0 again) supersedes the old engine's reruns", async () => {
    const s = salt();
    const a = await model(`engine-a-${s}`);
    const e = await experiment(`Engine upgrade ${s}`);
    await run(e.versionId, a, { verdict: "reproduced", value: 0.8, engine: "old" });
    await run(e.versionId, a, { attempt: 1, verdict: "not_reproduced", value: 0.6, engine: "old" });
    const upgraded = await run(e.versionId, a, { verdict: "partly", value: 0.7, layer: 2, engine: "new" });
    const m = await matrix({ q: s, models: [a.name] });
    expect(cellOf(m, e.id, a.name)).toMatchObject({ verdict: "partly", run: { id: upgraded, attempt: 0 }, result: { runId: upgraded, verdict: "partly" } });
  });

  it("a queued or failed first attempt has no result (verdict 'not run'); a done run without a verdict is 'unchecked'", async () => {
    const s = salt();
    const [a, b, c] = [await model(`state-a-${s}`), await model(`state-b-${s}`), await model(`state-c-${s}`)];
    const e = await experiment(`States ${s}`);
    const queued = await run(e.versionId, a, { status: "queued" });
    const failed = await run(e.versionId, b, { status: "failed" });
    await run(e.versionId, c, { verdict: null, value: 0.5 });
    const m = await matrix({ q: s, models: [a.name, b.name, c.name] });
    expect(cellOf(m, e.id, a.name)).toMatchObject({ verdict: "not_run", run: { id: queued, status: "queued" }, result: null });
    expect(cellOf(m, e.id, b.name)).toMatchObject({ verdict: "not_run", run: { id: failed, status: "failed" }, result: null });
    expect(cellOf(m, e.id, c.name)).toMatchObject({ verdict: "unchecked", result: { verdict: null } });
  });

  it("drafts and experiments' older versions are left out; the latest version's title, techniques and runs are shown", async () => {
    const s = salt();
    const a = await model(`versions-a-${s}`);
    const draft = await experiment(`Versions draft ${s}`, { state: "draft" });
    await run(draft.versionId, a);
    const e = await experiment(`Versions v1 ${s}`, { techniques: ["probing"] });
    const v1run = await run(e.versionId, a, { verdict: "reproduced" });
    const [v2] = await ctx.t.db
      .insert(experimentVersions)
      .values({ experimentId: e.id, version: 2, authorId: author.id, title: `Versions v2 ${s}`, spec: {}, publishedAt: new Date() })
      .returning({ id: experimentVersions.id });
    await ctx.t.db.insert(experimentVersionTechniques).values({ versionId: v2!.id, techniqueId: tech.steering! });
    await ctx.t.db.update(experiments).set({ latestVersion: 2 }).where(eq(experiments.id, e.id));

    const m = await matrix({ q: `Versions`, models: [a.name] });
    const mine = m.rows.filter((r) => r.title.endsWith(s));
    expect(mine.map((r) => ({ id: r.experimentId, title: r.title, version: r.version, techniques: r.techniques }))).toEqual([
      { id: e.id, title: `Versions v2 ${s}`, version: 2, techniques: [{ slug: "steering", name: "Activation steering" }] },
    ]);
    // Version 2 has not run yet: version 1's run is not its result.
    expect(cellOf(m, e.id, a.name)).toEqual({ modelId: a.id, verdict: "not_run", run: null, result: null });
    expect(mine[0]!.cells.some((c) => c.run?.id === v1run)).toBe(false);
    // The technique filter follows the latest version too.
    expect((await matrix({ q: s, technique: "probing" })).rows).toEqual([]);
    expect((await matrix({ q: s, technique: "steering" })).rows.map((r) => r.experimentId)).toEqual([e.id]);
  });

  it("filters by technique, including the techniques below it; an unknown technique is an empty matrix with a note", async () => {
    const s = salt();
    const linear = await experiment(`Tech linear ${s}`, { techniques: ["linear-probing"] });
    const control = await experiment(`Tech control ${s}`, { techniques: ["control-tasks"] });
    const caa = await experiment(`Tech caa ${s}`, { techniques: ["caa"] });
    const ids = async (technique: string) => (await matrix({ q: s, technique, sort: "title" })).rows.map((r) => r.experimentId);
    expect(await ids("control-tasks")).toEqual([control.id]);
    // probing → linear-probing → control-tasks (kind_of), so both are probing experiments.
    expect(await ids("probing")).toEqual([control.id, linear.id]);
    expect(await ids("linear-probing")).toEqual([control.id, linear.id]);
    expect(await ids("steering")).toEqual([caa.id]);
    const probing = await matrix({ q: s, technique: "probing" });
    expect(probing.technique).toEqual({ slug: "probing", name: "Probing", descendants: 2 });
    expect(probing.total).toBe(2);

    const unknown = await matrix({ q: s, technique: "no-such-technique" });
    expect(unknown.rows).toEqual([]);
    expect(unknown.technique).toBeNull();
    expect(unknown.notes.join(" ")).toContain("There is no technique “no-such-technique”");
  });

  it("filters by models (the columns) and by verdict on any shown model", async () => {
    const s = salt();
    const [a, b, c] = [await model(`verdict-a-${s}`), await model(`verdict-b-${s}`), await model(`verdict-c-${s}`)];
    const e1 = await experiment(`Verdict one ${s}`);
    const e2 = await experiment(`Verdict two ${s}`);
    const e3 = await experiment(`Verdict three ${s}`);
    await run(e1.versionId, a, { verdict: "reproduced" });
    await run(e1.versionId, b, { verdict: "not_reproduced" });
    await run(e2.versionId, a, { verdict: "partly" });
    await run(e2.versionId, c, { verdict: "reproduced" });
    await run(e3.versionId, a, { verdict: "reproduced" });
    await run(e3.versionId, b, { verdict: "reproduced" });
    await run(e3.versionId, c, { verdict: "reproduced" });
    const ids = async (input: CompareQueryInput) => (await matrix({ q: s, sort: "title", ...input })).rows.map((r) => r.experimentId);
    const all = [a.name, b.name, c.name];
    expect(await ids({ models: all, verdict: "reproduced" })).toEqual([e1.id, e3.id, e2.id]);
    expect(await ids({ models: all, verdict: "not_reproduced" })).toEqual([e1.id]);
    expect(await ids({ models: all, verdict: "partly" })).toEqual([e2.id]);
    // Not run: e1 on C and e2 on B.
    expect(await ids({ models: all, verdict: "not_run" })).toEqual([e1.id, e2.id]);
    // Only the shown models count: on B alone, e2 has no run and e1 is not reproduced.
    expect(await ids({ models: [b.name], verdict: "reproduced" })).toEqual([e3.id]);
    expect(await ids({ models: [b.name], verdict: "not_run" })).toEqual([e2.id]);
    expect(await ids({ models: [c.name], verdict: "not_reproduced" })).toEqual([]);

    const onlyB = await matrix({ q: s, models: [b.name, "no-such-model"] });
    expect(onlyB.models.map((m) => m.name)).toEqual([b.name]);
    expect(onlyB.rows.every((r) => r.cells.length === 1)).toBe(true);
    expect(onlyB.unknownModels).toEqual(["no-such-model"]);
    expect(onlyB.notes.join(" ")).toContain("No hosted model is called “no-such-model”");
  });

  it("sorts newest first, by title, by reproduction rate over the shown models, and by one model's headline value", async () => {
    const s = salt();
    const [a, b] = [await model(`sort-a-${s}`), await model(`sort-b-${s}`)];
    const day = (d: number) => new Date(Date.UTC(2030, 0, d));
    const older = await experiment(`Sort Beta ${s}`, { publishedAt: day(1) });
    const newer = await experiment(`Sort alpha ${s}`, { publishedAt: day(3) });
    const middle = await experiment(`Sort Gamma ${s}`, { publishedAt: day(2) });
    await run(older.versionId, a, { verdict: "reproduced", value: 0.7 });
    await run(older.versionId, b, { verdict: "reproduced", value: 0.99 });
    await run(newer.versionId, a, { verdict: "not_reproduced", value: 0.95 });
    await run(middle.versionId, a, { verdict: "reproduced", value: 0.6 });
    await run(middle.versionId, b, { verdict: "partly", value: 0.5 });
    const ids = async (input: CompareQueryInput) => (await matrix({ q: s, models: [a.name, b.name], ...input })).rows.map((r) => r.experimentId);
    expect(await ids({})).toEqual([newer.id, middle.id, older.id]);
    expect(await ids({ sort: "title" })).toEqual([newer.id, older.id, middle.id]);
    expect(await ids({ sort: "reproduction" })).toEqual([older.id, middle.id, newer.id]);
    expect(await ids({ sort: "value", sortModel: a.name })).toEqual([newer.id, older.id, middle.id]);
    // No value on B for `newer`: it goes last.
    expect(await ids({ sort: "value", sortModel: b.name })).toEqual([older.id, middle.id, newer.id]);
    const rates = await matrix({ q: s, models: [a.name, b.name], sort: "reproduction" });
    expect(rates.rows.map((r) => r.reproduced)).toEqual([2, 1, 0]);
    // Sorting by a model that is not shown falls back to newest, and says so.
    const hidden = await matrix({ q: s, models: [a.name], sort: "value", sortModel: b.name });
    expect(hidden.rows.map((r) => r.experimentId)).toEqual([newer.id, middle.id, older.id]);
    expect(hidden.state.sort).toBe("newest");
    expect(hidden.notes.join(" ")).toContain("not among the models shown");
  });

  it("pages 25 rows at a time with global positions; a page past the end is empty and says so", async () => {
    const s = salt();
    const a = await model(`pages-a-${s}`);
    const made = [];
    for (let i = 0; i < 27; i++) made.push(await experiment(`Pages ${String(i).padStart(2, "0")} ${s}`));
    for (const e of made) await run(e.versionId, a, { verdict: "reproduced", value: 0.5 });
    const page1 = await matrix({ q: s, sort: "title", models: [a.name] });
    const page2 = await matrix({ q: s, sort: "title", models: [a.name], page: 2 });
    const page3 = await matrix({ q: s, sort: "title", models: [a.name], page: 3 });
    expect(page1).toMatchObject({ total: 27, pageCount: 2, pageSize: 25, notes: [] });
    expect(page1.rows.map((r) => r.experimentId)).toEqual(made.slice(0, 25).map((e) => e.id));
    expect(page1.rows.map((r) => r.position)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(page2.rows.map((r) => [r.position, r.experimentId])).toEqual([
      [26, made[25]!.id],
      [27, made[26]!.id],
    ]);
    expect(page3.rows).toEqual([]);
    expect(page3.notes.join(" ")).toContain("There is no page 3: these filters match 27 experiments, 2 pages of 25.");
    // Every cell carries its value.
    expect(page1.rows.every((r) => r.cells[0]!.result?.headline?.value === 0.5)).toBe(true);
  });

  it("columns: ready models and models with runs, each base model followed by its precision variants; at most 20", async () => {
    const s = salt();
    const e = await experiment(`Columns ${s}`);
    const base = await model(`zz-col-base-${s}`);
    const variant = await model(`zz-col-base-${s}-q8_0`, { baseModelId: base.id, precision: "q8_0" });
    const after = await model(`zz-col-base-${s}-x`);
    const failedWithRun = await model(`zz-col-failed-${s}`, { status: "failed" });
    await run(e.versionId, failedWithRun, { verdict: "partly" });
    await model(`zz-col-compiling-${s}`, { status: "compiling" });
    for (let i = 0; i < 6; i++) await model(`zz-col-more-${i}-${s}`);
    const m = await matrix({ q: s });
    const names = m.allModels.map((x) => x.name).filter((n) => n.startsWith("zz-col-"));
    expect(names).toEqual([base.name, variant.name, after.name, failedWithRun.name, ...Array.from({ length: 6 }, (_, i) => `zz-col-more-${i}-${s}`)]);
    expect(m.allModels.find((x) => x.name === variant.name)).toMatchObject({ baseModel: base.name, precision: "q8_0" });
    // Many models: the view shows 20 columns and counts the rest.
    expect(m.allModels.length).toBeGreaterThan(COMPARE_MAX_MODELS);
    expect(m.models).toHaveLength(COMPARE_MAX_MODELS);
    expect(m.models).toEqual(m.allModels.slice(0, COMPARE_MAX_MODELS));
    expect(m.hiddenModels).toBe(m.allModels.length - COMPARE_MAX_MODELS);
    expect(m.rows[0]!.cells).toHaveLength(COMPARE_MAX_MODELS);
    await expect(matrix({ models: Array.from({ length: 21 }, (_, i) => `m${i}`) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("exports every matching row as CSV (one line per cell) and JSON, with the page's filters", async () => {
    const s = salt();
    const [a, b] = [await model(`export-a-${s}`), await model(`export-b-${s}`)];
    const made = [];
    for (let i = 0; i < 30; i++) made.push(await experiment(`Export ${String(i).padStart(2, "0")} ${s}`, { techniques: ["caa"] }));
    const runId = await run(made[0]!.versionId, a, { verdict: "partly", value: 0.875, layer: 3 });
    const params = compareSearchParams({ ...DEFAULT_COMPARE_STATE, q: s, models: [a.name, b.name], sort: "title" });
    const csvRes = await handleCompareExport(new Request(`http://x/api/compare?format=csv&${params}`), { db: ctx.t.db });
    expect(csvRes.status).toBe(200);
    expect(csvRes.headers.get("content-type")).toContain("text/csv");
    const records = parseCsv(await csvRes.text(), { maxRows: 10_000, maxFieldChars: 10_000 });
    expect(records[0]).toEqual([...COMPARE_CSV_HEADER]);
    expect(records).toHaveLength(1 + 30 * 2);
    expect(records[1]).toEqual([String(made[0]!.id), `Export 00 ${s}`, "1", "caa", a.name, "f32", "partly", "done", String(runId), "0", String(runId), "diffmean.accuracy", "0.875", "3"]);
    expect(records[2]!.slice(4, 9)).toEqual([b.name, "f32", "not_run", "not_run", ""]);

    const jsonRes = await handleCompareExport(new Request(`http://x/api/compare?${params}&verdict=partly`), { db: ctx.t.db });
    const body = (await jsonRes.json()) as { experiments: Array<{ id: number; cells: Array<{ model: string; verdict: string }> }>; filters: Record<string, string>; total: number };
    expect(body.total).toBe(1);
    expect(body.filters).toMatchObject({ q: s, verdict: "partly", sort: "title" });
    expect(body.experiments.map((e) => e.id)).toEqual([made[0]!.id]);
    expect(body.experiments[0]!.cells.map((c) => [c.model, c.verdict])).toEqual([
      [a.name, "partly"],
      [b.name, "not_run"],
    ]);
    const bad = await handleCompareExport(new Request(`http://x/api/compare?format=xml`), { db: ctx.t.db });
    expect(bad.status).toBe(400);
  });
});

describe("compare URL state", () => {
  it("round-trips through search parameters", () => {
    const state = { technique: "linear-probing", models: ["stories260K", "tinystories-qwen2-d64-l4"], verdict: "not_reproduced" as const, q: "sentiment & more", sort: "value" as const, sortModel: "stories260K", page: 3 };
    const href = compareHref(state);
    expect(href).toBe("/compare?technique=linear-probing&model=stories260K&model=tinystories-qwen2-d64-l4&verdict=not_reproduced&q=sentiment+%26+more&sort=value%3Astories260K&page=3");
    expect(parseCompareState(new URL(href, "http://x").searchParams)).toEqual(state);
    // The page receives a record (repeated keys as arrays).
    expect(parseCompareState({ technique: "linear-probing", model: ["stories260K", "tinystories-qwen2-d64-l4"], verdict: "not_reproduced", q: "sentiment & more", sort: "value:stories260K", page: "3" })).toEqual(state);
    expect(compareHref(DEFAULT_COMPARE_STATE)).toBe("/compare");
    expect(compareHref(state, { page: 1 }, "/api/compare")).not.toContain("page=");
  });

  it("falls back to the defaults, field by field, for garbage", () => {
    expect(parseCompareState(new URLSearchParams("technique=Not A Slug&model=../etc&model=ok-model&verdict=maybe&sort=value:&page=-4&q=" + "x".repeat(500)))).toEqual({
      ...DEFAULT_COMPARE_STATE,
      models: ["ok-model"],
    });
    expect(parseCompareState(new URLSearchParams("sort=random&page=1e9&model=a,b,a"))).toEqual({ ...DEFAULT_COMPARE_STATE, models: ["a", "b"] });
    expect(parseCompareState(new URLSearchParams("page=999999999"))).toEqual(DEFAULT_COMPARE_STATE);
    expect(parseCompareState(new URLSearchParams(`${Array.from({ length: 30 }, (_, i) => `model=m${i}`).join("&")}`)).models).toHaveLength(COMPARE_MAX_MODELS);
    expect(parseCompareState({})).toEqual(DEFAULT_COMPARE_STATE);
  });
});
