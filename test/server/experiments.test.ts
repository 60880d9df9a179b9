/** Experiments: drafts, publishing (one run and one job per ready model), versions, keys never computed twice. */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { experiments, experimentVersions, models, runs } from "../../db/schema";
import { RUN_QUEUE } from "../../server/jobs/experiment-runs";
import { PROBE_ENGINE_VERSION } from "../../server/probes/engine-version";
import { queueRunsForModel } from "../../server/services/experiments/publish";
import { runKey } from "../../server/services/runs/queue";
import { callerFor, createUser } from "../setup/callers";
import { datasetSpec, draftInput, firstRuns, jobsFor, labelledCsv, sha, useExperimentWorld } from "./experiments-fixtures";
import { uploadDataset } from "../../server/services/datasets/store";
import { createHash } from "node:crypto";

const { ctx, world } = useExperimentWorld();

async function versionId(experimentId: number, version: number) {
  const [row] = await ctx.t.db
    .select({ id: experimentVersions.id })
    .from(experimentVersions)
    .where(and(eq(experimentVersions.experimentId, experimentId), eq(experimentVersions.version, version)));
  return row!.id;
}

describe("experiments", () => {
  it("a draft is saved with its question rendered, and seen only by its author and moderators", async () => {
    const draft = await ctx.as.member.experiments.create(draftInput("draft"));
    expect(draft).toEqual({ id: expect.any(Number), version: 1, state: "draft" });
    const mine = await ctx.as.member.experiments.byId({ id: draft.id });
    expect(mine.experiment.state).toBe("draft");
    expect(mine.version.questionHtml).toContain("<strong>sentiment</strong>");
    expect(mine.version.questionHtml).toContain("katex");
    expect(mine.techniques.map((t) => t.slug).sort()).toEqual(["caa", "linear-probing"]);
    expect(mine.version.claims).toHaveLength(1);
    expect(mine.permissions).toEqual({ canEdit: true, canControlRuns: true, isAuthor: true });
    expect(mine.runs).toEqual([]);
    await expect(ctx.as.anonymous.experiments.byId({ id: draft.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const other = callerFor(ctx.t.db, await createUser(ctx.t.db, "member"));
    await expect(other.experiments.byId({ id: draft.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(ctx.as.moderator.experiments.byId({ id: draft.id })).resolves.toMatchObject({ permissions: { canEdit: false, canControlRuns: true } });
    const list = await ctx.as.member.experiments.list({});
    expect(list.items.some((i) => i.id === draft.id)).toBe(false);
    expect(list.drafts.some((d) => d.id === draft.id)).toBe(true);
    expect((await ctx.as.anonymous.experiments.list({})).drafts).toEqual([]);
  });

  it("editing a draft changes it in place", async () => {
    const draft = await ctx.as.member.experiments.create(draftInput("edit-in-place"));
    const updated = await ctx.as.member.experiments.update({ id: draft.id, ...draftInput("edit-in-place"), title: "A better title", techniques: ["probing"] });
    expect(updated).toMatchObject({ id: draft.id, version: 1, state: "draft", runsQueued: 0 });
    const read = await ctx.as.member.experiments.byId({ id: draft.id });
    expect(read.version.title).toBe("A better title");
    expect(read.techniques.map((t) => t.slug)).toEqual(["probing"]);
    expect(read.versions).toHaveLength(1);
  });

  it("publishing creates one run per ready model, keyed by version, model sha256 and engine, with one job each", async () => {
    const draft = await ctx.as.member.experiments.create(draftInput("publish"));
    const published = await ctx.as.member.experiments.publish({ id: draft.id });
    expect(published).toMatchObject({ id: draft.id, version: 1, runsQueued: 2, jobsSent: 2, alreadyPublished: false });
    const vId = await versionId(draft.id, 1);
    const rows = await firstRuns(ctx.t.db, vId);
    expect(rows.map((r) => r.modelId).sort()).toEqual([world.models["stories-a"], world.models["stories-b"]].sort());
    for (const r of rows) {
      expect(r.status).toBe("queued");
      expect(r.engineVersion).toBe(PROBE_ENGINE_VERSION);
      expect(r.runKey).toBe(createHash("sha256").update(`${vId}:${r.modelSha256}:${PROBE_ENGINE_VERSION}`).digest("hex"));
      expect(r.requestedById).toBe(ctx.as.users.member.id);
    }
    const jobs = await jobsFor(world.boss, rows.map((r) => r.id));
    expect(jobs.map((j) => j.data.runId).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(jobs.every((j) => j.name === RUN_QUEUE.name && j.state === "created")).toBe(true);
    const read = await ctx.as.anonymous.experiments.byId({ id: draft.id });
    expect(read.experiment.state).toBe("published");
    expect(read.version.publishedAt).toBeInstanceOf(Date);
    expect(read.runs.map((r) => r.modelName).sort()).toEqual(["stories-a", "stories-b"]);
    expect(read.permissions.canEdit).toBe(false);
    expect((await ctx.as.anonymous.experiments.list({})).items.find((i) => i.id === draft.id)).toMatchObject({ runs: { queued: 2 }, latestVersion: 1, techniques: expect.arrayContaining([{ slug: "caa", name: "Contrastive Activation Addition" }]) });
    expect((await ctx.as.anonymous.experiments.list({ technique: "caa" })).items.map((i) => i.id)).toContain(draft.id);
    expect((await ctx.as.anonymous.experiments.list({ technique: "steering" })).items.map((i) => i.id)).not.toContain(draft.id);
  });

  it("publishing twice and queueing a model twice never create a second attempt-0 run of the same key", async () => {
    const draft = await ctx.as.member.experiments.create(draftInput("twice"));
    await ctx.as.member.experiments.publish({ id: draft.id });
    const again = await ctx.as.member.experiments.publish({ id: draft.id });
    expect(again).toMatchObject({ alreadyPublished: true, runsQueued: 0 });
    const vId = await versionId(draft.id, 1);
    const forA = await queueRunsForModel(ctx.t.db, world.boss, world.models["stories-a"]);
    expect(forA).toEqual([]); // every published version already has its run on this model
    const after = await firstRuns(ctx.t.db, vId);
    expect(after).toHaveLength(2);
    expect(new Set(after.map((r) => r.runKey)).size).toBe(2);
    // The same key is refused by the database itself, whoever tries.
    await expect(
      ctx.t.db.insert(runs).values({ versionId: vId, modelId: world.models["stories-a"], modelSha256: sha("a"), engineVersion: PROBE_ENGINE_VERSION, runKey: runKey(vId, sha("a")), attempt: 0 }),
    ).rejects.toThrow();
  });

  it("a model that becomes ready gets one run for every published experiment's latest version, once", async () => {
    const draft = await ctx.as.member.experiments.create(draftInput("new-model"));
    await ctx.as.member.experiments.publish({ id: draft.id });
    const modelC = world.models["stories-c"];
    await expect(queueRunsForModel(ctx.t.db, world.boss, modelC)).rejects.toMatchObject({ code: "CONFLICT" });
    await ctx.t.db.update(models).set({ status: "ready" }).where(eq(models.id, modelC));
    try {
      const published = await ctx.t.db.select({ id: experiments.id }).from(experiments).where(eq(experiments.state, "published"));
      const created = await queueRunsForModel(ctx.t.db, world.boss, modelC);
      expect(created).toHaveLength(published.length);
      expect(await queueRunsForModel(ctx.t.db, world.boss, modelC)).toEqual([]);
      const onC = await ctx.t.db.select().from(runs).where(and(eq(runs.modelId, modelC), eq(runs.attempt, 0)));
      expect(onC).toHaveLength(published.length);
      expect(onC.every((r) => r.requestedById === null && r.jobId !== null)).toBe(true);
      const jobs = await jobsFor(world.boss, onC.map((r) => r.id));
      expect(jobs).toHaveLength(onC.length);
    } finally {
      await ctx.t.db.update(models).set({ status: "compiling" }).where(eq(models.id, modelC));
    }
  });

  it("editing a published experiment makes version 2 with its own runs; version 1 and its runs stay readable", async () => {
    const draft = await ctx.as.member.experiments.create(draftInput("versions"));
    await ctx.as.member.experiments.publish({ id: draft.id });
    const edited = await ctx.as.member.experiments.update({ id: draft.id, ...draftInput("versions"), title: "Sentiment, second try", changeNote: "More layers" });
    expect(edited).toMatchObject({ version: 2, state: "published", runsQueued: 2 });
    const latest = await ctx.as.anonymous.experiments.byId({ id: draft.id });
    expect(latest.version).toMatchObject({ version: 2, title: "Sentiment, second try", changeNote: "More layers" });
    expect(latest.versions.map((v) => [v.version, v.runs])).toEqual([
      [2, 2],
      [1, 2],
    ]);
    const v1 = await ctx.as.anonymous.experiments.byId({ id: draft.id, version: 1 });
    expect(v1.version.title).toBe("Sentiment direction versions");
    expect(v1.runs).toHaveLength(2);
    expect(new Set([...v1.runs, ...latest.runs].map((r) => r.id)).size).toBe(4);
    await expect(ctx.as.anonymous.experiments.byId({ id: draft.id, version: 3 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // An edit that changes nothing makes no version and queues nothing.
    const runsBefore = (await ctx.t.db.select().from(runs)).length;
    await expect(ctx.as.member.experiments.update({ id: draft.id, ...draftInput("versions"), title: "Sentiment, second try", changeNote: "Again" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("changes nothing"),
    });
    expect((await ctx.t.db.select().from(runs)).length).toBe(runsBefore);
    expect((await ctx.as.anonymous.experiments.byId({ id: draft.id })).experiment.latestVersion).toBe(2);
  });

  it("only the author edits and publishes; others are refused and nothing changes", async () => {
    const draft = await ctx.as.member.experiments.create(draftInput("perm"));
    const other = callerFor(ctx.t.db, await createUser(ctx.t.db, "member"));
    await expect(other.experiments.publish({ id: draft.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(ctx.as.moderator.experiments.update({ id: draft.id, ...draftInput("perm"), title: "Hijacked" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const [row] = await ctx.t.db.select().from(experiments).where(eq(experiments.id, draft.id));
    expect(row!.state).toBe("draft");
    expect((await ctx.as.member.experiments.byId({ id: draft.id })).version.title).toBe("Sentiment direction perm");
  });

  it("refuses invalid specs, unknown techniques and data sets that do not fit the spec, with readable messages", async () => {
    const before = (await ctx.t.db.select().from(experiments)).length;
    await expect(ctx.as.member.experiments.create({ ...draftInput("bad"), spec: { version: 1, data: { kind: "pairs", pairs: [] }, methods: [] } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/methods.*choose at least one method/),
    });
    await expect(ctx.as.member.experiments.create({ ...draftInput("bad"), techniques: ["no-such-technique"] })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("no-such-technique") });
    await expect(ctx.as.member.experiments.create({ ...draftInput("bad"), spec: datasetSpec(999_999) })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("no uploaded data set") });
    const upload = await uploadDataset(ctx.t.db, ctx.as.users.member, { name: "Happy and sad", format: "csv", bytes: labelledCsv(), previewOnly: false });
    if (!upload.saved) throw new Error("not saved");
    const wrongContrast = { ...datasetSpec(upload.id), data: { kind: "dataset", datasetId: String(upload.id), contrast: { positive: "joy", negative: "sad" } } };
    await expect(ctx.as.member.experiments.create({ ...draftInput("bad"), spec: wrongContrast })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("joy") });
    expect((await ctx.t.db.select().from(experiments)).length).toBe(before);
    // The right contrast is accepted and the version points at the data set, whose preview the page shows.
    const ok = await ctx.as.member.experiments.create({ ...draftInput("dataset"), spec: datasetSpec(upload.id) });
    const read = await ctx.as.member.experiments.byId({ id: ok.id });
    expect(read.dataset).toMatchObject({ id: upload.id, kind: "labelled", rows: 12, preview: { classes: [{ name: "happy", count: 6 }, { name: "sad", count: 6 }] } });
  });
});
