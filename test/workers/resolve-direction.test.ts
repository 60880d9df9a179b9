/**
 * Steering directions read from a stored run's diffmean artifact (real PostgreSQL): the stored float32
 * values come back exactly; a missing layer, an unfinished run, a missing run and another user's draft
 * are refused with messages that say what to do. End to end: the experiment-run worker computes a
 * diffmean run on stories260K, then a version-2 steeredGeneration run steers with its direction.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { experiments, experimentVersions, runArtifacts, runs } from "../../db/schema";
import { float32Bytes } from "../../server/artifacts/tensor-files";
import { runExperiment } from "../../workers/jobs/run-experiment";
import { readRunDirection, runDirectionResolver } from "../../workers/jobs/run-experiment/resolve-direction";
import { RunInputError } from "../../workers/jobs/run-experiment/errors";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";
import { hasStoriesFixtures } from "../runtime/fixtures";
import { type Fixture, createFixture, createRun, createVersion, runRow, workerSpec } from "./run-experiment-fixtures";

let t: TestDatabase;
let f: Fixture;
let doneRun: number;
let queuedRun: number;
const direction2 = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i + 1) / 4);
const attnDirection = Float32Array.from({ length: 64 }, (_, i) => i);

beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.db);
  const version = await createVersion(t.db, f, workerSpec(f.datasetId));
  doneRun = await createRun(t.db, f, version);
  queuedRun = await createRun(t.db, f, version, 1);
  await t.db.update(runs).set({ status: "done" }).where(eq(runs.id, doneRun));
  const row = (name: string, methodIndex: number, hook: string, layer: number, data: Float32Array) => ({ runId: doneRun, name, methodIndex, hook, layer, shape: [data.length], data: float32Bytes(data) });
  await t.db.insert(runArtifacts).values([
    row("diffmean.direction", 0, "blocks.2.hook_resid_post", 2, direction2),
    row("diffmean.direction", 0, "blocks.3.hook_attn_out", 3, attnDirection),
    row("logistic.direction", 1, "blocks.3.hook_resid_post", 3, attnDirection),
    row("diffmean.direction", 4, "blocks.2.hook_resid_post", 2, attnDirection),
  ]);
});

const cacheDir = mkdtempSync(path.join(tmpdir(), "mechmap-direction-"));
afterAll(async () => {
  await t.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

async function compute(runId: number) {
  const outcome = await runExperiment(t.db, { id: `job-${runId}`, runId, retryCount: 0, retryLimit: 0 }, { workerId: "test:direction", maxActivationBytes: 2 ** 28, runTimeLimitMs: 120_000, cacheDir });
  return { outcome, row: await runRow(t.db, runId) };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RunInputError);
  return (error as Error).message;
}

describe("readRunDirection", () => {
  it("returns the first diffmean method's stored resid_post direction at the layer, exactly", async () => {
    const v = await readRunDirection(t.db, doneRun, 2, { ownerId: null });
    expect(Array.from(v)).toEqual(Array.from(direction2));
  });

  it("names the layers that do have a resid_post direction when the asked one has none", async () => {
    const message = await refusal(readRunDirection(t.db, doneRun, 3, { ownerId: null }));
    expect(message).toContain("no diffmean direction at blocks.3.hook_resid_post");
    expect(message).toContain("layer 2;");
  });

  it("refuses unfinished and missing runs", async () => {
    expect(await refusal(readRunDirection(t.db, queuedRun, 2, { ownerId: null }))).toContain(`run ${queuedRun} is queued`);
    expect(await refusal(readRunDirection(t.db, 2 ** 31 - 1, 2, { ownerId: null }))).toContain("does not exist");
  });

  it("reads a draft experiment's run only for its owner", async () => {
    const [experiment] = await t.db.select({ id: experimentVersions.experimentId }).from(runs).innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId)).where(eq(runs.id, doneRun));
    await t.db.update(experiments).set({ state: "draft" }).where(eq(experiments.id, experiment!.id));
    try {
      expect(await refusal(readRunDirection(t.db, doneRun, 2, { ownerId: "someone-else" }))).toContain("does not exist (or is not public)");
      expect(Array.from(await readRunDirection(t.db, doneRun, 2, { ownerId: f.userId }))).toEqual(Array.from(direction2));
      // The job loop reads on behalf of the computed run's owner: the same owner's draft is visible.
      expect(Array.from(await runDirectionResolver(t.db, queuedRun)(doneRun, 2))).toEqual(Array.from(direction2));
    } finally {
      await t.db.update(experiments).set({ state: "published" }).where(eq(experiments.id, experiment!.id));
    }
  });

  it.skipIf(!hasStoriesFixtures())("the experiment-run worker steers with a diffmean direction another run stored", async () => {
    const directionVersion = await createVersion(t.db, f, workerSpec(f.datasetId, { methods: [{ method: "diffmean" }], readout: { position: { kind: "last" }, hooks: ["blocks.{L}.hook_resid_post"], layers: [2] } }));
    const source = await createRun(t.db, f, directionVersion);
    expect((await compute(source)).outcome).toBe("done");
    const steerSpec = (direction: Record<string, unknown>) => ({
      version: 2,
      name: "Steer with a stored direction",
      methods: [{ method: "steeredGeneration", prompts: ["Once upon a time"], direction, layers: [2], strengths: [4], maxNewTokens: 4 }],
      seed: 7,
    });
    const steered = await compute(await createRun(t.db, f, await createVersion(t.db, f, steerSpec({ kind: "artifact", runId: source }))));
    expect(steered.outcome, steered.row.error ?? "").toBe("done");
    const result = (steered.row.metrics as { methods: Array<{ result: { directionNorm: number[]; prompts: Array<{ default: string; cells: Array<{ steered: string }> }> } }> }).methods[0]!.result;
    expect(result.directionNorm[0]).toBeGreaterThan(0);
    expect(result.prompts[0]!.default.length).toBeGreaterThan(0);
    expect(result.prompts[0]!.cells).toHaveLength(1);
    // Layer 3 was not read by the direction run: the steering run fails at once, saying which layers exist.
    const missing = await compute(await createRun(t.db, f, await createVersion(t.db, f, steerSpec({ kind: "artifact", runId: source, layer: 3 }))));
    expect(missing.outcome).toBe("failed");
    expect(missing.row.error).toContain("has directions at layer 2; set direction.layer");
  });
});
