/**
 * The steer job on real PostgreSQL, real pg-boss and the real stories260K model: a run computes a
 * diffmean direction (the experiment-run worker), a steered generation is requested through the
 * service (as the web app does) and taken by the steer worker; the result is checked against a
 * plain greedy decoding of the same model.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { steerResults, users } from "../../db/schema";
import { startBoss } from "../../server/jobs/boss";
import { type SteerRequest, steerParamsSchema, steerRequestSchema, steerResultSchema } from "../../server/services/steer/params";
import { requestSteer } from "../../server/services/steer/request";
import type { SessionUser } from "../../server/trpc/context";
import { runExperiment } from "../../workers/jobs/run-experiment";
import { loadRunModel } from "../../workers/jobs/run-experiment/model-cache";
import { type SteerWorkers, computeSteer, steerGenerate, workSteerJobs } from "../../workers/jobs/steer-generate";
import { greedyDecode, hostedNextLogits } from "../../workers/runtime/reference/greedy";
import { STORIES_GGUF, STORIES_SHA256, hasStoriesFixtures } from "../runtime/fixtures";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";
import { type Fixture, createFixture, createRun, createVersion, runRow, workerSpec } from "./run-experiment-fixtures";

let t: TestDatabase;
let f: Fixture;
let user: SessionUser;
let producer: PgBoss;
let consumer: PgBoss;
let workers: SteerWorkers;
let directionRunId: number;
const cacheDir = mkdtempSync(path.join(tmpdir(), "mechmap-steer-"));
const partials = new Map<number, number[]>();
const PROMPT = "Once upon a time, there was a little girl named Lily.";

beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.db);
  const [row] = await t.db.select().from(users).where(eq(users.id, f.userId));
  user = { id: row!.id, email: row!.email, name: row!.name, role: "member" };
  // A real diffmean direction at every layer, computed by the experiment-run worker.
  const versionId = await createVersion(t.db, f, workerSpec(f.datasetId, { methods: [{ method: "diffmean" }] }));
  directionRunId = await createRun(t.db, f, versionId);
  const outcome = await runExperiment(t.db, { id: "direction-job", runId: directionRunId, retryCount: 0, retryLimit: 0 }, { workerId: "test:1", maxActivationBytes: 2 ** 28, runTimeLimitMs: 120_000, cacheDir });
  expect(outcome, (await runRow(t.db, directionRunId)).error ?? "").toBe("done");

  producer = await startBoss(t.url, { supervise: false });
  consumer = await startBoss(t.url, { supervise: false });
  workers = await workSteerJobs(consumer, t.db, {
    cacheDir,
    log: () => {},
    partialIntervalMs: 0,
    pollingIntervalSeconds: 0.5,
    afterPartial: async (id, p) => {
      partials.set(id, [...(partials.get(id) ?? []), p.streams.steered.tokens.length + p.streams.default.tokens.length + p.streams.baseline.tokens.length]);
    },
  });
}, 180_000);

afterAll(async () => {
  await workers?.stop();
  await consumer?.stop({ graceful: false, wait: true });
  await producer?.stop({ graceful: false, wait: true });
  await t?.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

function request(overrides: Partial<Record<keyof SteerRequest, unknown>> = {}): SteerRequest {
  return steerRequestSchema.parse({ modelId: f.modelId, prompt: PROMPT, direction: { kind: "run", runId: directionRunId }, layer: 2, strength: 12, maxNewTokens: 16, ...overrides });
}

async function waitForResult(id: number, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await t.db.select().from(steerResults).where(eq(steerResults.id, id));
    if (row && (row.status === "done" || row.status === "failed")) return row;
    if (Date.now() > deadline) throw new Error(`steer result ${id} still ${row?.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!hasStoriesFixtures())("steer worker", () => {
  it("generates default, steered and random-baseline continuations; a large strength changes the text; the default is plain greedy decoding", async () => {
    const asked = await requestSteer(t.db, producer, user, request());
    expect(asked).toMatchObject({ status: "queued", created: true });
    const row = await waitForResult(asked.id);
    expect(row.error).toBeNull();
    expect(row.status).toBe("done");
    const result = steerResultSchema.parse(row.result);
    const { default: plain, steered, baseline } = result.streams;

    // The default continuation is the model's own greedy decoding of the prompt.
    const model = await loadRunModel({ name: "stories260K", localPath: STORIES_GGUF, sha256: STORIES_SHA256, cacheDir });
    const prompt = model.tokenizer.encode(PROMPT, { addBos: true }).ids;
    expect(result.promptTokens).toBe(prompt.length);
    const greedy = await greedyDecode(hostedNextLogits(model), prompt, { maxNewTokens: 16, stopIds: model.tokenizer.eosId === null ? [] : [model.tokenizer.eosId] });
    expect(plain.tokens).toEqual(greedy.slice(prompt.length));
    expect(plain.text.length).toBeGreaterThan(0);

    expect(steered.tokens).not.toEqual(plain.tokens);
    expect(steered.text).not.toBe(plain.text);
    for (const s of [plain, steered, baseline]) {
      expect(s.tokens.length).toBeGreaterThan(0);
      expect(s.logProbs).toHaveLength(s.tokens.length);
      expect(s.pieces).toHaveLength(s.tokens.length);
      for (const lp of s.logProbs) expect(lp).toBeLessThanOrEqual(0);
    }
    // Strength 12 in units of the mean residual norm at layer 2.
    expect(result.meanResidNorm).toBeGreaterThan(0);
    expect(result.vectorNorm).toBeCloseTo(12 * result.meanResidNorm, 4);
    expect(result.directionSource).toContain(`run ${directionRunId}`);
    // Tokens were written as they streamed, growing.
    const written = partials.get(asked.id) ?? [];
    expect(written.length).toBeGreaterThan(3);
    expect(written[written.length - 1]!).toBeGreaterThan(written[0]!);
    expect(row.partial).toBeNull();

    // The same parameters return the stored result, without a new job.
    expect(await requestSteer(t.db, producer, user, request())).toEqual({ id: asked.id, status: "done", created: false });
  });

  it("strength 0 steers nothing: the steered continuation equals the default", async () => {
    const asked = await requestSteer(t.db, producer, user, request({ strength: 0 }));
    const result = steerResultSchema.parse((await waitForResult(asked.id)).result);
    expect(result.streams.steered.tokens).toEqual(result.streams.default.tokens);
    expect(result.vectorNorm).toBe(0);
  });

  it("a direction from two inline prompt sets", async () => {
    const direction = {
      kind: "meanDifference",
      positive: ["Lily was very happy and she smiled.", "The sun was warm and everyone laughed."],
      negative: ["Lily was very sad and she cried.", "The night was cold and everyone was scared."],
    };
    const asked = await requestSteer(t.db, producer, user, request({ direction, strength: 10 }));
    const row = await waitForResult(asked.id);
    expect(row.error).toBeNull();
    const result = steerResultSchema.parse(row.result);
    expect(result.directionSource).toContain("mean difference of 2 positive and 2 negative prompts");
    expect(result.streams.steered.tokens).not.toEqual(result.streams.default.tokens);
  });

  it("a prompt longer than the model reads fails with a message that says so", async () => {
    // Within the 2000 characters the form allows, but each of these characters is several byte tokens.
    const long = "Tom saw 日本語. ".repeat(150).slice(0, 2000);
    const asked = await requestSteer(t.db, producer, user, request({ prompt: long }));
    const row = await waitForResult(asked.id);
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/^the prompt is \d+ tokens and 16 more are to be generated; stories260K reads at most \d+ — shorten it$/);
  });

  it("a job delivered twice stores one result; both deliveries agree on it", async () => {
    const params = steerParamsSchema.parse({
      engine: (await t.db.select().from(steerResults).limit(1))[0]!.params.engine,
      model: { id: f.modelId, name: "stories260K", sha256: STORIES_SHA256 },
      prompt: "Tom had a red ball.",
      direction: { kind: "run", runId: directionRunId },
      layer: 3,
      strength: 8,
      maxNewTokens: 8,
      sampling: null,
      seed: 3,
    });
    const [row] = await t.db.insert(steerResults).values({ paramsHash: "twice", params: { ...params }, modelId: f.modelId }).returning();
    const job = { id: "job-twice", resultId: row!.id, retryCount: 0, retryLimit: 1 };
    const outcomes = await Promise.all([steerGenerate(t.db, job, { workerId: "a:1", cacheDir }), steerGenerate(t.db, { ...job, id: "job-twice-2" }, { workerId: "b:2", cacheDir })]);
    expect(outcomes.sort()).toEqual(["done", "skipped"]);
    const [stored] = await t.db.select().from(steerResults).where(eq(steerResults.id, row!.id));
    expect(stored!.status).toBe("done");
    // Deterministic: computing it again gives the stored result exactly.
    const model = await loadRunModel({ name: "stories260K", localPath: STORIES_GGUF, sha256: STORIES_SHA256, cacheDir });
    expect(await computeSteer(t.db, model, params)).toEqual(steerResultSchema.parse(stored!.result));
    // A late third delivery changes nothing.
    expect(await steerGenerate(t.db, { ...job, id: "job-twice-3" }, { workerId: "c:3", cacheDir })).toBe("skipped");
  });
});
