/**
 * Registering the model zoo for the demo (real PostgreSQL, the real zoo files): every model's facts
 * read from its weights, recipe and held-out loss from the README, once, sha256-checked; and the
 * precision rule (the storage type of most 2-D weight parameters) on files of each precision.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { models } from "../../../db/schema";
import { ZOO_MODELS, registerZooModels } from "../../../workers/models/demo-models";
import { addModel, getModel, listModels, registerDemoModel } from "../../../workers/models/registry";
import { inspectModel, weightPrecision } from "../../../workers/runtime/formats/inspect";
import { type TestDatabase, createTestDatabase } from "../../setup/test-database";
import { tempDir } from "../formats/temp";
import { STORIES_GGUF, ZOO_DIR, ZOO_MODEL_NAMES, type ZooModelName, hasStoriesFixtures, hasZooFixtures, readZooGolden, readZooReadmeHashes, zooGgufPath } from "../fixtures";
import { writeRandomCheckpoint } from "../writers/random-checkpoint";

/** The README's table, transcribed (independent of the loader's reading of the metadata). */
const FACTS: Record<ZooModelName, { layers: number; dModel: number; nHeads: number; nKvHeads: number; recipe: string }> = {
  "tinystories-llama-d64-s1": { layers: 5, dModel: 64, nHeads: 8, nKvHeads: 4, recipe: "tinystories-llama-d64" },
  "tinystories-llama-d64-s2": { layers: 5, dModel: 64, nHeads: 8, nKvHeads: 4, recipe: "tinystories-llama-d64" },
  "tinystories-llama-d96-l6": { layers: 6, dModel: 96, nHeads: 8, nKvHeads: 4, recipe: "tinystories-llama-d96-l6" },
  "tinystories-qwen2-d64-l4": { layers: 4, dModel: 64, nHeads: 4, nKvHeads: 2, recipe: "tinystories-qwen2-d64-l4" },
  "tinystories-gpt2-d80-l4": { layers: 4, dModel: 80, nHeads: 4, nKvHeads: 4, recipe: "tinystories-gpt2-d80-l4" },
};

let tdb: TestDatabase;
const tmp = tempDir("mechmap-zoo-registration-");
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb.dispose();
  tmp.cleanup();
});
afterEach(async () => {
  await tdb.db.delete(models);
});

let copyN = 0;
/** A copy of the zoo folder; `damage` flips one byte of that model's file. */
function copyZoo(damage: ZooModelName | null): string {
  const dir = path.join(tmp.dir, `zoo-${copyN++}`);
  mkdirSync(dir);
  for (const name of ZOO_MODEL_NAMES) {
    const target = path.join(dir, `${name}.gguf`);
    if (name !== damage) {
      copyFileSync(zooGgufPath(name), target);
      continue;
    }
    const bytes = readFileSync(zooGgufPath(name));
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0x01;
    writeFileSync(target, bytes);
  }
  return dir;
}

describe.skipIf(!hasZooFixtures())("registerZooModels", () => {
  it("the code's table is the README's: names, hashes, held-out losses", () => {
    const hashes = readZooReadmeHashes();
    expect(ZOO_MODELS.map((m) => m.name)).toEqual([...ZOO_MODEL_NAMES]);
    for (const m of ZOO_MODELS) {
      expect(m.sha256).toBe(hashes.get(m.name));
      // the README rounds to three decimals; the golden keeps the float
      expect(Math.abs(m.heldOutLoss - readZooGolden(m.name as ZooModelName).heldOutLoss)).toBeLessThan(5e-4);
    }
  });

  it("registers all five with the facts read from their weights, recipe and held-out loss", async () => {
    const result = await registerZooModels(tdb.db);
    expect(result.models.map((m) => [m.name, m.outcome])).toEqual(ZOO_MODEL_NAMES.map((n) => [n, "registered"]));
    expect(result.message).toBe("5 registered, 0 already registered, 0 unavailable");
    const hashes = readZooReadmeHashes();
    for (const name of ZOO_MODEL_NAMES) {
      const golden = readZooGolden(name);
      const f = FACTS[name];
      const row = await getModel(tdb.db, name);
      expect(row, name).toMatchObject({
        status: "ready", statusReason: null, source: path.join(ZOO_DIR, `${name}.gguf`), localPath: path.join(ZOO_DIR, `${name}.gguf`),
        sha256: hashes.get(name), licence: "MIT", architecture: golden.architecture, layers: f.layers, dModel: f.dModel,
        nHeads: f.nHeads, nKvHeads: f.nKvHeads, vocabSize: 512, contextLength: 256, parameterCount: golden.parameters,
        precision: "f32", recipe: f.recipe, baseModelId: null,
      });
      expect(Math.abs((row?.heldOutLoss ?? 0) - golden.heldOutLoss), name).toBeLessThan(5e-4);
    }
    // The two seeds of one shape share a recipe; no other model does.
    const rows = await listModels(tdb.db);
    expect(rows.filter((r) => r.recipe === "tinystories-llama-d64").map((r) => r.name)).toEqual(["tinystories-llama-d64-s1", "tinystories-llama-d64-s2"]);
    expect(new Set(rows.map((r) => r.recipe)).size).toBe(4);
  });

  it("a second call registers nothing new and leaves the rows as they were", async () => {
    await registerZooModels(tdb.db);
    const before = await listModels(tdb.db);
    const again = await registerZooModels(tdb.db);
    expect(again.models.map((m) => m.outcome)).toEqual(ZOO_MODEL_NAMES.map(() => "already registered"));
    expect(again.message).toBe("0 registered, 5 already registered, 0 unavailable");
    expect(await listModels(tdb.db)).toEqual(before);
  });

  it("a file with the wrong sha256 leaves that model failed with the reason; the others register; a good copy is taken next time", async () => {
    const damaged: ZooModelName = "tinystories-qwen2-d64-l4";
    const dir = copyZoo(damaged);
    const result = await registerZooModels(tdb.db, { zooDir: dir });
    const expected = readZooReadmeHashes().get(damaged);
    const reason = new RegExp(
      `^sha256 mismatch for ${damaged}\\.gguf: expected ${expected}, got [0-9a-f]{64}\\. The file is not the published model \\(damaged or modified\\); replace it with a fresh copy\\.$`,
    );
    const failed = result.models.find((m) => m.name === damaged);
    expect(failed?.outcome).toBe("failed");
    expect(failed?.model?.statusReason).toMatch(reason);
    expect(await getModel(tdb.db, damaged)).toMatchObject({ status: "failed", sha256: null, architecture: null, nHeads: null, precision: null });
    expect(result.message).toMatch(/^4 registered, 0 already registered, 1 unavailable \(tinystories-qwen2-d64-l4 failed: sha256 mismatch/);
    for (const name of ZOO_MODEL_NAMES.filter((n) => n !== damaged)) expect((await getModel(tdb.db, name))?.status, name).toBe("ready");

    copyFileSync(zooGgufPath(damaged), path.join(dir, `${damaged}.gguf`));
    const retry = await registerZooModels(tdb.db, { zooDir: dir });
    expect(retry.models.find((m) => m.name === damaged)?.outcome).toBe("registered");
    expect(await getModel(tdb.db, damaged)).toMatchObject({ status: "ready", statusReason: null, precision: "f32", nHeads: 4, nKvHeads: 2 });
  });

  it("a missing zoo folder is a message, not an error, and creates no rows", async () => {
    const absent = path.join(tmp.dir, "no-zoo-here");
    const result = await registerZooModels(tdb.db, { zooDir: absent });
    expect(result).toEqual({ models: [], message: `The model zoo is not available (no folder at ${absent}). The rest of the demo works without it.` });
    expect(await listModels(tdb.db)).toEqual([]);
  });

  it("a ready model from before the new columns gets its heads, precision, recipe and held-out loss filled in", async () => {
    await registerZooModels(tdb.db);
    const name: ZooModelName = "tinystories-gpt2-d80-l4";
    await tdb.db.update(models).set({ nHeads: null, nKvHeads: null, precision: null, recipe: null, heldOutLoss: null });
    const again = await registerZooModels(tdb.db);
    expect(again.models.find((m) => m.name === name)?.model).toMatchObject({ nHeads: 4, nKvHeads: 4, precision: "f32", recipe: name });
    expect((await getModel(tdb.db, name))?.heldOutLoss).toBeCloseTo(2.117, 6);
  });
});

describe.skipIf(!hasStoriesFixtures())("registerDemoModel facts", () => {
  it("stories260K: heads, precision, recipe and its held-out loss on the zoo's held-out text", async () => {
    const result = await registerDemoModel(tdb.db);
    expect(result.model).toMatchObject({ name: "stories260K", nHeads: 8, nKvHeads: 4, precision: "f32", recipe: "stories260K", source: STORIES_GGUF });
    expect(result.model?.heldOutLoss).toBeCloseTo(1.217, 6);
  });
});

describe("precision: the storage type of most 2-D weight parameters", () => {
  it("reads f16 and q8_0 GGUF files and bf16 safetensors as such (norms stay f32 in them)", async () => {
    const f16 = writeRandomCheckpoint(path.join(tmp.dir, "f16"), "llama", { ggufType: "F16", hfDtype: "BF16" });
    const q8 = writeRandomCheckpoint(path.join(tmp.dir, "q8"), "gpt2", { ggufType: "Q8_0" });
    expect((await inspectModel(f16.ggufPath)).precision).toBe("f16");
    expect((await inspectModel(f16.hfDir)).precision).toBe("bf16");
    expect((await inspectModel(q8.ggufPath)).precision).toBe("q8_0");
    expect((await inspectModel(q8.hfDir)).precision).toBe("f32");
    const row = await addModel(tdb.db, { source: q8.ggufPath, name: "q8" });
    expect(row).toMatchObject({ precision: "q8_0", nHeads: 4, nKvHeads: 4, recipe: null, heldOutLoss: null });
  });

  it("ignores 1-D tensors, needs a strict majority, and calls a majority of another type mixed", () => {
    const m = (type: string, ...shape: number[]) => ({ type, shape });
    expect(weightPrecision([m("Q8_0", 64, 64), m("F32", 64), m("F32", 64), m("F32", 1000)])).toBe("q8_0");
    expect(weightPrecision([m("F16", 64, 64), m("F32", 64, 63)])).toBe("f16");
    expect(weightPrecision([m("F16", 64, 64), m("F32", 64, 64)])).toBe("mixed");
    expect(weightPrecision([m("Q4_K", 256, 64), m("F32", 64, 64)])).toBe("mixed");
    expect(weightPrecision([m("BF16", 8, 8, 2)])).toBe("bf16");
    expect(weightPrecision([m("F32", 64)])).toBe("mixed");
  });
});
