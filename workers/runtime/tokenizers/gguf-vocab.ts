/** The vocabulary a GGUF file carries (tokenizer.ggml.*), read and checked once. */
import { ModelFormatError } from "../formats/errors";
import type { GgufFile } from "../formats/gguf";
import { metaOptionalBool, metaOptionalNumber, metaOptionalNumberArray, metaOptionalString, metaStringArray } from "../formats/gguf-metadata";

/** llama.cpp token types. */
export const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

export interface GgufVocab {
  model: string;
  pre: string | undefined;
  tokens: string[];
  scores: number[] | undefined;
  types: number[];
  merges: string[] | undefined;
  bosId: number | null;
  eosId: number | null;
  unkId: number | null;
  addBos: boolean | undefined;
  addSpacePrefix: boolean | undefined;
}

function tokenId(file: GgufFile, key: string, n: number): number | null {
  const v = metaOptionalNumber(file, key);
  // llama.cpp writes 0xFFFFFFFF (or -1) for "none".
  if (v === undefined || v < 0 || v >= n) return null;
  return v;
}

export function readGgufVocab(file: GgufFile): GgufVocab {
  const model = metaOptionalString(file, "tokenizer.ggml.model");
  if (model === undefined) throw new ModelFormatError("GGUF file has no tokenizer (tokenizer.ggml.model is missing)");
  const tokens = metaStringArray(file, "tokenizer.ggml.tokens");
  const types = metaOptionalNumberArray(file, "tokenizer.ggml.token_type") ?? tokens.map(() => TOKEN_TYPE.normal);
  const scores = metaOptionalNumberArray(file, "tokenizer.ggml.scores");
  if (types.length !== tokens.length) throw new ModelFormatError(`tokenizer.ggml.token_type has ${types.length} entries for ${tokens.length} tokens`);
  if (scores && scores.length !== tokens.length) throw new ModelFormatError(`tokenizer.ggml.scores has ${scores.length} entries for ${tokens.length} tokens`);
  const mergesValue = file.metadata.get("tokenizer.ggml.merges");
  const merges = mergesValue ? metaStringArray(file, "tokenizer.ggml.merges") : undefined;
  const n = tokens.length;
  return {
    model,
    pre: metaOptionalString(file, "tokenizer.ggml.pre"),
    tokens,
    scores,
    types,
    merges,
    bosId: tokenId(file, "tokenizer.ggml.bos_token_id", n),
    eosId: tokenId(file, "tokenizer.ggml.eos_token_id", n),
    unkId: tokenId(file, "tokenizer.ggml.unknown_token_id", n),
    addBos: metaOptionalBool(file, "tokenizer.ggml.add_bos_token"),
    addSpacePrefix: metaOptionalBool(file, "tokenizer.ggml.add_space_prefix"),
  };
}
