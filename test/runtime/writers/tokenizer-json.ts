/**
 * tokenizer.json builders for test checkpoints: byte-level BPE (GPT-2 / Qwen style) and the
 * SentencePiece-BPE layout Hugging Face uses for Llama (Prepend "▁" + Replace " " -> "▁", byte
 * fallback, merges derived from piece scores).
 */
import type { PretokenizerKind } from "../../../workers/runtime/tokenizers/pretokenize";

const ADDED = { single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };

/** Oniguruma patterns as they appear in real tokenizer.json files. */
const SPLIT_PATTERNS: Partial<Record<PretokenizerKind, string>> = {
  qwen2: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  llama3: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
};

export interface ByteLevelVocab {
  tokens: string[];
  merges: string[];
  eosId: number;
}

export function byteLevelBpeTokenizerJson(vocab: ByteLevelVocab, pre: PretokenizerKind = "gpt2"): Record<string, unknown> {
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
  const pattern = SPLIT_PATTERNS[pre];
  const preTokenizer = pattern
    ? { type: "Sequence", pretokenizers: [{ type: "Split", pattern: { Regex: pattern }, behavior: "Isolated", invert: false }, { ...byteLevel, use_regex: false }] }
    : pre === "smollm"
      ? { type: "Sequence", pretokenizers: [{ type: "Digits", individual_digits: true }, byteLevel] }
      : byteLevel;
  const eos = vocab.tokens[vocab.eosId] ?? "";
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [{ id: vocab.eosId, content: eos, ...ADDED }],
    normalizer: null,
    pre_tokenizer: preTokenizer,
    post_processor: { type: "ByteLevel", add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: "", end_of_word_suffix: "", fuse_unk: false,
      byte_fallback: false, ignore_merges: false,
      vocab: Object.fromEntries(vocab.tokens.map((t, i) => [t, i])),
      merges: vocab.merges.map((m) => m.split(" ")),
    },
  };
}

export interface SpmVocab {
  tokens: string[];
  scores: number[];
  /** GGUF token types: 1 normal, 2 unknown, 3 control, 6 byte. */
  types: number[];
  bosId: number;
  eosId: number;
  unkId: number;
}

/**
 * Merges for a SentencePiece BPE vocabulary: every pair of normal pieces whose concatenation is a
 * piece, ranked by that piece's score (higher first), as transformers' SentencePieceExtractor does.
 */
export function spmMerges(vocab: SpmVocab): Array<[string, string]> {
  const normal = new Map<string, number>();
  vocab.tokens.forEach((t, i) => { if (vocab.types[i] === 1) normal.set(t, i); });
  const merges: Array<{ pair: [string, string]; score: number; id: number; left: number }> = [];
  for (const [piece, id] of normal) {
    const chars = Array.from(piece);
    for (let k = 1; k < chars.length; k++) {
      const left = chars.slice(0, k).join("");
      const right = chars.slice(k).join("");
      const li = normal.get(left);
      if (li !== undefined && normal.has(right)) merges.push({ pair: [left, right], score: vocab.scores[id] ?? 0, id, left: li });
    }
  }
  merges.sort((a, b) => b.score - a.score || a.id - b.id || a.left - b.left);
  return merges.map((m) => m.pair);
}

export function spmTokenizerJson(vocab: SpmVocab): Record<string, unknown> {
  const bos = vocab.tokens[vocab.bosId] ?? "<s>";
  const special = vocab.tokens.flatMap((t, id) => (vocab.types[id] === 2 || vocab.types[id] === 3 ? [{ id, content: t, ...ADDED }] : []));
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: special,
    normalizer: {
      type: "Sequence",
      normalizers: [{ type: "Prepend", prepend: "▁" }, { type: "Replace", pattern: { String: " " }, content: "▁" }],
    },
    pre_tokenizer: null,
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
      pair: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: bos, type_id: 1 } }, { Sequence: { id: "B", type_id: 1 } }],
      special_tokens: { [bos]: { id: bos, ids: [vocab.bosId], tokens: [bos] } },
    },
    decoder: {
      type: "Sequence",
      decoders: [
        { type: "Replace", pattern: { String: "▁" }, content: " " },
        { type: "ByteFallback" },
        { type: "Fuse" },
        { type: "Strip", content: " ", start: 1, stop: 0 },
      ],
    },
    model: {
      type: "BPE", dropout: null, unk_token: vocab.tokens[vocab.unkId] ?? "<unk>", continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: true, byte_fallback: true, ignore_merges: false,
      vocab: Object.fromEntries(vocab.tokens.map((t, i) => [t, i])),
      merges: spmMerges(vocab),
    },
  };
}
