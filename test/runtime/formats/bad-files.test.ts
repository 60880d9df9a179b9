import { readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ModelFormatError } from "../../../workers/runtime/formats/errors";
import { loadGgufWeights } from "../../../workers/runtime/formats/gguf-model";
import { loadHfWeights } from "../../../workers/runtime/formats/hf-model";
import { loadModelWeights } from "../../../workers/runtime/load-weights";
import type { Architecture, ModelConfig } from "../../../workers/runtime/types";
import { STORIES_GGUF } from "../fixtures";
import { canonicalToHfTensors, hfConfigJson } from "../writers/canonical-to-hf";
import { type WritableTensor, gv, writeGguf } from "../writers/gguf-writer";
import { writeHfModel } from "../writers/hf-writer";
import { ggufMetadataFor, ggufTensorsFor, randomCheckpointConfig, randomCheckpointWeights } from "../writers/random-checkpoint";
import { writeSafetensors } from "../writers/safetensors-writer";
import { tempDir } from "./temp";

const tmp = tempDir();
afterAll(tmp.cleanup);

async function refusal(load: Promise<unknown>): Promise<string> {
  try {
    await load;
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFormatError);
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error("expected the loader to refuse");
}

/** A random GGUF checkpoint with its metadata and tensor list edited before writing. */
function ggufWith(
  name: string,
  arch: Architecture,
  edit: (meta: Map<string, ReturnType<typeof gv.str>>, tensors: WritableTensor[]) => WritableTensor[] = (_m, t) => t,
  config: Partial<ModelConfig> = {},
): string {
  const weights = randomCheckpointWeights(randomCheckpointConfig(arch, config));
  const meta = new Map(ggufMetadataFor(weights.config));
  const tensors = edit(meta, ggufTensorsFor(weights));
  const file = path.join(tmp.dir, name);
  writeGguf(file, { metadata: meta, tensors });
  return file;
}

describe("GGUF files are refused with a message naming what is wrong", () => {
  const stories = readFileSync(STORIES_GGUF);

  it("truncated in the tensor data", async () => {
    const file = path.join(tmp.dir, "truncated.gguf");
    writeFileSync(file, stories.subarray(0, 700_000));
    expect(await refusal(loadGgufWeights(file))).toBe(
      "truncated GGUF file truncated.gguf: tensor blk.2.ffn_gate.weight needs bytes [689504, 733536) but the file has 700000 bytes",
    );
  });

  it("truncated in the header", async () => {
    const file = path.join(tmp.dir, "truncated-header.gguf");
    writeFileSync(file, stories.subarray(0, 3000));
    expect(await refusal(loadGgufWeights(file))).toMatch(/^truncated GGUF file truncated-header\.gguf: metadata value of tokenizer\.ggml\.tokens needs \d+ bytes at offset \d+ but the file has 3000 bytes$/);
  });

  it("wrong magic", async () => {
    const file = path.join(tmp.dir, "magic.gguf");
    writeFileSync(file, Buffer.concat([Buffer.from("GGML"), stories.subarray(4, 1000)]));
    expect(await refusal(loadGgufWeights(file))).toBe('not a GGUF file: magic.gguf starts with bytes 47474d4c, expected the magic "GGUF" (47475546)');
  });

  it("unsupported tensor type (Q4_K)", async () => {
    const file = ggufWith("q4k.gguf", "llama", (_m, tensors) =>
      tensors.map((t) => (t.name === "blk.0.attn_q.weight" ? { name: t.name, shape: t.shape, ggmlTypeId: 12, raw: new Uint8Array((256 * 256 / 256) * 144) } : t)),
      { dModel: 256, headDim: 64, dFfn: 256, nLayers: 1 });
    expect(await refusal(loadGgufWeights(file))).toBe("unsupported tensor type Q4_K (12) for blk.0.attn_q.weight; supported: F32, F16, BF16, Q8_0");
  });

  it("a tensor with the wrong shape", async () => {
    const file = ggufWith("shape.gguf", "llama", (_m, tensors) =>
      tensors.map((t) => (t.name === "blk.1.attn_k.weight" ? { name: t.name, shape: [24, 32], type: "F32", data: new Float32Array(24 * 32) } : t)));
    expect(await refusal(loadGgufWeights(file))).toBe("shape.gguf: tensor blk.1.attn_k.weight has shape [24, 32], expected [16, 32]");
  });

  it("a fused gpt2 attn_qkv with the wrong shape", async () => {
    const file = ggufWith("qkv.gguf", "gpt2", (_m, tensors) =>
      tensors.map((t) => (t.name === "blk.0.attn_qkv.weight" ? { name: t.name, shape: [64, 32], type: "F32", data: new Float32Array(64 * 32) } : t)));
    expect(await refusal(loadGgufWeights(file))).toBe("qkv.gguf: tensor blk.0.attn_qkv.weight has shape [64, 32], expected [96, 32]");
  });

  it("a missing tensor", async () => {
    const file = ggufWith("missing.gguf", "qwen3", (_m, tensors) => tensors.filter((t) => t.name !== "blk.1.ffn_down.weight"));
    expect(await refusal(loadGgufWeights(file))).toBe("missing.gguf: missing tensor blk.1.ffn_down.weight (expected shape [32, 64])");
  });

  it("an unknown architecture", async () => {
    const file = ggufWith("mamba.gguf", "llama", (meta, tensors) => {
      meta.set("general.architecture", gv.str("mamba"));
      return tensors;
    });
    expect(await refusal(loadGgufWeights(file))).toBe('unsupported architecture "mamba" in mamba.gguf; supported: llama, qwen2, qwen3, gpt2');
  });

  it("missing hyper-parameters", async () => {
    const file = ggufWith("nometa.gguf", "qwen2", (meta, tensors) => {
      meta.delete("qwen2.block_count");
      return tensors;
    });
    expect(await refusal(loadGgufWeights(file))).toBe("GGUF metadata qwen2.block_count is missing");
  });
});

describe("Hugging Face directories are refused with a message naming what is wrong", () => {
  function hfDir(name: string, arch: Architecture = "llama"): { dir: string; config: Record<string, unknown> } {
    const weights = randomCheckpointWeights(randomCheckpointConfig(arch));
    const dir = path.join(tmp.dir, name);
    rmSync(dir, { recursive: true, force: true });
    const config = hfConfigJson(weights.config);
    writeHfModel(dir, { config, tensors: canonicalToHfTensors(weights) });
    return { dir, config };
  }
  const writeConfig = (dir: string, json: unknown) => writeFileSync(path.join(dir, "config.json"), typeof json === "string" ? json : JSON.stringify(json));

  it("config.json missing a field", async () => {
    const { dir, config } = hfDir("no-hidden");
    const { hidden_size: _drop, ...rest } = config;
    writeConfig(dir, rest);
    expect(await refusal(loadHfWeights(dir))).toMatch(/^config\.json \(LlamaForCausalLM\): hidden_size: /);
  });

  it("config.json that is not JSON", async () => {
    const { dir } = hfDir("not-json");
    writeConfig(dir, "{ nope");
    expect(await refusal(loadHfWeights(dir))).toMatch(/^config\.json is not valid JSON/);
  });

  it("config.json with an unsupported architecture or option", async () => {
    const { dir, config } = hfDir("mamba-hf");
    writeConfig(dir, { ...config, architectures: ["MambaForCausalLM"] });
    expect(await refusal(loadHfWeights(dir))).toBe(
      "unsupported architecture MambaForCausalLM in config.json; supported: LlamaForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM, GPT2LMHeadModel",
    );
    writeConfig(dir, { ...config, rope_scaling: { type: "linear", factor: 2 } });
    expect(await refusal(loadHfWeights(dir))).toBe("config.json (LlamaForCausalLM): rope_scaling: RoPE scaling is not supported");
  });

  it("safetensors with data_offsets past the end", async () => {
    const { dir } = hfDir("offsets");
    writeSafetensors(path.join(dir, "model.safetensors"), [
      { name: "model.norm.weight", shape: [32], dtype: "F32", data: new Float32Array(32) },
    ], { mangleOffsets: () => [0, 4096] });
    expect(await refusal(loadHfWeights(dir))).toBe(
      "safetensors file model.safetensors: tensor model.norm.weight data_offsets [0, 4096] run past the end of the data (128 bytes; truncated file?)",
    );
  });

  it("a safetensors header that is not JSON, or longer than the file", async () => {
    const { dir } = hfDir("bad-header");
    const file = path.join(dir, "model.safetensors");
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(4n);
    writeFileSync(file, Buffer.concat([len, Buffer.from("{oops")]));
    expect(await refusal(loadHfWeights(dir))).toBe("corrupt safetensors file model.safetensors: the header is not valid JSON");
    len.writeBigUInt64LE(1000n);
    writeFileSync(file, Buffer.concat([len, Buffer.from("{}")]));
    expect(await refusal(loadHfWeights(dir))).toBe("truncated safetensors file model.safetensors: header of 1000 bytes but the file has 10 bytes");
  });

  it("a truncated safetensors file", async () => {
    const { dir } = hfDir("truncated-st");
    const file = path.join(dir, "model.safetensors");
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    expect(await refusal(loadHfWeights(dir))).toMatch(/^safetensors file model\.safetensors: tensor \S+ data_offsets \[\d+, \d+\] run past the end of the data/);
  });

  it("an unsupported dtype", async () => {
    const { dir } = hfDir("int64");
    writeSafetensors(path.join(dir, "model.safetensors"), [{ name: "model.norm.weight", shape: [32], dtype: "I64", raw: new Uint8Array(256) }]);
    expect(await refusal(loadHfWeights(dir))).toBe("unsupported dtype I64 for model.norm.weight; supported: F32, F16, BF16");
  });

  it("an HF tensor with the wrong shape (GPT-2 Conv1D, named by both names)", async () => {
    const weights = randomCheckpointWeights(randomCheckpointConfig("gpt2"));
    const dir = path.join(tmp.dir, "gpt2-shape");
    const tensors = canonicalToHfTensors(weights).map((t) =>
      t.name === "transformer.h.1.mlp.c_fc.weight" ? { ...t, shape: [64, 32] } : t);
    writeHfModel(dir, { config: hfConfigJson(weights.config), tensors });
    expect(await refusal(loadHfWeights(dir))).toBe(
      "gpt2-shape: tensor transformer.h.1.mlp.c_fc.weight (blk.1.ffn_up.weight) has shape [32, 64], expected [64, 32]",
    );
  });

  it("a tied-embedding flag that does not match the tensors (missing lm_head)", async () => {
    const weights = randomCheckpointWeights(randomCheckpointConfig("qwen3")); // tied: no output.weight
    const dir = path.join(tmp.dir, "untied");
    writeHfModel(dir, { config: { ...hfConfigJson(weights.config), tie_word_embeddings: false }, tensors: canonicalToHfTensors(weights) });
    expect(await refusal(loadHfWeights(dir))).toBe(`untied: missing tensor output.weight (expected shape [${weights.config.vocabSize}, 32])`);
  });

  it("a shard named by the index that is missing", async () => {
    const weights = randomCheckpointWeights(randomCheckpointConfig("qwen2"));
    const dir = path.join(tmp.dir, "shards");
    writeHfModel(dir, { config: hfConfigJson(weights.config), tensors: canonicalToHfTensors(weights), shards: 2 });
    rmSync(path.join(dir, "model-00002-of-00002.safetensors"));
    expect(await refusal(loadHfWeights(dir))).toBe("model.safetensors.index.json names shard model-00002-of-00002.safetensors, which is missing");
  });

  it("paths that are neither a .gguf file nor a model directory", async () => {
    const bin = path.join(tmp.dir, "pytorch_model.bin");
    writeFileSync(bin, "x");
    expect(await refusal(loadModelWeights(bin))).toBe(`${bin}: not a .gguf file or a Hugging Face model directory`);
    const empty = path.join(tmp.dir, "empty-dir");
    mkdirSync(empty, { recursive: true });
    expect(await refusal(loadModelWeights(empty))).toBe(`${empty}: no config.json (not a Hugging Face model directory)`);
    expect(await refusal(loadModelWeights(path.join(tmp.dir, "nope.gguf")))).toMatch(/^no such model file or directory: /);
  });
});
