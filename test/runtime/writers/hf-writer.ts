/**
 * Writes a Hugging Face model directory for tests: config.json, model.safetensors (or shards with
 * model.safetensors.index.json), and optionally tokenizer.json / tokenizer_config.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type SafetensorsDtype, writeSafetensors } from "./safetensors-writer";

export interface HfTensor {
  /** HF name, e.g. model.layers.0.self_attn.q_proj.weight. */
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface HfWriteOptions {
  config: Record<string, unknown>;
  tensors: HfTensor[];
  dtype?: SafetensorsDtype;
  /** Split into this many shard files (with an index) instead of one model.safetensors. */
  shards?: number;
  tokenizer?: unknown;
  tokenizerConfig?: Record<string, unknown>;
}

export function shardName(i: number, n: number): string {
  return `model-${String(i + 1).padStart(5, "0")}-of-${String(n).padStart(5, "0")}.safetensors`;
}

export function writeHfModel(dir: string, options: HfWriteOptions): void {
  mkdirSync(dir, { recursive: true });
  const dtype = options.dtype ?? "F32";
  writeFileSync(path.join(dir, "config.json"), `${JSON.stringify(options.config, null, 2)}\n`);
  const shards = options.shards ?? 1;
  if (shards <= 1) {
    writeSafetensors(path.join(dir, "model.safetensors"), options.tensors.map((t) => ({ ...t, dtype })), { metadata: { format: "pt" } });
  } else {
    const weightMap: Record<string, string> = {};
    const perShard = Math.ceil(options.tensors.length / shards);
    for (let s = 0; s < shards; s++) {
      const part = options.tensors.slice(s * perShard, (s + 1) * perShard);
      const file = shardName(s, shards);
      for (const t of part) weightMap[t.name] = file;
      writeSafetensors(path.join(dir, file), part.map((t) => ({ ...t, dtype })), { metadata: { format: "pt" } });
    }
    const totalSize = options.tensors.reduce((a, t) => a + t.data.length * (dtype === "F32" ? 4 : 2), 0);
    writeFileSync(path.join(dir, "model.safetensors.index.json"), `${JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2)}\n`);
  }
  if (options.tokenizer !== undefined) writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify(options.tokenizer));
  if (options.tokenizerConfig) writeFileSync(path.join(dir, "tokenizer_config.json"), `${JSON.stringify(options.tokenizerConfig, null, 2)}\n`);
}
