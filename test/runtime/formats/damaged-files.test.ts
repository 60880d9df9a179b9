/**
 * Weights that parse but cannot be right: NaN/Infinity values in any stored type (F32, F16, BF16, and
 * a Q8_0 block scale of inf/NaN) are refused by the loaders and by inspection, naming the tensor.
 * Paths that are not regular files (FIFO, device) are refused on stat, without being opened.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DamagedWeightsError, ModelFormatError } from "../../../workers/runtime/formats/errors";
import { inspectModel } from "../../../workers/runtime/formats/inspect";
import { loadModelWeights, weightsFormat } from "../../../workers/runtime/load-weights";
import { encodeQ8_0 } from "../writers/encode";
import { type WritableTensor, writeGguf } from "../writers/gguf-writer";
import { ggufMetadataFor, ggufTensorsFor, randomCheckpointConfig, randomCheckpointWeights, writeCheckpointHf } from "../writers/random-checkpoint";
import { tempDir } from "./temp";

const tmp = tempDir("mechmap-damaged-");
afterAll(tmp.cleanup);

async function refusal(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Error) return e;
  }
  throw new Error("expected a refusal");
}

/** A llama checkpoint whose blk.0.attn_q.weight is replaced by `q` (shape [32, 32]). */
function ggufWithQ(name: string, q: WritableTensor): string {
  const weights = randomCheckpointWeights(randomCheckpointConfig("llama"));
  const tensors = ggufTensorsFor(weights).map((t) => (t.name === "blk.0.attn_q.weight" ? q : t));
  const file = path.join(tmp.dir, name);
  writeGguf(file, { metadata: ggufMetadataFor(weights.config), tensors });
  return file;
}

function qData(poison: Array<[number, number]>): Float32Array {
  const data = new Float32Array(32 * 32).map((_, i) => Math.sin(i) / 10);
  for (const [i, v] of poison) data[i] = v;
  return data;
}

describe("non-finite weights are refused with the tensor's name", () => {
  it("F32 NaN and Infinity, counted (loader and inspection)", async () => {
    const file = ggufWithQ("f32-nan.gguf", { name: "blk.0.attn_q.weight", shape: [32, 32], type: "F32", data: qData([[3, Number.NaN], [40, Infinity], [41, -Infinity]]) });
    const message = "f32-nan.gguf: blk.0.attn_q.weight has 3 non-finite values (NaN or Infinity); the file is damaged";
    const loaded = await refusal(loadModelWeights(file));
    expect(loaded).toBeInstanceOf(DamagedWeightsError);
    expect(loaded.message).toBe(message);
    expect((await refusal(inspectModel(file))).message).toBe(message);
  });

  it("F16 infinity (a value too large for half precision)", async () => {
    const file = ggufWithQ("f16-inf.gguf", { name: "blk.0.attn_q.weight", shape: [32, 32], type: "F16", data: qData([[7, 1e6]]) });
    expect((await refusal(loadModelWeights(file))).message).toBe("f16-inf.gguf: blk.0.attn_q.weight has 1 non-finite value (NaN or Infinity); the file is damaged");
  });

  it("Q8_0 with an infinite and a NaN block scale", async () => {
    const raw = encodeQ8_0(qData([]));
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    dv.setUint16(0, 0x7c00, true); // block 0: scale +inf (32 values: inf, or NaN where q = 0)
    dv.setUint16(34 * 5, 0x7e00, true); // block 5: scale NaN
    const file = ggufWithQ("q8-scale.gguf", { name: "blk.0.attn_q.weight", shape: [32, 32], ggmlTypeId: 8, raw });
    expect((await refusal(loadModelWeights(file))).message).toBe("q8-scale.gguf: blk.0.attn_q.weight has 64 non-finite values (NaN or Infinity); the file is damaged");
    expect((await refusal(inspectModel(file))).message).toMatch(/blk\.0\.attn_q\.weight has 64 non-finite values/);
  });

  it("BF16 NaN in a Hugging Face directory, named by its HF tensor", async () => {
    const weights = randomCheckpointWeights(randomCheckpointConfig("qwen3"));
    const t = weights.tensors.get("blk.1.ffn_down.weight");
    if (!t) throw new Error("missing tensor");
    t.data[5] = Number.NaN;
    const dir = path.join(tmp.dir, "bf16-hf");
    writeCheckpointHf(weights, dir, { dtype: "BF16" });
    const e = await refusal(loadModelWeights(dir));
    expect(e).toBeInstanceOf(DamagedWeightsError);
    expect(e.message).toBe("bf16-hf: model.layers.1.mlp.down_proj.weight (blk.1.ffn_down.weight) has 1 non-finite value (NaN or Infinity); the file is damaged");
    expect((await refusal(inspectModel(dir))).message).toBe(e.message);
  });

  it("a clean checkpoint still loads", async () => {
    const file = ggufWithQ("clean.gguf", { name: "blk.0.attn_q.weight", shape: [32, 32], type: "Q8_0", data: qData([]) });
    expect((await loadModelWeights(file)).tensors.size).toBeGreaterThan(0);
  });
});

describe("special files are refused on stat, never opened", () => {
  it("a FIFO named .gguf, a FIFO inside a model directory, a character device", { timeout: 30_000 }, async () => {
    const fifo = path.join(tmp.dir, "pipe.gguf");
    execFileSync("mkfifo", [fifo]);
    // Opening a FIFO for reading blocks until a writer appears: a refusal here proves it was not opened.
    expect(() => weightsFormat(fifo)).toThrow(new ModelFormatError(`${fifo} is a named pipe (FIFO), not a model file; give a .gguf file or a Hugging Face model directory`));
    expect((await refusal(loadModelWeights(fifo))).message).toMatch(/is a named pipe \(FIFO\)/);
    expect((await refusal(inspectModel(fifo))).message).toMatch(/is a named pipe \(FIFO\)/);

    const dir = path.join(tmp.dir, "dir-with-fifo");
    writeCheckpointHf(randomCheckpointWeights(randomCheckpointConfig("qwen3")), dir);
    execFileSync("mkfifo", [path.join(dir, "special_tokens_map.json")]);
    expect(() => weightsFormat(dir)).toThrow(`${path.join(dir, "special_tokens_map.json")} is a named pipe (FIFO); a model directory may hold only regular files`);

    expect(() => weightsFormat("/dev/null")).toThrow("/dev/null is a character device, not a model file");
  });

  it("a directory without a model", () => {
    const empty = path.join(tmp.dir, "empty");
    mkdirSync(empty);
    expect(() => weightsFormat(empty)).toThrow(`${empty}: no config.json (not a Hugging Face model directory)`);
    writeFileSync(path.join(empty, "config.json"), "{}");
    expect(() => weightsFormat(empty)).toThrow(`${empty}: no model.safetensors or model.safetensors.index.json (only safetensors weights are read)`);
  });
});
