/**
 * The claims as the run page and the experiment page read them (runs.byId, runs.verdicts) on real
 * PostgreSQL: stored checks, checks of runs finished before verdicts were stored, one run per model.
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { runs } from "../../db/schema";
import type { SessionUser } from "../../server/trpc/context";
import { callerFor, createUser, useDatabaseWithRoles } from "../setup/callers";
import { diffmeanMetrics, insertExperiment, insertModel, insertRun } from "./comments-fixtures";

const ctx = useDatabaseWithRoles();
let author: SessionUser;

beforeAll(async () => {
  author = await createUser(ctx.t.db, "member");
});

// Accuracy per block [0.5, 0.7, 0.9, 0.8] on 4-block models (depths 0, 1/3, 2/3, 1).
const claims = [
  { metric: "diffmean.accuracy", model: "any", where: { kind: "layer", layer: 2 }, comparison: "gte", value: 0.85, note: "Readable in block 2." },
  { metric: "diffmean.accuracy", model: "gpt-x", where: { kind: "relativeDepth", from: 0.5, to: 1 }, comparison: "gte", value: 0.85, note: "" },
  { metric: "consistency.meanCosine", model: "any", where: { kind: "layer", layer: 0 }, comparison: "gte", value: 0, note: "" },
];

describe("a run's claims", () => {
  it("a done run without stored checks is checked from its metrics", async () => {
    const e = await insertExperiment(ctx.t.db, author.id, { claims });
    const runId = await insertRun(ctx.t.db, e.versionId, await insertModel(ctx.t.db), { metrics: diffmeanMetrics([0.5, 0.7, 0.9, 0.8]) });
    const data = await ctx.as.anonymous.runs.byId({ id: runId });
    // Block 2: 0.9 ≥ 0.85; depth 0.5–1 = blocks 2 (0.9) and 3 (0.8): partly; consistency not measured.
    expect(data.run.verdict).toBe("partly");
    expect(data.claims.map((c) => [c.index, c.model, c.check?.verdict])).toEqual([
      [0, null, "reproduced"],
      [1, "gpt-x", "partly"],
      [2, null, "missing"],
    ]);
    expect(data.claims[0]).toMatchObject({ text: "diffmean.accuracy ≥ 0.85 at layer 2 (any model)", note: "Readable in block 2." });
    expect(data.claims[0]!.check!.summary).toBe("claimed ≥ 0.85 at block 2; measured 0.900 at block 2 of 4 (depth 0.67)");
    expect(data.claims[1]!.check!.measured.map((m) => [m.layer, m.value, m.holds])).toEqual([
      [2, 0.9, true],
      [3, 0.8, false],
    ]);
    expect("verdictDetails" in data.run).toBe(false);
  });

  it("stored checks are shown as stored; a run not done yet has none", async () => {
    const e = await insertExperiment(ctx.t.db, author.id, { claims: claims.slice(0, 1) });
    const model = await insertModel(ctx.t.db);
    const done = await insertRun(ctx.t.db, e.versionId, model);
    const stored = { claimIndex: 0, metric: "diffmean.accuracy", claimedOn: null, hook: "blocks.{L}.hook_resid_post", verdict: "not_reproduced", measured: [{ layer: 2, depth: 0.5, value: 0.1, holds: false }], summary: "as stored" };
    await ctx.t.db.update(runs).set({ verdict: "not_reproduced", verdictDetails: [stored] }).where(eq(runs.id, done));
    const data = await ctx.as.anonymous.runs.byId({ id: done });
    expect(data.run.verdict).toBe("not_reproduced");
    expect(data.claims[0]!.check).toEqual(stored);

    const queued = await insertRun(ctx.t.db, e.versionId, model, { status: "queued", attempt: 1 });
    const pending = await ctx.as.anonymous.runs.byId({ id: queued });
    expect(pending.run.verdict).toBeNull();
    expect(pending.claims.map((c) => c.check)).toEqual([null]);
  });
});

describe("a version's verdicts on every model", () => {
  it("one entry per model: its latest finished attempt, sorted by model name", async () => {
    const e = await insertExperiment(ctx.t.db, author.id, { claims });
    const [b, a] = [await insertModel(ctx.t.db, "zz-model-b"), await insertModel(ctx.t.db, "aa-model-a")];
    await insertRun(ctx.t.db, e.versionId, a, { attempt: 0, metrics: diffmeanMetrics([0.5, 0.7, 0.9, 0.8]) });
    // A rerun on A with lower accuracy supersedes it: block 2 now 0.6 < 0.85; blocks 2–3 both below.
    const rerunA = await insertRun(ctx.t.db, e.versionId, a, { attempt: 1, metrics: diffmeanMetrics([0.5, 0.7, 0.6, 0.6]) });
    // B: finished once, then a rerun still queued (the finished attempt stands).
    const doneB = await insertRun(ctx.t.db, e.versionId, b, { attempt: 0, metrics: diffmeanMetrics([0.9, 0.9, 0.9, 0.9]) });
    await insertRun(ctx.t.db, e.versionId, b, { attempt: 1, status: "queued" });

    const verdicts = await ctx.as.anonymous.runs.verdicts({ versionId: e.versionId });
    expect(verdicts.map((v) => [v.model, v.runId, v.attempt, v.verdict])).toEqual([
      ["aa-model-a", rerunA, 1, "not_reproduced"],
      ["zz-model-b", doneB, 0, "reproduced"],
    ]);
    expect(verdicts[1]!.checks.map((c) => c.verdict)).toEqual(["reproduced", "reproduced", "missing"]);
  });

  it("a draft's verdicts are as private as the draft", async () => {
    const e = await insertExperiment(ctx.t.db, author.id, { state: "draft", claims });
    await insertRun(ctx.t.db, e.versionId, await insertModel(ctx.t.db));
    await expect(ctx.as.anonymous.runs.verdicts({ versionId: e.versionId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(ctx.as.member.runs.verdicts({ versionId: e.versionId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await callerFor(ctx.t.db, author).runs.verdicts({ versionId: e.versionId })).toHaveLength(1);
    await expect(ctx.as.anonymous.runs.verdicts({ versionId: 2_000_000 })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
