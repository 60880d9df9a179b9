import { describe, expect, it } from "vitest";
import { BYTE_TO_UNICODE } from "../../../workers/runtime/tokenizers/byte-level";
import { type GgufVocab, TOKEN_TYPE } from "../../../workers/runtime/tokenizers/gguf-vocab";
import { Gpt2BpeTokenizer } from "../../../workers/runtime/tokenizers/gpt2-bpe";
import { pretokenize } from "../../../workers/runtime/tokenizers/pretokenize";
import { expectOffsetsCover } from "./tokenizer-checks";

/** 256 byte tokens (id = byte value), 4 merged tokens, and <|endoftext|> as 260. */
function handVocab(): GgufVocab {
  const tokens = [...BYTE_TO_UNICODE, "he", "Ġt", "Ġthe", "th", "<|endoftext|>"];
  return {
    model: "gpt2", pre: "gpt-2", tokens, scores: undefined,
    types: tokens.map((_, i) => (i === 260 ? TOKEN_TYPE.control : TOKEN_TYPE.normal)),
    // Priority order: "h e" first, then "Ġ t", then "Ġt he", and "t h" last.
    merges: ["h e", "Ġ t", "Ġt he", "t h"],
    bosId: 260, eosId: 260, unkId: null, addBos: false, addSpacePrefix: undefined,
  };
}

describe("GGUF gpt2 byte-level BPE on a hand-built vocabulary", () => {
  const tok = new Gpt2BpeTokenizer(handVocab());

  it("applies merges by rank within each pre-token", () => {
    // "the" -> t,h,e: "h e" (rank 0) beats "t h" (rank 3) -> [t, he]; "t he" is no merge.
    // " the" -> Ġ,t,h,e -> [Ġ,t,he] -> [Ġt,he] -> [Ġthe].
    const enc = tok.encode("the the");
    expect(enc.ids).toEqual([116, 256, 258]);
    expect(enc.offsets).toEqual([[0, 1], [1, 3], [3, 7]]);
    expect(tok.decode(enc.ids)).toBe("the the");
  });

  it("maps multi-byte characters to byte tokens that all cover the character", () => {
    const enc = tok.encode("café");
    expect(enc.ids).toEqual([99, 97, 102, 0xc3, 0xa9]);
    expect(enc.offsets).toEqual([[0, 1], [1, 2], [2, 3], [3, 4], [3, 4]]);
    expect(tok.decode(enc.ids)).toBe("café");
  });

  it("adds BOS only on request and skips control tokens when decoding", () => {
    // Alone, "t h" (rank 3) is the only applicable merge.
    expect(tok.encode("th").ids).toEqual([259]);
    const enc = tok.encode("th", { addBos: true });
    expect(enc.ids).toEqual([260, 259]);
    expect(enc.offsets).toEqual([[0, 0], [0, 2]]);
    expect(tok.decode([260, 259, 260])).toBe("th");
  });

  it("round-trips arbitrary text with covering offsets", () => {
    for (const text of ["Hello, world!\n\n  It's 2024 — naïve 🙂 café", "a\tb", "   ", ""]) {
      const enc = tok.encode(text);
      expectOffsetsCover(text, enc);
      expect(tok.decode(enc.ids)).toBe(text);
    }
  });

  it("refuses an unknown pre-tokenizer by name", () => {
    expect(() => new Gpt2BpeTokenizer({ ...handVocab(), pre: "mystery" })).toThrow(/unsupported tokenizer.ggml.pre "mystery"/);
  });
});

describe("pre-tokenizer regexes", () => {
  const pieces = (text: string, kind: Parameters<typeof pretokenize>[1]) => pretokenize(text, kind).map((s) => text.slice(s.start, s.end));
  it("gpt2 splits contractions, words with their space, numbers and trailing spaces", () => {
    expect(pieces("I'm here  now 123!", "gpt2")).toEqual(["I", "'m", " here", " ", " now", " 123", "!"]);
  });
  it("qwen2 splits digits one by one and keeps case-insensitive contractions", () => {
    expect(pieces("IT'S 123", "qwen2")).toEqual(["IT", "'S", " ", "1", "2", "3"]);
  });
  it("llama3 groups up to three digits", () => {
    expect(pieces("12345", "llama3")).toEqual(["123", "45"]);
  });
  it("smollm isolates each digit before the gpt2 regex", () => {
    expect(pieces("ab 42", "smollm")).toEqual(["ab", " ", "4", "2"]);
  });
});
