import { afterAll, describe, expect, it } from "vitest";
import { Gpt2BpeTokenizer } from "../../../workers/runtime/tokenizers/gpt2-bpe";
import { HfTokenizer } from "../../../workers/runtime/tokenizers/hf-tokenizer";
import { LlamaSpmTokenizer } from "../../../workers/runtime/tokenizers/llama-spm";
import { loadTokenizer } from "../../../workers/runtime/tokenizers/load-tokenizer";
import type { Architecture } from "../../../workers/runtime/types";
import { STORIES_GGUF, readStoriesGolden } from "../fixtures";
import { tempDir } from "../formats/temp";
import { TINY_VOCAB, writeRandomCheckpoint } from "../writers/random-checkpoint";
import { convertStoriesToHf } from "../writers/stories-to-hf";
import { expectOffsetsCover } from "./tokenizer-checks";

const tmp = tempDir("mechmap-tokenizers-");
afterAll(tmp.cleanup);

describe("tokenizer.json of the converted stories260K (SentencePiece BPE through @huggingface/tokenizers)", async () => {
  const dir = `${tmp.dir}/stories-hf`;
  await convertStoriesToHf(dir);
  const hf = loadTokenizer(dir);
  const gguf = loadTokenizer(STORIES_GGUF);
  const golden = readStoriesGolden();

  it("loads as an HfTokenizer with BOS/EOS from config.json", () => {
    expect(hf).toBeInstanceOf(HfTokenizer);
    expect(gguf).toBeInstanceOf(LlamaSpmTokenizer);
    expect([hf.vocabSize, hf.bosId, hf.eosId]).toEqual([512, 1, 2]);
    expect(hf.piece(403)).toBe(gguf.piece(403));
  });

  for (const c of golden.tokenizerCases) {
    it(`gives the golden ids for ${JSON.stringify(c.text)}, like the GGUF tokenizer`, () => {
      const enc = hf.encode(c.text);
      expect(enc.ids).toEqual(c.ids);
      expect(enc.ids).toEqual(gguf.encode(c.text).ids);
      expectOffsetsCover(c.text, enc);
      expect(hf.decode(enc.ids)).toBe(c.text);
    });
  }

  it("aligns offsets with words and leaves BOS zero-width", () => {
    const text = "Once upon a time";
    const { offsets } = hf.encode(text);
    expect(offsets[0]).toEqual([0, 0]);
    expect(offsets.slice(1).map(([s, e]) => text.slice(s, e))).toEqual(["Once", " upon", " a", " time"]);
    expect(hf.encode(text, { addBos: false }).ids).toEqual([403, 407, 261, 378]);
  });
});

describe("random checkpoints: the GGUF gpt2 tokenizer and tokenizer.json agree", () => {
  const texts = [
    "Once upon a time, there was a little girl named Lily.",
    "She said: \"I'M here!\"  12345 apples\n\nnew paragraph",
    "naïve café ☕ — 🙂",
    " leading and trailing  ",
  ];
  const archs: Array<[Architecture, string]> = [["gpt2", "gpt-2"], ["qwen3", "qwen2"], ["llama", "llama-bpe"]];
  for (const [arch, pre] of archs) {
    it(`${arch} (pre-tokenizer ${pre})`, () => {
      const ck = writeRandomCheckpoint(`${tmp.dir}/${arch}`, arch);
      const gguf = loadTokenizer(ck.ggufPath);
      const hf = loadTokenizer(ck.hfDir);
      expect(gguf).toBeInstanceOf(Gpt2BpeTokenizer);
      expect(hf).toBeInstanceOf(HfTokenizer);
      expect(hf.vocabSize).toBe(TINY_VOCAB.tokens.length);
      expect(gguf.vocabSize).toBe(TINY_VOCAB.tokens.length);
      for (const text of texts) {
        const a = gguf.encode(text);
        const b = hf.encode(text);
        expect(b.ids, text).toEqual(a.ids);
        expect(b.offsets, text).toEqual(a.offsets);
        expectOffsetsCover(text, a);
        expect(gguf.decode(a.ids)).toBe(text);
        expect(hf.decode(b.ids)).toBe(text);
      }
      // Merged tokens are really used (not just bytes).
      expect(gguf.encode(texts[0] ?? "").ids.length).toBeLessThan((texts[0] ?? "").length);
      // No BOS by default for byte-level BPE; on request it is <|endoftext|> in both.
      expect(gguf.encode("a", { addBos: true }).ids[0]).toBe(TINY_VOCAB.eosId);
      expect(hf.encode("a", { addBos: true }).ids[0]).toBe(TINY_VOCAB.eosId);
    });
  }
});
