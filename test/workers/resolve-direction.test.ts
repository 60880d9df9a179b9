/**
 * Steering directions read from a stored run's diffmean artifact (real PostgreSQL): the stored float32
 * values come back exactly; a missing layer, an unfinished run, a missing run and another user's draft
 * are refused with messages that say what to do.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { experiments, experimentVersions, runArtifacts, runs } from "../../db/schema";
import { float32Bytes } from "../../server/artifacts/tensor-files";
import { readRunDirection } from "../../workers/jobs/run-experiment/resolve-direction";
import { RunInputError } from "../../workers/jobs/run-experiment/errors";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";
import { type Fixture, createFixture, createRun, createVersion, workerSpec } from "./run-experiment-fixtures";

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

afterAll(async () => {
  await t.dispose();
});

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
    } finally {
      await t.db.update(experiments).set({ state: "published" }).where(eq(experiments.id, experiment!.id));
    }
  });
});
