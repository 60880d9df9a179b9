/** Models pages' data: every model's facts and verdict counts, one model's runs (paginated), queueing all published experiments. */
import { and, eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { experiments, experimentVersions, models, runs, type RunStatus, type RunVerdict } from "../../db/schema";
import { PROBE_ENGINE_VERSION } from "../../server/probes/engine-version";
import { handleModelListExport, handleModelRunsExport, MODEL_LIST_CSV_HEADER, MODEL_RUNS_CSV_HEADER } from "../../server/services/models/exports";
import { parseCsv } from "../../server/services/datasets/csv";
import { runKey } from "../../server/services/runs/queue";
import { sha, useExperimentWorld } from "./experiments-fixtures";

const { ctx, world } = useExperimentWorld();

interface Fixture {
  ids: Record<string, number>;
  /** Experiment id → id of its version (the latest unless named otherwise). */
  versions: Record<string, number>;
  experiments: Record<string, number>;
  manyExperimentIds: number[];
  manyVersionIds: number[];
}
const f = {} as Fixture;

let clock = Date.UTC(2025, 0, 1);
const nextTime = () => new Date((clock += 60_000));

/** A published (or draft) experiment with `versions` versions, each published unless a draft; returns the version ids. */
async function experiment(title: string, options: { versions?: number; draft?: boolean } = {}) {
  const db = ctx.t.db;
  const owner = ctx.as.users.member.id;
  const count = options.versions ?? 1;
  const publishedAt = options.draft ? null : nextTime();
  const [e] = await db
    .insert(experiments)
    .values({ ownerId: owner, state: options.draft ? "draft" : "published", latestVersion: count, publishedAt })
    .returning({ id: experiments.id });
  const versionIds: number[] = [];
  for (let v = 1; v <= count; v++) {
    const [row] = await db
      .insert(experimentVersions)
      .values({ experimentId: e!.id, version: v, authorId: owner, title: v === count ? title : `${title} (v${v})`, spec: { version: 1 }, publishedAt })
      .returning({ id: experimentVersions.id });
    versionIds.push(row!.id);
  }
  return { id: e!.id, versionIds };
}

async function run(
  versionId: number,
  model: string,
  attempt: number,
  status: RunStatus,
  extra: { verdict?: RunVerdict | null; headline?: [string, number, number] } = {},
): Promise<number> {
  const sha256 = sha(model === "m-big" ? "d" : model === "m-seed2" ? "f" : model === "m-many" ? "9" : "0");
  const [row] = await ctx.t.db
    .insert(runs)
    .values({
      versionId,
      modelId: f.ids[model]!,
      modelSha256: sha256,
      engineVersion: PROBE_ENGINE_VERSION,
      runKey: runKey(versionId, sha256),
      attempt,
      status,
      verdict: extra.verdict ?? null,
      headlineMetric: extra.headline?.[0] ?? null,
      headlineValue: extra.headline?.[1] ?? null,
      headlineLayer: extra.headline?.[2] ?? null,
      finishedAt: status === "done" || status === "failed" ? nextTime() : null,
    })
    .returning({ id: runs.id });
  return row!.id;
}

beforeAll(async () => {
  const db = ctx.t.db;
  const [big] = await db
    .insert(models)
    .values({
      name: "m-big", source: "hf:org/tiny/m-big.gguf", licence: "MIT", sha256: sha("d"), status: "ready", architecture: "llama",
      parameterCount: 292_800, layers: 5, dModel: 64, nHeads: 8, nKvHeads: 4, contextLength: 512, vocabSize: 512, precision: "f32", recipe: "r1", heldOutLoss: 1.727,
    })
    .returning({ id: models.id });
  const rows = await db
    .insert(models)
    .values([
      { name: "m-big-f16", source: "hf:org/tiny/m-big-f16.gguf", sha256: sha("e"), status: "ready", parameterCount: 292_800, layers: 5, precision: "f16", baseModelId: big!.id },
      { name: "m-seed2", source: "/secret/cache/dir/m-seed2.gguf", sha256: sha("f"), status: "ready", parameterCount: 1_000_000, layers: 8, recipe: "r1", heldOutLoss: 1.5 },
      { name: "m-broken", source: "https://example.org/m.gguf", status: "failed", statusReason: "The file is not a GGUF model." },
      { name: "m-many", source: "hf:org/many", sha256: sha("9"), status: "ready", layers: 2, parameterCount: 10 },
    ])
    .returning({ id: models.id, name: models.name });
  f.ids = { "m-big": big!.id, ...Object.fromEntries(rows.map((r) => [r.name, r.id])) };

  const e1 = await experiment("E1 sentiment");
  const e2 = await experiment("E2 subspace");
  const e3 = await experiment("E3 depth");
  const e4 = await experiment("E4 anchors", { versions: 2 });
  const e5 = await experiment("E5 draft", { draft: true });
  f.experiments = { e1: e1.id, e2: e2.id, e3: e3.id, e4: e4.id, e5: e5.id };
  f.versions = { e1: e1.versionIds[0]!, e2: e2.versionIds[0]!, e3: e3.versionIds[0]!, e4v1: e4.versionIds[0]!, e4: e4.versionIds[1]!, e5: e5.versionIds[0]! };

  // m-big: E1's rerun changed the verdict (the latest done attempt counts); E2's rerun is still queued
  // (its done attempt 0 counts); E3 failed (no done run); E4 ran only its superseded version 1; E5 is a draft.
  await run(f.versions.e1!, "m-big", 0, "done", { verdict: "reproduced", headline: ["diffmean.accuracy", 0.9, 3] });
  await run(f.versions.e1!, "m-big", 1, "done", { verdict: "not_reproduced", headline: ["diffmean.accuracy", 0.6, 2] });
  await run(f.versions.e2!, "m-big", 0, "done", { verdict: "partly", headline: ["logistic.auroc", 0.75, 4] });
  await run(f.versions.e2!, "m-big", 1, "queued");
  await run(f.versions.e3!, "m-big", 0, "failed");
  await run(f.versions.e4v1!, "m-big", 0, "done", { verdict: "reproduced" });
  await run(f.versions.e5!, "m-big", 0, "done", { verdict: "reproduced" });
  // m-seed2: E1 done before verdicts existed (null counts as unchecked), E2 unchecked.
  await run(f.versions.e1!, "m-seed2", 0, "done");
  await run(f.versions.e2!, "m-seed2", 0, "done", { verdict: "unchecked" });

  // 23 more published experiments, all done on m-many: more than one page.
  f.manyExperimentIds = [];
  f.manyVersionIds = [];
  for (let i = 0; i < 23; i++) {
    const e = await experiment(`Many ${String(i).padStart(2, "0")}`);
    f.manyExperimentIds.push(e.id);
    f.manyVersionIds.push(e.versionIds[0]!);
    await run(e.versionIds[0]!, "m-many", 0, "done", { verdict: i % 2 === 0 ? "reproduced" : "partly", headline: ["diffmean.accuracy", i / 100, 1] });
  }
});

describe("models.list", () => {
  it("lists every model with its facts, base model and a source that never shows a path on this machine", async () => {
    const { items, total } = await ctx.as.anonymous.models.list({});
    const names = items.map((m) => m.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(names).toEqual(expect.arrayContaining(["m-big", "m-big-f16", "m-seed2", "m-broken", "m-many", "stories-a", "stories-b", "stories-c"]));
    expect(total).toBe(items.length);
    const big = items.find((m) => m.name === "m-big")!;
    expect(big).toMatchObject({
      architecture: "llama", parameterCount: 292_800, layers: 5, dModel: 64, nHeads: 8, nKvHeads: 4, contextLength: 512, vocabSize: 512,
      precision: "f32", recipe: "r1", licence: "MIT", sha256: sha("d"), status: "ready", statusReason: null, baseModel: null,
      source: { kind: "hf", label: "hf:org/tiny/m-big.gguf", href: "https://huggingface.co/org/tiny" },
    });
    expect(big.heldOutLoss).toBeCloseTo(1.727, 5);
    expect(items.find((m) => m.name === "m-big-f16")).toMatchObject({ precision: "f16", baseModel: { name: "m-big" } });
    const seed2 = items.find((m) => m.name === "m-seed2")!;
    expect(seed2.source).toEqual({ kind: "local", label: "local file m-seed2.gguf", href: null });
    expect(JSON.stringify(items)).not.toContain("/secret/");
    expect(items.find((m) => m.name === "m-broken")).toMatchObject({ status: "failed", statusReason: "The file is not a GGUF model.", sha256: null });
  });

  it("counts published experiments with a done run and the verdicts of the latest done attempts", async () => {
    const { items } = await ctx.as.anonymous.models.list({});
    const byName = new Map(items.map((m) => [m.name, m]));
    expect(byName.get("m-big")).toMatchObject({ experimentsDone: 2, verdicts: { reproduced: 0, partly: 1, notReproduced: 1, unchecked: 0 } });
    expect(byName.get("m-seed2")).toMatchObject({ experimentsDone: 2, verdicts: { reproduced: 0, partly: 0, notReproduced: 0, unchecked: 2 } });
    expect(byName.get("m-many")).toMatchObject({ experimentsDone: 23, verdicts: { reproduced: 12, partly: 11, notReproduced: 0, unchecked: 0 } });
    expect(byName.get("m-broken")).toMatchObject({ experimentsDone: 0, verdicts: { reproduced: 0, partly: 0, notReproduced: 0, unchecked: 0 } });
  });

  it("sorts by parameters, layers and held-out loss with unknown values last, and filters by status", async () => {
    const order = async (input: Parameters<typeof ctx.as.anonymous.models.list>[0]) => (await ctx.as.anonymous.models.list(input)).items.map((m) => m.name);
    const mine = (names: string[]) => names.filter((n) => n.startsWith("m-"));
    expect(mine(await order({ sort: "parameters", order: "desc" }))).toEqual(["m-seed2", "m-big", "m-big-f16", "m-many", "m-broken"]);
    expect(mine(await order({ sort: "parameters", order: "asc" }))).toEqual(["m-many", "m-big", "m-big-f16", "m-seed2", "m-broken"]);
    expect((await order({ sort: "loss", order: "asc" })).slice(0, 2)).toEqual(["m-seed2", "m-big"]);
    expect((await order({ sort: "loss", order: "desc" })).slice(0, 2)).toEqual(["m-big", "m-seed2"]);
    const byLayers = await ctx.as.anonymous.models.list({ sort: "layers", order: "desc" });
    const layers = byLayers.items.map((m) => m.layers);
    expect(layers[0]).toBe(8);
    expect(layers.filter((l) => l !== null)).toEqual([...layers.filter((l) => l !== null)].sort((a, b) => b! - a!));
    expect(layers.slice(layers.indexOf(null))).toEqual(layers.slice(layers.indexOf(null)).map(() => null));
    expect(await order({ sort: "name", order: "desc" })).toEqual((await order({})).reverse());
    expect(await order({ status: "failed" })).toEqual(["m-broken"]);
    expect(await order({ status: "compiling" })).toEqual(["stories-c"]);
    expect((await ctx.as.anonymous.models.list({ status: "downloading" })).items).toEqual([]);
    await expect(ctx.as.anonymous.models.list({ sort: "size" as "name" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("models.byName", () => {
  it("shows one model's facts, related models and the latest run per published experiment", async () => {
    const page = await ctx.as.anonymous.models.byName({ name: "m-big" });
    expect(page.model).toMatchObject({ name: "m-big", layers: 5, experimentsDone: 2 });
    expect(page.variants).toEqual([{ name: "m-big-f16", precision: "f16" }]);
    expect(page.sameRecipe).toEqual([{ name: "m-seed2", precision: null }]);
    expect(page.canQueue).toBe(true);
    expect(page.runs.total).toBe(3);
    const byExperiment = new Map(page.runs.items.map((r) => [r.experimentId, r]));
    expect([...byExperiment.keys()].sort()).toEqual([f.experiments.e1, f.experiments.e2, f.experiments.e3].sort());
    expect(byExperiment.get(f.experiments.e1!)).toMatchObject({ title: "E1 sentiment", version: 1, attempt: 1, status: "done", verdict: "not_reproduced", headlineMetric: "diffmean.accuracy", headlineLayer: 2 });
    expect(byExperiment.get(f.experiments.e1!)!.headlineValue).toBeCloseTo(0.6, 5);
    expect(byExperiment.get(f.experiments.e2!)).toMatchObject({ attempt: 0, status: "done", verdict: "partly", headlineMetric: "logistic.auroc", headlineLayer: 4 });
    expect(byExperiment.get(f.experiments.e3!)).toMatchObject({ attempt: 0, status: "failed", verdict: null, headlineMetric: null });
    // Newest published experiment first.
    expect(page.runs.items.map((r) => r.experimentId)).toEqual([f.experiments.e3, f.experiments.e2, f.experiments.e1]);
  });

  it("pages the experiments 20 at a time, newest first, without repeats", async () => {
    const one = await ctx.as.anonymous.models.byName({ name: "m-many" });
    const two = await ctx.as.anonymous.models.byName({ name: "m-many", page: 2 });
    expect(one.runs).toMatchObject({ total: 23, page: 1, pageSize: 20, pageCount: 2 });
    expect(one.runs.items).toHaveLength(20);
    expect(two.runs.items).toHaveLength(3);
    const shown = [...one.runs.items, ...two.runs.items].map((r) => r.experimentId);
    expect(shown).toEqual([...f.manyExperimentIds].reverse());
    const beyond = await ctx.as.anonymous.models.byName({ name: "m-many", page: 3 });
    expect(beyond.runs.items).toEqual([]);
    expect(beyond.runs.total).toBe(23);
  });

  it("is NOT_FOUND for an unknown name and BAD_REQUEST for a malformed request", async () => {
    await expect(ctx.as.anonymous.models.byName({ name: "no-such-model" })).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("no-such-model") });
    await expect(ctx.as.anonymous.models.byName({ name: "x".repeat(101) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(ctx.as.anonymous.models.byName({ name: "m-big", page: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("counts the published experiments not yet run: no attempt-0 run of the current key", async () => {
    // Published latest versions: E1, E2, E3, E4 v2 and the 23; m-big has first runs of E1, E2, E3.
    expect((await ctx.as.anonymous.models.byName({ name: "m-big" })).notYetRun).toBe(1 + 23);
    expect((await ctx.as.anonymous.models.byName({ name: "m-seed2" })).notYetRun).toBe(2 + 23);
    expect((await ctx.as.anonymous.models.byName({ name: "m-many" })).notYetRun).toBe(4);
    // No hash yet: every published experiment is still to run.
    expect(await ctx.as.anonymous.models.byName({ name: "m-broken" })).toMatchObject({ notYetRun: 27, canQueue: false });
  });
});

describe("exports", () => {
  const read = (text: string) => parseCsv(text, { maxRows: 1000, maxFieldChars: 10_000 });

  it("the list as CSV has one row per model with the page's sort and filter", async () => {
    const res = await handleModelListExport(new Request("http://x/api/models?format=csv&sort=parameters&order=desc&status=ready"), { db: ctx.t.db });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="models.csv"');
    const [header, ...rows] = read(await res.text());
    expect(header).toEqual(MODEL_LIST_CSV_HEADER);
    const col = (name: string) => MODEL_LIST_CSV_HEADER.indexOf(name);
    const expected = (await ctx.as.anonymous.models.list({ sort: "parameters", order: "desc", status: "ready" })).items.map((m) => m.name);
    expect(rows.map((r) => r[col("name")])).toEqual(expected);
    const big = rows.find((r) => r[col("name")] === "m-big")!;
    expect([big[col("parameters")], big[col("layers")], big[col("held_out_loss")], big[col("experiments_done")], big[col("partly")], big[col("not_reproduced")]]).toEqual(["292800", "5", expect.stringMatching(/^1\.72/), "2", "1", "1"]);
    expect(rows.find((r) => r[col("name")] === "m-big-f16")![col("base_model")]).toBe("m-big");
  });

  it("the list as JSON is the router's list; a bad format is a 400", async () => {
    const res = await handleModelListExport(new Request("http://x/api/models?status=failed"), { db: ctx.t.db });
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = (await res.json()) as { models: Array<{ name: string; statusReason: string }> };
    expect(body.models.map((m) => [m.name, m.statusReason])).toEqual([["m-broken", "The file is not a GGUF model."]]);
    const bad = await handleModelListExport(new Request("http://x/api/models?format=xml"), { db: ctx.t.db });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'The format is "csv" or "json".' });
  });

  it("one model's runs as CSV and JSON; an unknown model is a 404 in JSON", async () => {
    const csv = await handleModelRunsExport(new Request("http://x/api/models/m-many?format=csv"), { db: ctx.t.db, name: "m-many" });
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="model-m-many-runs.csv"');
    const [header, ...rows] = read(await csv.text());
    expect(header).toEqual(MODEL_RUNS_CSV_HEADER);
    // Every run, not one page.
    expect(rows.map((r) => Number(r[0]))).toEqual([...f.manyExperimentIds].reverse());
    expect(rows[0]![MODEL_RUNS_CSV_HEADER.indexOf("verdict")]).toBe("reproduced");
    expect(rows[0]![MODEL_RUNS_CSV_HEADER.indexOf("run_path")]).toMatch(/^\/runs\/\d+$/);
    const json = await handleModelRunsExport(new Request("http://x/api/models/m-big?format=json"), { db: ctx.t.db, name: "m-big" });
    const body = (await json.json()) as { model: { name: string }; notYetRun: number; runs: unknown[] };
    expect(body.model.name).toBe("m-big");
    expect(body.runs).toHaveLength(3);
    const missing = await handleModelRunsExport(new Request("http://x/api/models/nope?format=csv"), { db: ctx.t.db, name: "nope" });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await missing.json()).toEqual({ error: expect.stringContaining("nope") });
  });
});

describe("models.queueAll", () => {
  it("is for moderators: anonymous callers must sign in, members are forbidden, and nothing is queued", async () => {
    const before = await ctx.t.db.select({ id: runs.id }).from(runs);
    await expect(ctx.as.anonymous.models.queueAll({ name: "m-seed2" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(ctx.as.member.models.queueAll({ name: "m-seed2" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await ctx.t.db.select({ id: runs.id }).from(runs)).toHaveLength(before.length);
  });

  it("refuses a model that is not ready, and an unknown one", async () => {
    await expect(ctx.as.moderator.models.queueAll({ name: "m-broken" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/m-broken is not ready.*failed/) });
    await expect(ctx.as.moderator.models.queueAll({ name: "stories-c" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("it is compiling") });
    await expect(ctx.as.moderator.models.queueAll({ name: "no-such-model" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await ctx.t.db.select().from(runs).where(inArray(runs.modelId, [f.ids["m-broken"]!, world.models["stories-c"]]))).toEqual([]);
  });

  it("queues exactly the missing published experiments with a job each; a second call queues none", async () => {
    const modelId = f.ids["m-big"]!;
    const before = new Set((await ctx.t.db.select({ id: runs.id }).from(runs).where(eq(runs.modelId, modelId))).map((r) => r.id));
    const result = await ctx.as.moderator.models.queueAll({ name: "m-big" });
    expect(result).toEqual({ model: "m-big", queued: 24 });
    const after = await ctx.t.db.select().from(runs).where(eq(runs.modelId, modelId));
    const added = after.filter((r) => !before.has(r.id));
    expect(added.map((r) => r.versionId).sort((a, b) => a - b)).toEqual([f.versions.e4!, ...f.manyVersionIds].sort((a, b) => a - b));
    expect(added.every((r) => r.attempt === 0 && r.status === "queued" && r.modelSha256 === sha("d") && r.requestedById === null && r.jobId !== null)).toBe(true);
    // The old version's and the draft's runs are left as they were; nothing for them was added.
    expect(added.some((r) => r.versionId === f.versions.e4v1 || r.versionId === f.versions.e5)).toBe(false);

    expect(await ctx.as.moderator.models.queueAll({ name: "m-big" })).toEqual({ model: "m-big", queued: 0 });
    expect(await ctx.t.db.select().from(runs).where(eq(runs.modelId, modelId))).toHaveLength(after.length);
    const page = await ctx.as.anonymous.models.byName({ name: "m-big" });
    expect(page.notYetRun).toBe(0);
    expect(page.runs.total).toBe(3 + 24);
    // Queued runs are not done: the counts on the list are unchanged.
    expect((await ctx.as.anonymous.models.list({})).items.find((m) => m.name === "m-big")).toMatchObject({ experimentsDone: 2 });
    await ctx.t.db.delete(runs).where(and(eq(runs.modelId, modelId), inArray(runs.id, added.map((r) => r.id))));
  });

  it("admins may queue too", async () => {
    expect(await ctx.as.admin.models.queueAll({ name: "m-many" })).toEqual({ model: "m-many", queued: 4 });
  });
});
