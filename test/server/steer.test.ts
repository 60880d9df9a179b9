/**
 * The steer router on real PostgreSQL and pg-boss: parameters hashed into one stored row (the same
 * parameters return it, any change makes a new one), validation, the per-person rate limit, the
 * permalink's 404, sign-in, and the direction search. The generation itself is the worker's
 * (test/workers/steer-generate.test.ts).
 */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { experiments, experimentVersions, experimentVersionTechniques, models, runArtifacts, runs, steerResults, techniques } from "../../db/schema";
import { float32Bytes } from "../../server/artifacts/tensor-files";
import { startBoss } from "../../server/jobs/boss";
import { registerPublisher, unregisterPublisher } from "../../server/jobs/publisher";
import { canonicalJson, steerParams, steerParamsHash, steerRequestSchema } from "../../server/services/steer/params";
import { STEER_QUEUE } from "../../server/services/steer/queue";
import { STEER_RATE_LIMIT } from "../../server/services/steer/request";
import { callerFor, createUser, useDatabaseWithRoles } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";

const ctx = useDatabaseWithRoles({ before: insertSmallTaxonomy });
let boss: PgBoss;
let modelId: number;
let otherModelId: number;
let runId: number;
let draftRunId: number;
let otherModelRunId: number;
const salt = randomBytes(3).toString("hex");

/** A finished run with diffmean directions (resid_post) at these layers. */
async function directionRun(title: string, model: number, layers: number[], state: "published" | "draft" = "published", technique?: string): Promise<number> {
  const owner = ctx.as.users.member.id;
  const [experiment] = await ctx.t.db.insert(experiments).values({ ownerId: owner, state, publishedAt: state === "published" ? new Date() : null }).returning();
  const [version] = await ctx.t.db.insert(experimentVersions).values({ experimentId: experiment!.id, version: 1, authorId: owner, title, spec: { version: 1 } }).returning();
  if (technique) {
    const [t] = await ctx.t.db.select().from(techniques).where(eq(techniques.slug, technique));
    await ctx.t.db.insert(experimentVersionTechniques).values({ versionId: version!.id, techniqueId: t!.id });
  }
  const [run] = await ctx.t.db
    .insert(runs)
    .values({ versionId: version!.id, modelId: model, modelSha256: "a".repeat(64), engineVersion: "test", runKey: `steer-${title}`, status: "done", finishedAt: new Date() })
    .returning();
  for (const layer of layers) {
    await ctx.t.db.insert(runArtifacts).values({ runId: run!.id, name: "diffmean.direction", methodIndex: 0, hook: `blocks.${layer}.hook_resid_post`, layer, shape: [4], data: float32Bytes(Float32Array.from([1, 0, 0, 0])) });
  }
  return run!.id;
}

beforeAll(async () => {
  const inserted = await ctx.t.db
    .insert(models)
    .values([
      { name: `steer-a-${salt}`, source: "/tmp/a.gguf", sha256: "a".repeat(64), status: "ready", layers: 5, dModel: 4 },
      { name: `steer-b-${salt}`, source: "/tmp/b.gguf", sha256: "b".repeat(64), status: "ready", layers: 5, dModel: 4 },
    ])
    .returning();
  modelId = inserted[0]!.id;
  otherModelId = inserted[1]!.id;
  runId = await directionRun(`Happy versus sad ${salt}`, modelId, [1, 2, 3], "published", "caa");
  draftRunId = await directionRun(`Draft direction ${salt}`, modelId, [2]);
  await ctx.t.db.update(experiments).set({ state: "draft" }).where(eq(experiments.id, (await ctx.t.db.select({ e: experimentVersions.experimentId }).from(runs).innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId)).where(eq(runs.id, draftRunId)))[0]!.e));
  otherModelRunId = await directionRun(`Other model ${salt}`, otherModelId, [2]);
  boss = await startBoss(ctx.t.url, { supervise: false });
  registerPublisher(ctx.t.db, boss);
});
afterAll(async () => {
  unregisterPublisher(ctx.t.db);
  await boss?.stop({ graceful: false, wait: true });
});

const input = (overrides: Record<string, unknown> = {}) => ({ modelId, prompt: "Once upon a time", direction: { kind: "run" as const, runId }, layer: 2, strength: 8, maxNewTokens: 16, ...overrides });

async function jobsOf(resultId: number) {
  const [row] = await ctx.t.db.select({ jobId: steerResults.jobId }).from(steerResults).where(eq(steerResults.id, resultId));
  return row?.jobId ? [await boss.getJobById<{ resultId: number }>(STEER_QUEUE.name, row.jobId)] : [];
}

describe("steer", () => {
  it("the same parameters return the same row (one job); another strength, layer, prompt or seed is a new row", async () => {
    const member = callerFor(ctx.t.db, await createUser(ctx.t.db, "member"));
    const first = await member.steer.request(input());
    expect(first).toMatchObject({ status: "queued", created: true });
    const [job] = await jobsOf(first.id);
    expect(job?.data).toEqual({ resultId: first.id });
    // Again, by someone else, with the keys in another order: the stored row, no new job.
    const again = await ctx.as.moderator.steer.request({ maxNewTokens: 16, strength: 8, layer: 2, direction: { runId, kind: "run" }, prompt: "Once upon a time", modelId });
    expect(again).toEqual({ id: first.id, status: "queued", created: false });
    expect(await ctx.t.db.select().from(steerResults).where(eq(steerResults.id, first.id))).toHaveLength(1);

    const ids = new Set([first.id]);
    for (const change of [{ strength: 8.5 }, { strength: -8 }, { layer: 3 }, { prompt: "Once upon a time there" }, { seed: 1 }, { maxNewTokens: 17 }, { sampling: { temperature: 0.7 } }]) {
      const other = await member.steer.request(input(change));
      expect(other.created, JSON.stringify(change)).toBe(true);
      ids.add(other.id);
    }
    expect(ids.size).toBe(8);
    // Greedy decoding ignores top-p: temperature 0 is the same request as no sampling.
    expect((await member.steer.request(input({ sampling: { temperature: 0, topP: 0.5 } }))).id).toBe(first.id);

    const [row] = await ctx.t.db.select().from(steerResults).where(eq(steerResults.id, first.id));
    expect(row!.params).toMatchObject({ model: { id: modelId, sha256: "a".repeat(64) }, prompt: "Once upon a time", direction: { kind: "run", runId }, layer: 2, strength: 8, maxNewTokens: 16, sampling: null, seed: 0 });
    expect(row!.paramsHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("the hash is of canonical JSON: stable across key order, changed by any value", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 2, y: 3 }], c: "x" } })).toBe('{"a":{"c":"x","d":[1,{"y":3,"z":2}]},"b":1}');
    const model = { id: 1, name: "m", sha256: "a".repeat(64) };
    const hash = (o: Record<string, unknown>) => steerParamsHash(steerParams(steerRequestSchema.parse({ ...input(), modelId: 1, ...o }), model));
    expect(hash({})).toBe(hash({}));
    expect(hash({ strength: -0 })).toBe(hash({ strength: 0 }));
    expect(hash({ strength: 8 })).not.toBe(hash({ strength: 8.000001 }));
    // The display name is not part of the key; the weights are.
    expect(steerParamsHash(steerParams(steerRequestSchema.parse(input()), { ...model, name: "renamed" }))).toBe(steerParamsHash(steerParams(steerRequestSchema.parse(input()), model)));
    expect(steerParamsHash(steerParams(steerRequestSchema.parse(input()), { ...model, sha256: "b".repeat(64) }))).not.toBe(steerParamsHash(steerParams(steerRequestSchema.parse(input()), model)));
  });

  it("refuses oversized and out-of-range parameters with messages for people", async () => {
    const member = callerFor(ctx.t.db, await createUser(ctx.t.db, "member"));
    const before = (await ctx.t.db.select().from(steerResults)).length;
    const refused = async (overrides: Record<string, unknown>, code: string, message: RegExp) => {
      await expect(member.steer.request(input(overrides)), JSON.stringify(overrides).slice(0, 80)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    };
    await refused({ prompt: "x".repeat(2001) }, "BAD_REQUEST", /prompt can be at most 2,000 characters/);
    await refused({ prompt: "   " }, "BAD_REQUEST", /Write a prompt/);
    await refused({ prompt: "a\u0000b" }, "BAD_REQUEST", /control characters/);
    await refused({ maxNewTokens: 65 }, "BAD_REQUEST", /at most 64 tokens/);
    await refused({ maxNewTokens: 2.5 }, "BAD_REQUEST", /whole number/);
    await refused({ strength: 65 }, "BAD_REQUEST", /strength can be at most 64/);
    await refused({ strength: Number.POSITIVE_INFINITY }, "BAD_REQUEST", /strength/);
    await refused({ strength: Number.NaN }, "BAD_REQUEST", /strength/);
    await refused({ layer: 5 }, "BAD_REQUEST", /has 5 layers \(0–4\); layer 5 is past its last/);
    await refused({ layer: 4 }, "BAD_REQUEST", new RegExp(`Run #${runId} has diffmean directions at layers 1, 2, 3, not at layer 4`));
    await refused({ direction: { kind: "run", runId: draftRunId } }, "BAD_REQUEST", /not a run of a published experiment/);
    await refused({ direction: { kind: "run", runId: otherModelRunId } }, "BAD_REQUEST", /computed on another model/);
    await refused({ direction: { kind: "run", runId: 2_000_000 } }, "BAD_REQUEST", /not a run of a published experiment/);
    await refused({ modelId: 2_000_000 }, "BAD_REQUEST", /not hosted here/);
    await refused({ direction: { kind: "meanDifference", positive: [], negative: ["sad"] } }, "BAD_REQUEST", /at least one positive prompt/);
    await refused({ direction: { kind: "meanDifference", positive: Array(17).fill("happy"), negative: ["sad"] } }, "BAD_REQUEST", /at most 16 positive prompts/);
    await refused({ direction: { kind: "weights", runId } }, "BAD_REQUEST", /direction/i);
    await refused({ extra: 1 }, "BAD_REQUEST", /extra|Unrecognized/i);
    expect((await ctx.t.db.select().from(steerResults)).length).toBe(before);
    // An inline direction needs no run, any layer of the model.
    const inline = await member.steer.request(input({ direction: { kind: "meanDifference", positive: ["happy"], negative: ["sad"] }, layer: 4 }));
    expect(inline.created).toBe(true);
  });

  it("signed-out callers cannot generate; anyone can open a result; unknown ids are 404s", async () => {
    await expect(ctx.as.anonymous.steer.request(input({ seed: 77 }))).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const made = await ctx.as.admin.steer.request(input({ seed: 78 }));
    const view = await ctx.as.anonymous.steer.get({ id: made.id });
    expect(view).toMatchObject({ id: made.id, status: "queued", result: null, error: null, params: { prompt: "Once upon a time", seed: 78 } });
    expect(view.source).toMatchObject({ runId, title: `Happy versus sad ${salt}` });
    await expect(ctx.as.anonymous.steer.get({ id: 2_000_000 })).rejects.toMatchObject({ code: "NOT_FOUND", message: "Steered generation #2000000 was not found." });
    await expect(ctx.as.anonymous.steer.get({ id: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // A failed result's reason is shown; asking again queues it once more.
    await ctx.t.db.update(steerResults).set({ status: "failed", error: "the prompt is too long" }).where(eq(steerResults.id, made.id));
    expect((await ctx.as.anonymous.steer.get({ id: made.id })).error).toBe("the prompt is too long");
    expect(await ctx.as.admin.steer.request(input({ seed: 78 }))).toEqual({ id: made.id, status: "queued", created: true });
    expect((await ctx.as.anonymous.steer.get({ id: made.id })).error).toBeNull();
    // Running for a few seconds is normal; running for 11 minutes means its worker died: queued again.
    await ctx.t.db.update(steerResults).set({ status: "running", startedAt: new Date(Date.now() - 5_000) }).where(eq(steerResults.id, made.id));
    expect(await ctx.as.admin.steer.request(input({ seed: 78 }))).toEqual({ id: made.id, status: "running", created: false });
    await ctx.t.db.update(steerResults).set({ status: "running", startedAt: new Date(Date.now() - 11 * 60_000) }).where(eq(steerResults.id, made.id));
    expect(await ctx.as.admin.steer.request(input({ seed: 78 }))).toEqual({ id: made.id, status: "queued", created: true });
    expect(await jobsOf(made.id)).toHaveLength(1);
  });

  it(`allows ${STEER_RATE_LIMIT.max} new generations per person in 10 minutes; stored results stay free`, async () => {
    const person = callerFor(ctx.t.db, await createUser(ctx.t.db, "member"));
    let firstId = 0;
    for (let i = 0; i < STEER_RATE_LIMIT.max; i++) {
      const r = await person.steer.request(input({ seed: 1000 + i }));
      expect(r.created).toBe(true);
      if (i === 0) firstId = r.id;
    }
    await expect(person.steer.request(input({ seed: 999 }))).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS", message: expect.stringContaining("Too many steered generations in a short time") });
    expect(await person.steer.request(input({ seed: 1000 }))).toEqual({ id: firstId, status: "queued", created: false });
    // Another person is not limited by it.
    expect((await callerFor(ctx.t.db, await createUser(ctx.t.db, "member")).steer.request(input({ seed: 999 }))).created).toBe(true);
  });

  it("lists finished runs of published experiments with a direction, by model, title or technique", async () => {
    const all = await ctx.as.anonymous.steer.directions({ modelId });
    const mine = all.items.filter((d) => [runId, draftRunId, otherModelRunId].includes(d.runId));
    expect(mine).toEqual([expect.objectContaining({ runId, title: `Happy versus sad ${salt}`, modelId, layers: [1, 2, 3], techniques: ["Contrastive Activation Addition"] })]);
    expect((await ctx.as.anonymous.steer.directions({ q: `versus sad ${salt}` })).items.map((d) => d.runId)).toEqual([runId]);
    expect((await ctx.as.anonymous.steer.directions({ q: `contrastive act` })).items.map((d) => d.runId)).toContain(runId);
    expect((await ctx.as.anonymous.steer.directions({ technique: "caa", modelId })).items.map((d) => d.runId)).toEqual([runId]);
    expect((await ctx.as.anonymous.steer.directions({ technique: "probing" })).items).toEqual([]);
    expect((await ctx.as.anonymous.steer.directions({ modelId: otherModelId })).items.map((d) => d.runId)).toEqual([otherModelRunId]);
    expect((await ctx.as.anonymous.steer.directions({ q: "100%_" })).items).toEqual([]);
    await expect(ctx.as.anonymous.steer.directions({ q: "x".repeat(201) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const models = await ctx.as.anonymous.steer.models();
    expect(models.map((m) => m.id)).toEqual(expect.arrayContaining([modelId, otherModelId]));
  });
});
