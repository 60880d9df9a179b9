/**
 * Precision variants of a registered model (real PostgreSQL, real onnxruntime): stories260K converted
 * to f16 and q8_0, the files' tensor types and metadata as the GGUF reader sees them, the values
 * within the formats' error bounds of the f32 weights, the variants' logits on the golden prompt next
 * to the f32 model's, the rows (precision, base model, sha256 of the file), and every refusal leaving
 * rows and files as they were.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { models } from "../../../db/schema";
import { ModelRegistryError } from "../../../workers/models/errors";
import { addPrecisionVariant, ensurePrecisionVariant } from "../../../workers/models/precision-variant";
import { type ModelRow, addModel, getModel, listModels, removeModel } from "../../../workers/models/registry";
import { GGML_TYPE } from "../../../workers/runtime/formats/ggml-types";
import { type GgufFile, readGgufHeader, readGgufTensor } from "../../../workers/runtime/formats/gguf";
import { loadHostedModel } from "../../../workers/runtime/hosted-model";
import { type TestDatabase, createTestDatabase } from "../../setup/test-database";
import { STORIES_GGUF, readStoriesGolden } from "../fixtures";
import { tempDir } from "../formats/temp";
import { maxAbsDiff, testSessionCache } from "../graph/helpers";
import { writeGguf } from "../writers/gguf-writer";
import { ggufMetadataFor, ggufTensorsFor, randomCheckpointConfig, randomCheckpointWeights, writeRandomCheckpoint } from "../writers/random-checkpoint";

const tmp = tempDir("mechmap-precision-");
const cacheDir = path.join(tmp.dir, "cache");
const sessions = testSessionCache();
let tdb: TestDatabase;
let base: ModelRow;

beforeAll(async () => {
  tdb = await createTestDatabase();
  base = await addModel(tdb.db, { source: STORIES_GGUF, licence: "MIT" });
});
afterAll(async () => {
  await sessions.clear();
  await tdb.dispose();
  tmp.cleanup();
});

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

async function rejection(p: Promise<unknown>): Promise<ModelRegistryError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ModelRegistryError) return e;
    throw e;
  }
  throw new Error("expected a ModelRegistryError");
}

/** What a refusal must leave untouched: the rows and the cache's files. */
async function snapshot(): Promise<{ rows: string; files: string[] }> {
  const rows = (await listModels(tdb.db)).map((m) => `${m.id} ${m.name} ${m.status} ${m.updatedAt.toISOString()}`).join("\n");
  return { rows, files: existsSync(cacheDir) ? readdirSync(cacheDir).sort() : [] };
}

/** A block of 32 consecutive values' reconstruction bound for Q8_0 (see quantize.test.ts). */
function q8Bound(block: Float32Array): number {
  let amax = 0;
  for (const v of block) amax = Math.max(amax, Math.abs(v));
  const d = amax / 127;
  return d / 2 + 127 * d * 2 ** -11 + 2 ** -25; // the f16 scale's rounding; the last term covers subnormal scales
}

function metadataExcept(file: GgufFile, skip: string[]): Map<string, unknown> {
  return new Map([...file.metadata].filter(([k]) => !skip.includes(k)));
}

const fromF16Path = () => path.resolve(cacheDir, "stories260K-f16-q8.gguf");

describe("stories260K as f16 and q8_0", () => {
  let q8: Awaited<ReturnType<typeof addPrecisionVariant>>;
  let f16: Awaited<ReturnType<typeof addPrecisionVariant>>;
  beforeAll(async () => {
    q8 = await addPrecisionVariant(tdb.db, "stories260K", "q8_0", { cacheDir });
    f16 = await addPrecisionVariant(tdb.db, "stories260K", "f16", { cacheDir });
  });

  it("registers each variant ready, with its precision, base model, source and the sha256 of the written file", () => {
    for (const [v, name, precision] of [[q8, "stories260K-q8_0", "mixed"], [f16, "stories260K-f16", "f16"]] as const) {
      const file = path.join(cacheDir, `${name}.gguf`);
      expect(v.path).toBe(file);
      expect(v.row).toMatchObject({
        name, status: "ready", precision, baseModelId: base.id, source: file, localPath: file, licence: "MIT",
        architecture: "llama", parameterCount: 292_800, layers: 5, dModel: 64, vocabSize: 512, contextLength: 2048,
      });
      expect(v.row.sha256).toBe(sha256(file));
      expect(v.bytes).toBe(statSync(file).size);
    }
    const original = statSync(STORIES_GGUF).size;
    console.log(`stories260K file sizes: f32 ${original} bytes, f16 ${f16.bytes}, q8_0 ${q8.bytes}`);
    expect(f16.bytes).toBeLessThan(original * 0.55);
    expect(q8.bytes).toBeLessThan(f16.bytes * 0.7);
    // The cache holds the two variants and nothing half-written.
    expect(readdirSync(cacheDir).sort()).toEqual(["stories260K-f16.gguf", "stories260K-q8_0.gguf"]);
  });

  it("writes the tensor types llama.cpp would: matrices converted, 1-D tensors F32, FFN-down rows of 172 in F16 for q8_0", () => {
    const source = readGgufHeader(STORIES_GGUF);
    const q8File = readGgufHeader(q8.path);
    const f16File = readGgufHeader(f16.path);
    expect(q8File.tensors.map((t) => [t.name, t.dims])).toEqual(source.tensors.map((t) => [t.name, t.dims]));
    expect(f16File.tensors.map((t) => [t.name, t.dims])).toEqual(source.tensors.map((t) => [t.name, t.dims]));
    const counts = { q8: new Map<number, number>(), f16: new Map<number, number>() };
    source.tensors.forEach((t, i) => {
      const matrix = t.dims.length === 2;
      const q8Type = q8File.tensors[i]?.type ?? -1;
      const f16Type = f16File.tensors[i]?.type ?? -1;
      expect(q8Type, t.name).toBe(!matrix ? GGML_TYPE.F32 : t.dims[0] === 172 ? GGML_TYPE.F16 : GGML_TYPE.Q8_0);
      expect(f16Type, t.name).toBe(matrix ? GGML_TYPE.F16 : GGML_TYPE.F32);
      counts.q8.set(q8Type, (counts.q8.get(q8Type) ?? 0) + 1);
      counts.f16.set(f16Type, (counts.f16.get(f16Type) ?? 0) + 1);
    });
    // token_embd, output and 6 matrices × 5 blocks; 5 ffn_down; output_norm and 2 norms × 5 blocks.
    expect(Object.fromEntries(counts.q8)).toEqual({ [GGML_TYPE.Q8_0]: 32, [GGML_TYPE.F16]: 5, [GGML_TYPE.F32]: 11 });
    expect(Object.fromEntries(counts.f16)).toEqual({ [GGML_TYPE.F16]: 37, [GGML_TYPE.F32]: 11 });
    expect(q8.tensors.filter((t) => t.fallback).map((t) => t.name)).toEqual([0, 1, 2, 3, 4].map((b) => `blk.${b}.ffn_down.weight`));
  });

  it("keeps every metadata key (tokenizer included) and sets general.file_type as llama.cpp does", () => {
    const source = readGgufHeader(STORIES_GGUF);
    const skip = ["general.file_type", "general.quantization_version"];
    for (const [v, fileType] of [[q8, 7], [f16, 1]] as const) {
      const file = readGgufHeader(v.path);
      expect(file.version).toBe(3);
      expect(metadataExcept(file, skip)).toEqual(metadataExcept(source, skip));
      expect(file.metadata.get("general.file_type")).toEqual({ type: "u32", value: fileType });
      expect(file.metadata.get("general.quantization_version")).toEqual({ type: "u32", value: 2 });
    }
  });

  it("holds the f32 weights within each format's error bound (F32 tensors bit for bit)", () => {
    const source = readGgufHeader(STORIES_GGUF);
    for (const v of [q8, f16]) {
      const file = readGgufHeader(v.path);
      source.tensors.forEach((info, i) => {
        const out = file.tensors[i];
        if (!out) throw new Error(`missing ${info.name}`);
        const x = readGgufTensor(source, info);
        const y = readGgufTensor(file, out);
        let worst = 0;
        for (let j = 0; j < x.length; j++) {
          const xv = x[j] ?? 0;
          const err = Math.abs(xv - (y[j] ?? 0));
          // F16: half a unit in the last of 11 significant bits (or of the smallest subnormal).
          const bound = out.type === GGML_TYPE.Q8_0 ? q8Bound(x.subarray(j - (j % 32), j - (j % 32) + 32))
            : out.type === GGML_TYPE.F16 ? Math.max(Math.abs(xv) * 2 ** -11, 2 ** -25)
            : 0;
          worst = Math.max(worst, err - bound);
        }
        expect(worst, `${v.row.name} ${info.name}`).toBeLessThanOrEqual(0);
      });
    }
  });

  it("loads through loadHostedModel and gives logits close to the f32 model's on the golden prompt", async () => {
    const golden = readStoriesGolden();
    const n = Math.max(...golden.residual.keys()) + 1;
    const inputIds = [golden.sequence.slice(0, n)];
    const logits = async (file: string) => {
      const model = await loadHostedModel(file, { cacheDir: path.join(tmp.dir, "graphs"), sessionCache: sessions });
      expect(model.tokenizer.encode(golden.prompt, { addBos: true }).ids).toEqual(golden.promptIds);
      const out = (await model.forward({ inputIds, taps: [], logits: true })).logits?.[0];
      if (!out) throw new Error("no logits");
      return out;
    };
    const f32 = await logits(STORIES_GGUF);
    const f16Diff = maxAbsDiff(await logits(f16.path), f32);
    const q8Diff = maxAbsDiff(await logits(q8.path), f32);
    console.log(`stories260K logits on the golden prompt (${n} positions × 512): max |Δ| vs f32: f16 ${f16Diff}, q8_0 ${q8Diff}`);
    // Logits reach ±20: f16 weights (relative error 2^-11) move them by ~1e-2, q8_0 by ~1e-1.
    expect(f16Diff).toBeGreaterThan(0);
    expect(f16Diff).toBeLessThan(0.05);
    expect(q8Diff).toBeGreaterThan(f16Diff);
    expect(q8Diff).toBeLessThan(0.5);
  });

  it("converts an f16 variant further to q8_0 (never back up), recording that variant as the base", async () => {
    const fromF16 = await addPrecisionVariant(tdb.db, "stories260K-f16", "q8_0", { cacheDir, name: "stories260K-f16-q8" });
    expect(fromF16.row).toMatchObject({ status: "ready", precision: "mixed", baseModelId: f16.row.id });
    const file = readGgufHeader(fromF16.path);
    const f16File = readGgufHeader(f16.path);
    // The F16 fallback tensors are copied as they were.
    const down = file.tensors.find((t) => t.name === "blk.2.ffn_down.weight");
    const downF16 = f16File.tensors.find((t) => t.name === "blk.2.ffn_down.weight");
    if (!down || !downF16) throw new Error("missing ffn_down");
    expect(down.type).toBe(GGML_TYPE.F16);
    expect(readGgufTensor(file, down)).toEqual(readGgufTensor(f16File, downF16));
  });

  it("removing a variant deletes the file it wrote into the cache, never the base's own file", async () => {
    expect(existsSync(fromF16Path())).toBe(true);
    const removed = await removeModel(tdb.db, "stories260K-f16-q8", { cacheDir });
    expect(removed.deletedFiles).toEqual([fromF16Path()]);
    expect(existsSync(fromF16Path())).toBe(false);
    expect(existsSync(STORIES_GGUF)).toBe(true);
    expect(await getModel(tdb.db, "stories260K-f16-q8")).toBeNull();
  });

  it("refuses, changing nothing: unknown precision, bad name, missing base, base not ready, no lower precision, name taken", async () => {
    const before = await snapshot();
    const cases: Array<[() => Promise<unknown>, string, RegExp]> = [
      [() => addPrecisionVariant(tdb.db, "stories260K", "q4_0", { cacheDir }), "BAD_REQUEST", /^Unknown precision "q4_0"; use f16 or q8_0\.$/],
      [() => addPrecisionVariant(tdb.db, "stories260K", "F16", { cacheDir }), "BAD_REQUEST", /Unknown precision "F16"/],
      [() => addPrecisionVariant(tdb.db, "stories260K", "q8_0", { cacheDir, name: "-bad name" }), "BAD_REQUEST", /letters, digits/],
      [() => addPrecisionVariant(tdb.db, "no-such-model", "q8_0", { cacheDir }), "NOT_FOUND", /^No model named no-such-model\.$/],
      [() => addPrecisionVariant(tdb.db, "stories260K-f16", "f16", { cacheDir, name: "again" }), "BAD_REQUEST", /stories260K-f16 already stores weights at f16 or lower \(token_embd\.weight is F16\)/],
      [() => addPrecisionVariant(tdb.db, "stories260K-q8_0", "f16", { cacheDir }), "BAD_REQUEST", /already stores weights at f16 or lower \(token_embd\.weight is Q8_0\)/],
      [() => addPrecisionVariant(tdb.db, "stories260K-q8_0", "q8_0", { cacheDir, name: "again" }), "BAD_REQUEST", /already stores weights at q8_0 or lower/],
      [() => addPrecisionVariant(tdb.db, "stories260K", "q8_0", { cacheDir }), "CONFLICT", /^A model named stories260K-q8_0 already exists \(status ready\)/],
      [() => addPrecisionVariant(tdb.db, "stories260K", "f16", { cacheDir, name: "stories260K" }), "CONFLICT", /A model named stories260K already exists/],
    ];
    for (const [attempt, code, message] of cases) {
      const e = await rejection(attempt());
      expect(e.code, e.message).toBe(code);
      expect(e.message).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);

    // A base that is not ready (its add failed, or is still downloading).
    for (const status of ["failed", "downloading"] as const) {
      await tdb.db.insert(models).values({ name: `half-${status}`, source: STORIES_GGUF, status, statusReason: status === "failed" ? "it broke" : null });
      const state = await snapshot();
      const e = await rejection(addPrecisionVariant(tdb.db, `half-${status}`, "q8_0", { cacheDir }));
      expect(e.code).toBe("BAD_REQUEST");
      expect(e.message).toBe(`half-${status} is not ready (status ${status}); a precision variant is made from a ready model.`);
      expect(await snapshot()).toEqual(state);
      await tdb.db.delete(models).where(eq(models.name, `half-${status}`));
    }
  });

  it("refuses a Hugging Face directory base with a way forward", async () => {
    const checkpoint = writeRandomCheckpoint(path.join(tmp.dir, "hf"), "llama");
    await addModel(tdb.db, { source: checkpoint.hfDir, name: "hf-llama" });
    const before = await snapshot();
    const e = await rejection(addPrecisionVariant(tdb.db, "hf-llama", "f16", { cacheDir }));
    expect(e.code).toBe("BAD_REQUEST");
    expect(e.message).toMatch(/^hf-llama is a Hugging Face model directory; precision variants are made from GGUF files\. Convert it with llama\.cpp's convert_hf_to_gguf\.py/);
    expect(await snapshot()).toEqual(before);
  });

  it("a failure while converting leaves no file and no row (a weight beyond the f16 range)", async () => {
    const weights = randomCheckpointWeights(randomCheckpointConfig("llama"));
    const tensors = ggufTensorsFor(weights);
    const last = tensors.filter((t) => t.shape.length === 2).at(-1);
    if (!last || !("data" in last)) throw new Error("no matrix");
    last.data[3] = 1e6; // finite, so the base registers; beyond ±65504, so f16 cannot hold it
    const file = path.join(tmp.dir, "big-weight.gguf");
    writeGguf(file, { metadata: ggufMetadataFor(weights.config), tensors });
    await addModel(tdb.db, { source: file, name: "big-weight" });
    const before = await snapshot();
    const e = await rejection(addPrecisionVariant(tdb.db, "big-weight", "f16", { cacheDir }));
    expect(e.code).toBe("FAILED");
    expect(e.message).toBe(`Cannot convert ${last.name} to f16: its weight 1000000 is beyond the f16 range (±65504).`);
    // The tensors before it had been written to a temporary file: it is gone too.
    expect(await snapshot()).toEqual(before);
    expect(await getModel(tdb.db, "big-weight-f16")).toBeNull();
    // q8_0 holds it (its block scale 1e6 / 127 fits f16).
    const ok = await addPrecisionVariant(tdb.db, "big-weight", "q8_0", { cacheDir });
    expect(ok.row.status).toBe("ready");
  });

  it("ensurePrecisionVariant leaves a ready variant alone, remakes a failed one and makes a missing one", async () => {
    const before = await getModel(tdb.db, "stories260K-q8_0");
    const mtime = statSync(q8.path).mtimeMs;
    const same = await ensurePrecisionVariant(tdb.db, "stories260K", "q8_0", { cacheDir });
    expect(same).toEqual(before);
    expect(statSync(q8.path).mtimeMs).toBe(mtime);

    await tdb.db.update(models).set({ status: "failed", statusReason: "pretend it broke" }).where(eq(models.name, "stories260K-f16"));
    const remade = await ensurePrecisionVariant(tdb.db, "stories260K", "f16", { cacheDir });
    expect(remade).toMatchObject({ id: f16.row.id, status: "ready", statusReason: null, precision: "f16", baseModelId: base.id, sha256: f16.row.sha256 });

    // A missing one is made under the default name, then found.
    const made = await ensurePrecisionVariant(tdb.db, "stories260K-f16", "q8_0", { cacheDir });
    expect(made).toMatchObject({ name: "stories260K-f16-q8_0", status: "ready", precision: "mixed" });
    expect(await ensurePrecisionVariant(tdb.db, "stories260K-f16", "q8_0", { cacheDir })).toEqual(made);
  });
});
