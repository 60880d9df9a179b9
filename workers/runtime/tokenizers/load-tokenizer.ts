/** The tokenizer of a model: from a GGUF file's tokenizer.ggml.* metadata, or an HF directory's tokenizer.json. */
import { ModelFormatError } from "../formats/errors";
import { type GgufFile, readGgufHeader } from "../formats/gguf";
import { readHfConfig } from "../formats/hf-config";
import { weightsFormat } from "../load-weights";
import type { Tokenizer } from "../types";
import { readGgufVocab } from "./gguf-vocab";
import { Gpt2BpeTokenizer } from "./gpt2-bpe";
import { HfTokenizer } from "./hf-tokenizer";
import { LlamaSpmTokenizer } from "./llama-spm";

export function ggufTokenizer(file: GgufFile): Tokenizer {
  const vocab = readGgufVocab(file);
  if (vocab.model === "llama") return new LlamaSpmTokenizer(vocab);
  if (vocab.model === "gpt2") return new Gpt2BpeTokenizer(vocab);
  throw new ModelFormatError(`unsupported tokenizer.ggml.model "${vocab.model}"; supported: llama, gpt2`);
}

/** Picks the tokenizer for a .gguf file or an HF directory (BOS/EOS from config.json there). */
export function loadTokenizer(modelPath: string): Tokenizer {
  if (weightsFormat(modelPath) === "gguf") return ggufTokenizer(readGgufHeader(modelPath));
  const { bosTokenId, eosTokenId } = readHfConfig(modelPath);
  return HfTokenizer.fromDirectory(modelPath, { bosId: bosTokenId, eosId: eosTokenId });
}
