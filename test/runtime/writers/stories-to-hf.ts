/**
 * Converts stories260K.gguf (or any GGUF llama with a SentencePiece vocabulary) into a Hugging Face
 * LlamaForCausalLM directory: config.json, model.safetensors with q/k permuted from adjacent pairs to
 * rotate-half (the inverse of llama.cpp's permute), and a tokenizer.json with the same vocabulary.
 *   npx tsx test/runtime/writers/stories-to-hf.ts <out-dir> [<file.gguf>]
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { readGgufHeader } from "../../../workers/runtime/formats/gguf";
import { metaNumber, metaOptionalNumberArray, metaStringArray } from "../../../workers/runtime/formats/gguf-metadata";
import { loadGgufWeights } from "../../../workers/runtime/formats/gguf-model";
import type { ModelWeights } from "../../../workers/runtime/types";
import { STORIES_GGUF } from "../fixtures";
import { canonicalToHfTensors, hfConfigJson } from "./canonical-to-hf";
import type { SafetensorsDtype } from "./safetensors-writer";
import { writeHfModel } from "./hf-writer";
import { type SpmVocab, spmTokenizerJson } from "./tokenizer-json";

export function spmVocabFromGguf(ggufPath: string): SpmVocab {
  const f = readGgufHeader(ggufPath);
  const tokens = metaStringArray(f, "tokenizer.ggml.tokens");
  return {
    tokens,
    scores: metaOptionalNumberArray(f, "tokenizer.ggml.scores") ?? tokens.map(() => 0),
    types: metaOptionalNumberArray(f, "tokenizer.ggml.token_type") ?? tokens.map(() => 1),
    bosId: metaNumber(f, "tokenizer.ggml.bos_token_id"),
    eosId: metaNumber(f, "tokenizer.ggml.eos_token_id"),
    unkId: metaNumber(f, "tokenizer.ggml.unknown_token_id"),
  };
}

/** Writes the HF directory and returns the GGUF weights it was made from (adjacent-pairs layout). */
export async function convertStoriesToHf(outDir: string, options: { gguf?: string; dtype?: SafetensorsDtype; shards?: number } = {}): Promise<ModelWeights> {
  const gguf = options.gguf ?? STORIES_GGUF;
  const weights = await loadGgufWeights(gguf);
  const vocab = spmVocabFromGguf(gguf);
  writeHfModel(outDir, {
    config: hfConfigJson(weights.config, { bos: vocab.bosId, eos: vocab.eosId }),
    tensors: canonicalToHfTensors(weights),
    dtype: options.dtype,
    shards: options.shards,
    tokenizer: spmTokenizerJson(vocab),
    tokenizerConfig: {
      add_bos_token: true, add_eos_token: false, bos_token: vocab.tokens[vocab.bosId], eos_token: vocab.tokens[vocab.eosId],
      unk_token: vocab.tokens[vocab.unkId], legacy: true, tokenizer_class: "LlamaTokenizer",
    },
  });
  return weights;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const out = process.argv[2];
  if (!out) {
    console.error("usage: npx tsx test/runtime/writers/stories-to-hf.ts <out-dir> [<file.gguf>]");
    process.exit(2);
  }
  await convertStoriesToHf(out, { gguf: process.argv[3] });
  console.log(`wrote ${out}`);
}
