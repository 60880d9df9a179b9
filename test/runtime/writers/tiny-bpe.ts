/**
 * A tiny byte-level BPE vocabulary (GPT-2 style) learned deterministically from a fixed corpus, so
 * test checkpoints carry a real, consistent tokenizer: 256 byte tokens, `merges` learned tokens,
 * then <|endoftext|>.
 */
import { BYTE_TO_UNICODE } from "../../../workers/runtime/tokenizers/byte-level";
import { GPT2_PRETOKENIZE } from "../../../workers/runtime/tokenizers/pretokenize";

export const TINY_CORPUS =
  "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. " +
  "One day, she saw a big red ball. The dog was happy and they played all day! Tom and Sue went to the park.";

export interface TinyBpeVocab {
  /** Byte-level pieces; the id is the index. */
  tokens: string[];
  /** "left right" merge rules in priority order. */
  merges: string[];
  eosId: number;
}

function byteLevel(word: string): string[] {
  return Array.from(new TextEncoder().encode(word), (b) => BYTE_TO_UNICODE[b] ?? "");
}

/** Learns `mergeCount` merges on TINY_CORPUS (most frequent pair, ties broken by first seen). */
export function tinyByteLevelVocab(mergeCount = 64, corpus = TINY_CORPUS): TinyBpeVocab {
  const tokens = Array.from({ length: 256 }, (_, b) => BYTE_TO_UNICODE[b] ?? "");
  const words = (corpus.match(GPT2_PRETOKENIZE) ?? []).map(byteLevel);
  const merges: string[] = [];
  for (let m = 0; m < mergeCount; m++) {
    const counts = new Map<string, number>();
    for (const w of words) for (let i = 0; i + 1 < w.length; i++) {
      const key = `${w[i]} ${w[i + 1]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestCount = 0;
    for (const [key, n] of counts) if (n > bestCount) { best = key; bestCount = n; }
    if (!best) break;
    const [a = "", b = ""] = best.split(" ");
    merges.push(best);
    tokens.push(a + b);
    for (const w of words) {
      for (let i = 0; i + 1 < w.length; i++) {
        if (w[i] === a && w[i + 1] === b) w.splice(i, 2, a + b);
      }
    }
  }
  tokens.push("<|endoftext|>");
  return { tokens, merges, eosId: tokens.length - 1 };
}
