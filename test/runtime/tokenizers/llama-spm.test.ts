import { describe, expect, it } from "vitest";
import { readGgufHeader } from "../../../workers/runtime/formats/gguf";
import { LlamaSpmTokenizer } from "../../../workers/runtime/tokenizers/llama-spm";
import { ggufTokenizer } from "../../../workers/runtime/tokenizers/load-tokenizer";
import { STORIES_GGUF, readStoriesGolden } from "../fixtures";
import { expectOffsetsCover } from "./tokenizer-checks";

const golden = readStoriesGolden();
const tok = ggufTokenizer(readGgufHeader(STORIES_GGUF));

describe("GGUF llama (SentencePiece BPE) tokenizer on stories260K", () => {
  it("is the SentencePiece tokenizer with the file's vocabulary and special ids", () => {
    expect(tok).toBeInstanceOf(LlamaSpmTokenizer);
    expect(tok.vocabSize).toBe(512);
    expect(tok.bosId).toBe(1);
    expect(tok.eosId).toBe(2);
    expect(tok.piece(1)).toBe("<s>");
    expect(tok.piece(3)).toBe("<0x00>");
  });

  for (const c of golden.tokenizerCases) {
    it(`encodes ${JSON.stringify(c.text)} to the golden ids, with covering offsets, and decodes back`, () => {
      const enc = tok.encode(c.text);
      expect(enc.ids).toEqual(c.ids);
      expect(enc.offsets[0]).toEqual([0, 0]); // BOS
      expectOffsetsCover(c.text, enc);
      expect(tok.decode(enc.ids)).toBe(c.text);
    });
  }

  it("gives the golden prompt ids", () => {
    expect(tok.encode(golden.prompt).ids).toEqual(golden.promptIds);
  });

  it("maps offsets to the words they cover", () => {
    const text = "Once upon a time";
    const { offsets } = tok.encode(text);
    expect(offsets.slice(1).map(([s, e]) => text.slice(s, e))).toEqual(["Once", " upon", " a", " time"]);
  });

  it("falls back to bytes for characters outside the vocabulary, each byte covering the character", () => {
    const enc = tok.encode("☕", { addBos: false });
    // "▁" then the three UTF-8 bytes E2 98 95 as <0xNN> pieces (byte b has id b + 3).
    expect(enc.ids).toEqual([410, 0xe2 + 3, 0x98 + 3, 0x95 + 3]);
    expect(enc.offsets).toEqual([[0, 0], [0, 1], [0, 1], [0, 1]]);
    expect(tok.decode(enc.ids)).toBe("☕");
  });

  it("omits BOS on request and encodes the empty string to nothing", () => {
    expect(tok.encode("Lily was happy.", { addBos: false }).ids).toEqual([317, 286, 393, 426]);
    expect(tok.encode("", { addBos: false })).toEqual({ ids: [], offsets: [] });
    expect(tok.encode("").ids).toEqual([1]);
  });
});
