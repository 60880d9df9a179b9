/** Technique evidence: published experiments, their runs per model with a headline metric, counts on the map, recent runs. */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { experiments, experimentVersions, experimentVersionTechniques, techniques } from "../../db/schema";
import { headlineMetric } from "../../server/services/headline-metric";
import type { SessionUser } from "../../server/trpc/context";
import { createUser, useDatabaseWithRoles } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";
import { diffmeanMetrics, insertExperiment, insertModel, insertRun } from "./comments-fixtures";

const ctx = useDatabaseWithRoles({ before: insertSmallTaxonomy });
let author: SessionUser;
const ids: Record<string, number> = {};

beforeAll(async () => {
  author = await createUser(ctx.t.db, "member");
  for (const t of await ctx.t.db.select({ id: techniques.id, slug: techniques.slug }).from(techniques)) ids[t.slug] = t.id;
});

describe("headline metric", () => {
  it("is the best layer of the first claimable metric present", () => {
    expect(headlineMetric(diffmeanMetrics([0.5, 0.92, 0.8]).methods)).toEqual({ metric: "diffmean.accuracy", value: 0.92, layer: 1, hook: "blocks.1.hook_resid_post" });
    expect(headlineMetric([{ method: "dimensionality", perLayer: [{ layer: 0, hook: "h", components80: 3, participationRatio: 2 }] }])).toMatchObject({ metric: "dimensionality.components80", value: 3 });
    expect(headlineMetric([{ method: "steering", perLayer: [] }])).toBeNull();
    expect(headlineMetric(null)).toBeNull();
    expect(headlineMetric("nonsense")).toBeNull();
  });
});

describe("technique evidence", () => {
  it("a technique with no experiments has no evidence", async () => {
    const evidence = await ctx.as.anonymous.evidence.technique({ slug: "control-tasks" });
    expect(evidence.experiments).toEqual([]);
    expect(evidence.totals).toMatchObject({ experiments: 0, runsDone: 0, models: 0 });
    expect(evidence.reproduction).toEqual({ reproduced: 0, partly: 0, notReproduced: 0, unchecked: 0, rate: null });
  });

  it("shows a published experiment with its runs per model, statuses and best-layer metric; drafts and old versions do not count", async () => {
    const claims = [{ metric: "diffmean.accuracy", model: "any", where: { kind: "peak" }, comparison: "gte", value: 0.8, note: "" }];
    const experiment = await insertExperiment(ctx.t.db, author.id, { title: "Sentiment evidence", techniqueIds: [ids.steering!, ids.caa!], claims });
    const [a, b, c] = [await insertModel(ctx.t.db, "model-a"), await insertModel(ctx.t.db, "model-b"), await insertModel(ctx.t.db, "model-c")];
    const doneA = await insertRun(ctx.t.db, experiment.versionId, a!, { metrics: diffmeanMetrics([0.6, 0.95, 0.7]) });
    // A rerun on model A still running: it is the current run; the headline stays the finished one's.
    const rerunA = await insertRun(ctx.t.db, experiment.versionId, a!, { status: "running", attempt: 1 });
    const failedB = await insertRun(ctx.t.db, experiment.versionId, b!, { status: "failed" });
    const doneC = await insertRun(ctx.t.db, experiment.versionId, c!, { metrics: diffmeanMetrics([0.55, 0.6, 0.85]) });
    await insertExperiment(ctx.t.db, author.id, { title: "A draft", state: "draft", techniqueIds: [ids.steering!] });

    const evidence = await ctx.as.anonymous.evidence.technique({ slug: "steering" });
    expect(evidence.experiments).toHaveLength(1);
    const [shown] = evidence.experiments;
    // The claim (peak accuracy ≥ 0.8) holds on A (peak 0.95) and C (peak 0.85); B has no finished run.
    expect(shown).toMatchObject({ id: experiment.id, title: "Sentiment evidence", owner: author.name, claims: { total: 1, verdicts: { reproduced: 2, partly: 0, notReproduced: 0, unchecked: 0 } } });
    expect(shown!.runs).toEqual([
      expect.objectContaining({
        id: rerunA,
        model: "model-a",
        status: "running",
        attempt: 1,
        headline: expect.objectContaining({ runId: doneA, metric: "diffmean.accuracy", value: 0.95, layer: 1 }),
        verdict: { value: "reproduced", runId: doneA },
      }),
      expect.objectContaining({ id: failedB, model: "model-b", status: "failed", headline: null, verdict: null }),
      expect.objectContaining({ id: doneC, model: "model-c", status: "done", headline: expect.objectContaining({ runId: doneC, value: 0.85, layer: 2 }), verdict: { value: "reproduced", runId: doneC } }),
    ]);
    expect(evidence.totals).toMatchObject({ experiments: 1, runsDone: 1, models: 1, claims: 1 });
    expect(evidence.reproduction).toEqual({ reproduced: 2, partly: 0, notReproduced: 0, unchecked: 0, rate: 1 });
    expect((await ctx.as.anonymous.evidence.technique({ slug: "caa" })).experiments.map((e) => e.id)).toEqual([experiment.id]);

    // The map counts it (published, latest version) on both techniques and nowhere else.
    const graph = await ctx.as.anonymous.taxonomy.graph();
    const node = (slug: string) => graph.nodes.find((n) => n.slug === slug)!;
    expect(node("steering")).toMatchObject({ evidence: 1, evidenceRuns: 2, reproduction: 1, reproductionRuns: 2 });
    expect(node("caa")).toMatchObject({ evidence: 1, reproduction: 1 });
    expect(node("probing")).toMatchObject({ evidence: 0, evidenceRuns: 0, reproduction: null, reproductionRuns: 0 });

    // Recent finished runs carry the model and the headline.
    const recent = await ctx.as.anonymous.evidence.recentRuns({ limit: 5 });
    expect(recent.map((r) => r.id)).toEqual(expect.arrayContaining([doneA, doneC]));
    expect(recent.find((r) => r.id === doneA)).toMatchObject({ model: "model-a", title: "Sentiment evidence", headline: { value: 0.95 } });
  });

  it("an experiment put back to draft leaves the evidence and the recent runs", async () => {
    const experiment = await insertExperiment(ctx.t.db, author.id, { title: "Withdrawn", techniqueIds: [ids.probing!] });
    const run = await insertRun(ctx.t.db, experiment.versionId, await insertModel(ctx.t.db));
    expect((await ctx.as.anonymous.evidence.technique({ slug: "probing" })).experiments).toHaveLength(1);
    await ctx.t.db.update(experiments).set({ state: "draft" }).where(eq(experiments.id, experiment.id));
    expect((await ctx.as.anonymous.evidence.technique({ slug: "probing" })).experiments).toHaveLength(0);
    expect((await ctx.as.anonymous.evidence.recentRuns({ limit: 20 })).map((r) => r.id)).not.toContain(run);
  });

  it("only the latest version's techniques get the evidence", async () => {
    const experiment = await insertExperiment(ctx.t.db, author.id, { title: "Moved on", techniqueIds: [ids["linear-probing"]!] });
    expect((await ctx.as.anonymous.evidence.technique({ slug: "linear-probing" })).experiments).toHaveLength(1);
    const [v2] = await ctx.t.db
      .insert(experimentVersions)
      .values({ experimentId: experiment.id, version: 2, authorId: author.id, title: "Moved on v2", spec: {}, publishedAt: new Date() })
      .returning({ id: experimentVersions.id });
    await ctx.t.db.insert(experimentVersionTechniques).values({ versionId: v2!.id, techniqueId: ids["control-tasks"]! });
    await ctx.t.db.update(experiments).set({ latestVersion: 2 }).where(eq(experiments.id, experiment.id));
    expect((await ctx.as.anonymous.evidence.technique({ slug: "linear-probing" })).experiments).toHaveLength(0);
    expect((await ctx.as.anonymous.evidence.technique({ slug: "control-tasks" })).experiments).toMatchObject([{ id: experiment.id, title: "Moved on v2", version: 2 }]);
  });

  it("an unknown technique is NOT_FOUND", async () => {
    await expect(ctx.as.anonymous.evidence.technique({ slug: "no-such-thing" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
