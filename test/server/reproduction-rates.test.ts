/**
 * Technique reproduction rates on real PostgreSQL: which runs count (published experiments' latest
 * versions, per model the latest finished attempt) and the rate (reproduced + ½·partly) / checked.
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { experiments, experimentVersions, experimentVersionTechniques, runs, type RunVerdict, techniques } from "../../db/schema";
import { reproductionRate, reproductionRates } from "../../server/services/reproduction-rates";
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

/** A run with a stored verdict (as the worker writes it). */
async function runWith(versionId: number, model: { id: number; sha256: string }, verdict: RunVerdict | null, options: { attempt?: number; status?: "done" | "running" | "failed" } = {}) {
  const id = await insertRun(ctx.t.db, versionId, model, { attempt: options.attempt, status: options.status });
  if (verdict) await ctx.t.db.update(runs).set({ verdict }).where(eq(runs.id, id));
  return id;
}

describe("the rate", () => {
  it("weighs partly as half and leaves unchecked runs out", () => {
    expect(reproductionRate({ reproduced: 2, partly: 1, notReproduced: 1, unchecked: 5 })).toBe(2.5 / 4);
    expect(reproductionRate({ reproduced: 0, partly: 0, notReproduced: 3, unchecked: 0 })).toBe(0);
    expect(reproductionRate({ reproduced: 0, partly: 2, notReproduced: 0, unchecked: 0 })).toBe(0.5);
    expect(reproductionRate({ reproduced: 0, partly: 0, notReproduced: 0, unchecked: 4 })).toBeNull();
  });
});

describe("reproduction rates per technique", () => {
  it("counts each published experiment's latest version once per model, at its latest finished attempt", async () => {
    const [m1, m2, m3, m4] = [await insertModel(ctx.t.db), await insertModel(ctx.t.db), await insertModel(ctx.t.db), await insertModel(ctx.t.db)];
    const probing = ids.probing!;

    // One experiment on four models.
    const e1 = await insertExperiment(ctx.t.db, author.id, { techniqueIds: [probing, ids.steering!] });
    // m1: reproduced, then a rerun that did not reproduce: the rerun supersedes it.
    await runWith(e1.versionId, m1!, "reproduced", { attempt: 0 });
    await runWith(e1.versionId, m1!, "not_reproduced", { attempt: 1 });
    // m2: reproduced; a rerun still running does not replace a finished attempt.
    await runWith(e1.versionId, m2!, "reproduced", { attempt: 0 });
    await runWith(e1.versionId, m2!, null, { attempt: 1, status: "running" });
    // m3: partly. m4: failed (no finished run, not counted).
    await runWith(e1.versionId, m3!, "partly");
    await runWith(e1.versionId, m4!, null, { status: "failed" });

    // A draft's runs do not count.
    const draft = await insertExperiment(ctx.t.db, author.id, { state: "draft", techniqueIds: [probing] });
    await runWith(draft.versionId, m1!, "reproduced");

    // An experiment with a newer version: only the latest version's runs count.
    const moved = await insertExperiment(ctx.t.db, author.id, { techniqueIds: [probing] });
    await runWith(moved.versionId, m1!, "reproduced");
    await runWith(moved.versionId, m2!, "reproduced");
    const [v2] = await ctx.t.db
      .insert(experimentVersions)
      .values({ experimentId: moved.id, version: 2, authorId: author.id, title: "v2", spec: {}, publishedAt: new Date() })
      .returning({ id: experimentVersions.id });
    await ctx.t.db.insert(experimentVersionTechniques).values({ versionId: v2!.id, techniqueId: probing });
    await ctx.t.db.update(experiments).set({ latestVersion: 2 }).where(eq(experiments.id, moved.id));
    await runWith(v2!.id, m1!, "unchecked");

    // A run finished before verdicts were stored (verdict null): checked from its metrics and claims.
    // Peak accuracy of [0.5, 0.7, 0.9, 0.8] is 0.9 ≥ 0.85: reproduced.
    const old = await insertExperiment(ctx.t.db, author.id, {
      techniqueIds: [probing],
      claims: [{ metric: "diffmean.accuracy", model: "any", where: { kind: "peak" }, comparison: "gte", value: 0.85, note: "" }],
    });
    await insertRun(ctx.t.db, old.versionId, m1!, { metrics: diffmeanMetrics([0.5, 0.7, 0.9, 0.8]) });

    // Expected for probing: reproduced m2 + old = 2, partly m3 = 1, not reproduced m1 (rerun) = 1, unchecked v2 = 1.
    const rates = await reproductionRates(ctx.t.db);
    expect(rates.get(probing)).toEqual({ reproduced: 2, partly: 1, notReproduced: 1, unchecked: 1, rate: 2.5 / 4 });
    // Steering has only e1: reproduced m2, partly m3, not reproduced m1.
    expect(rates.get(ids.steering!)).toEqual({ reproduced: 1, partly: 1, notReproduced: 1, unchecked: 0, rate: 1.5 / 3 });
    // No runs at all: absent.
    expect(rates.has(ids.caa!)).toBe(false);
    // Asking for some techniques gives the same numbers for those only.
    const some = await reproductionRates(ctx.t.db, [ids.steering!, ids.caa!]);
    expect([...some.keys()]).toEqual([ids.steering!]);
    expect(some.get(ids.steering!)).toEqual(rates.get(ids.steering!));
    expect((await reproductionRates(ctx.t.db, [])).size).toBe(0);

    // The technique page and the map show the same numbers.
    expect((await ctx.as.anonymous.evidence.technique({ slug: "probing" })).reproduction).toEqual(rates.get(probing));
    const graph = await ctx.as.anonymous.taxonomy.graph();
    expect(graph.nodes.find((n) => n.slug === "probing")).toMatchObject({ reproduction: 0.625, reproductionRuns: 4 });
    expect(graph.nodes.find((n) => n.slug === "caa")).toMatchObject({ reproduction: null, reproductionRuns: 0 });
  });

  it("a technique whose runs had nothing to check has no rate", async () => {
    const e = await insertExperiment(ctx.t.db, author.id, { techniqueIds: [ids["control-tasks"]!] });
    await runWith(e.versionId, (await insertModel(ctx.t.db))!, "unchecked");
    expect((await reproductionRates(ctx.t.db, [ids["control-tasks"]!])).get(ids["control-tasks"]!)).toEqual({ reproduced: 0, partly: 0, notReproduced: 0, unchecked: 1, rate: null });
  });
});
