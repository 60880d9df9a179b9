/**
 * Pre-tokenizer regexes of byte-level BPE tokenizers, keyed by GGUF `tokenizer.ggml.pre`.
 * Written for JS (no inline `(?i)`: contractions spell out both cases).
 */

export const GPT2_PRETOKENIZE = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const CONTRACTIONS = "'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]";
const LLAMA3_PRETOKENIZE = new RegExp(
  `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`,
  "gu",
);
const QWEN2_PRETOKENIZE = new RegExp(
  `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`,
  "gu",
);
const DIGIT = /\p{N}/gu;

export type PretokenizerKind = "gpt2" | "llama3" | "qwen2" | "smollm";

/** GGUF tokenizer.ggml.pre values we reproduce, and the regex family each uses. */
export const GGUF_PRE_TOKENIZERS: Readonly<Record<string, PretokenizerKind>> = {
  default: "gpt2",
  "gpt-2": "gpt2",
  gpt2: "gpt2",
  "llama-bpe": "llama3",
  llama3: "llama3",
  qwen2: "qwen2",
  smollm: "smollm",
};

export interface Span {
  start: number;
  end: number;
}

/** Splits [start, end) of text with a global regex; unmatched gaps become their own spans. */
function splitWith(text: string, re: RegExp, start: number, end: number): Span[] {
  const out: Span[] = [];
  const sub = text.slice(start, end);
  let last = 0;
  for (const m of sub.matchAll(re)) {
    const s = m.index;
    if (s > last) out.push({ start: start + last, end: start + s });
    if (m[0].length === 0) continue;
    out.push({ start: start + s, end: start + s + m[0].length });
    last = s + m[0].length;
  }
  if (last < sub.length) out.push({ start: start + last, end });
  return out;
}

/** Pre-token spans (UTF-16 index ranges) of `text`. */
export function pretokenize(text: string, kind: PretokenizerKind): Span[] {
  switch (kind) {
    case "gpt2": return splitWith(text, GPT2_PRETOKENIZE, 0, text.length);
    case "llama3": return splitWith(text, LLAMA3_PRETOKENIZE, 0, text.length);
    case "qwen2": return splitWith(text, QWEN2_PRETOKENIZE, 0, text.length);
    case "smollm":
      // Every digit is its own piece (HF Digits(individual_digits)), then GPT-2's regex on the rest.
      return splitWith(text, DIGIT, 0, text.length).flatMap((s) =>
        /^\p{N}$/u.test(text.slice(s.start, s.end)) ? [s] : splitWith(text, GPT2_PRETOKENIZE, s.start, s.end),
      );
  }
}
