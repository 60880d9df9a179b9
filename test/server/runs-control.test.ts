/** Runs: rerun (a new attempt of the same key), cancel, progress, the determinism check and quotas. */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { experiments, experimentVersions, runs, userQuotas } from "../../db/schema";
import { enqueueOrphanRuns } from "../../server/services/runs/queue";
import { callerFor, createUser } from "../setup/callers";
import { draftInput, jobsFor, useExperimentWorld } from "./experiments-fixtures";

const { ctx, world } = useExperimentWorld();

/** A published experiment by `caller`; returns its attempt-0 runs. */
async function published(salt: string, caller = ctx.as.member) {
  const draft = await caller.experiments.create(draftInput(salt));
  await caller.experiments.publish({ id: draft.id });
  const rows = await ctx.t.db
    .select({ id: runs.id, runKey: runs.runKey, jobId: runs.jobId })
    .from(runs)
    .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
    .where(eq(experimentVersions.experimentId, draft.id));
  return { experimentId: draft.id, runs: rows };
}

describe("runs", () => {
  it("a rerun is attempt 1 of the same key, queued with a job; the page compares it with attempt 0", async () => {
    const { runs: [first] } = await published("rerun");
    const again = await ctx.as.member.runs.rerun({ id: first!.id });
    expect(again.attempt).toBe(1);
    const [row] = await ctx.t.db.select().from(runs).where(eq(runs.id, again.id));
    expect(row).toMatchObject({ runKey: first!.runKey, attempt: 1, status: "queued", requestedById: ctx.as.users.member.id });
    expect(await jobsFor(world.boss, [again.id])).toHaveLength(1);
    const third = await ctx.as.moderator.runs.rerun({ id: first!.id });
    expect(third.attempt).toBe(2);

    let page = await ctx.as.anonymous.runs.byId({ id: again.id });
    expect(page.previous).toMatchObject({ id: first!.id, attempt: 0 });
    expect(page.determinism).toBe("pending");
    expect(page.experiment).toMatchObject({ title: "Sentiment direction rerun", version: 1 });
    expect(page.model).toMatchObject({ name: expect.stringMatching(/^stories-/) });
    expect(page.permissions.canControl).toBe(false);
    expect(page.run).not.toHaveProperty("jobId");

    const done = { status: "done" as const, metrics: { engine: "mechmap-probes", methods: [] }, finishedAt: new Date() };
    await ctx.t.db.update(runs).set({ ...done, metricsSha256: "f".repeat(64) }).where(eq(runs.id, first!.id));
    await ctx.t.db.update(runs).set({ ...done, metricsSha256: "f".repeat(64) }).where(eq(runs.id, again.id));
    page = await ctx.as.member.runs.byId({ id: again.id });
    expect(page.determinism).toBe("byte-identical");
    expect(page.permissions.canControl).toBe(true);
    await ctx.t.db.update(runs).set({ metricsSha256: "e".repeat(64) }).where(eq(runs.id, again.id));
    expect((await ctx.as.member.runs.byId({ id: again.id })).determinism).toBe("different");
    expect((await ctx.as.member.runs.byId({ id: first!.id })).determinism).toBeNull();
  });

  it("cancelling a queued run cancels it and its job at once; a running run is asked to stop; a finished one cannot be cancelled", async () => {
    const { runs: [a, b] } = await published("cancel");
    const cancelled = await ctx.as.member.runs.cancel({ id: a!.id });
    expect(cancelled).toEqual({ id: a!.id, status: "cancelled", cancelRequested: true });
    expect((await ctx.t.db.select().from(runs).where(eq(runs.id, a!.id)))[0]).toMatchObject({ status: "cancelled", cancelRequested: true, finishedAt: expect.any(Date) });
    const [job] = await jobsFor(world.boss, [a!.id]);
    expect(job?.state).toBe("cancelled");
    await expect(ctx.as.member.runs.cancel({ id: a!.id })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("already been cancelled") });

    await ctx.t.db.update(runs).set({ status: "running", startedAt: new Date() }).where(eq(runs.id, b!.id));
    expect(await ctx.as.moderator.runs.cancel({ id: b!.id })).toEqual({ id: b!.id, status: "running", cancelRequested: true });
    const [progress] = await ctx.as.anonymous.runs.progress({ ids: [b!.id] });
    expect(progress).toMatchObject({ id: b!.id, status: "running", cancelRequested: true });
    await ctx.t.db.update(runs).set({ status: "done", finishedAt: new Date() }).where(eq(runs.id, b!.id));
    await expect(ctx.as.member.runs.cancel({ id: b!.id })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("already finished") });
  });

  it("others than the author and moderators cannot rerun or cancel", async () => {
    const { runs: [a] } = await published("others");
    const other = callerFor(ctx.t.db, await createUser(ctx.t.db, "member"));
    const before = (await ctx.t.db.select().from(runs)).length;
    await expect(other.runs.rerun({ id: a!.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(other.runs.cancel({ id: a!.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(ctx.as.anonymous.runs.cancel({ id: a!.id })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect((await ctx.t.db.select().from(runs)).length).toBe(before);
    expect((await ctx.t.db.select().from(runs).where(eq(runs.id, a!.id)))[0]!.status).toBe("queued");
  });

  it("concurrent publishes of one draft make one run per model; a run whose job was never sent is sent by enqueueOrphanRuns", async () => {
    const draft = await ctx.as.member.experiments.create(draftInput("concurrent"));
    const results = await Promise.all(Array.from({ length: 5 }, () => ctx.as.member.experiments.publish({ id: draft.id })));
    expect(results.map((r) => r.runsQueued).sort()).toEqual([0, 0, 0, 0, 2]);
    const rows = await ctx.t.db
      .select({ id: runs.id, jobId: runs.jobId })
      .from(runs)
      .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
      .where(eq(experimentVersions.experimentId, draft.id));
    expect(rows).toHaveLength(2);
    // As if the web process died between commit and send: no job id, created a while ago.
    await ctx.t.db.update(runs).set({ jobId: null, createdAt: new Date(Date.now() - 5 * 60_000) }).where(eq(runs.id, rows[0]!.id));
    expect(await enqueueOrphanRuns(ctx.t.db, world.boss)).toBeGreaterThanOrEqual(1);
    const [resent] = await ctx.t.db.select({ jobId: runs.jobId }).from(runs).where(eq(runs.id, rows[0]!.id));
    expect(resent!.jobId).not.toBeNull();
    expect(resent!.jobId).not.toBe(rows[0]!.jobId);
    expect(await jobsFor(world.boss, [rows[0]!.id])).toHaveLength(1);
  });

  it("progress returns only runs the viewer may see, cheaply, for many at once", async () => {
    const { runs: list } = await published("progress");
    const rows = await ctx.as.anonymous.runs.progress({ ids: [...list.map((r) => r.id), 999_999] });
    expect(rows.map((r) => r.id)).toEqual(list.map((r) => r.id).sort((x, y) => x - y));
    expect(rows[0]).toMatchObject({ status: "queued", percent: 0, examplesDone: 0 });
    await expect(ctx.as.anonymous.runs.progress({ ids: Array.from({ length: 101 }, (_, i) => i + 1) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("quotas: too many queued runs or runs in a day are refused with nothing written; a moderator can raise them", async () => {
    const person = await createUser(ctx.t.db, "member");
    const caller = callerFor(ctx.t.db, person);
    await expect(caller.experiments.setQuota({ userId: person.id, maxQueuedRuns: 100 })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await ctx.as.moderator.experiments.setQuota({ userId: person.id, maxQueuedRuns: 1 });
    const draft = await caller.experiments.create(draftInput("quota"));
    await expect(caller.experiments.publish({ id: draft.id })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringMatching(/start 2 run\(s\).*limit is 1 at once/),
    });
    expect((await ctx.t.db.select().from(experiments).where(eq(experiments.id, draft.id)))[0]!.state).toBe("draft");
    expect(await ctx.t.db.select().from(runs).where(eq(runs.requestedById, person.id))).toEqual([]);

    const raised = await ctx.as.admin.experiments.setQuota({ userId: person.id, maxQueuedRuns: 10, maxRunsPerDay: 3 });
    expect(raised).toMatchObject({ maxQueuedRuns: 10, maxRunsPerDay: 3 });
    await caller.experiments.publish({ id: draft.id });
    const [first] = await ctx.t.db.select().from(runs).where(eq(runs.requestedById, person.id));
    await caller.runs.rerun({ id: first!.id }); // 3 of 3 today
    await expect(caller.runs.rerun({ id: first!.id })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS", message: expect.stringContaining("3 a day") });
    expect(await ctx.t.db.select().from(runs).where(eq(runs.requestedById, person.id))).toHaveLength(3);
    expect(await caller.experiments.myQuota()).toMatchObject({ quotas: { maxQueuedRuns: 10, maxRunsPerDay: 3 }, usage: { activeRuns: 3, runsLastDay: 3 } });
    // null returns a limit to the default.
    await ctx.as.moderator.experiments.setQuota({ userId: person.id, maxRunsPerDay: null });
    expect((await ctx.t.db.select().from(userQuotas).where(and(eq(userQuotas.userId, person.id))))[0]).toMatchObject({ maxRunsPerDay: null, maxQueuedRuns: 10 });
    await expect(caller.runs.rerun({ id: first!.id })).resolves.toMatchObject({ attempt: 2 });
  });
});
