/**
 * GGUF `tokenizer.ggml.model = gpt2`: byte-level BPE. Text is split by the pre-tokenizer regex
 * (tokenizer.ggml.pre), each piece's UTF-8 bytes are mapped to GPT-2's printable characters, then
 * merged by rank (tokenizer.ggml.merges, first = highest priority).
 */
import { ModelFormatError } from "../formats/errors";
import type { Encoding, Tokenizer } from "../types";
import { BYTE_TO_UNICODE, UNICODE_TO_BYTE } from "./byte-level";
import type { GgufVocab } from "./gguf-vocab";
import { TOKEN_TYPE } from "./gguf-vocab";
import { MinHeap } from "./min-heap";
import { beginEncoding, byteRangeToChars, utf8Map } from "./offsets";
import { GGUF_PRE_TOKENIZERS, type PretokenizerKind, pretokenize } from "./pretokenize";

/** One BPE result: token ids with the byte range (within the word) each covers. */
type WordTokens = Array<{ id: number; start: number; end: number }>;

export class Gpt2BpeTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly bosId: number | null;
  readonly eosId: number | null;
  private readonly addBosDefault: boolean;
  private readonly ids = new Map<string, number>();
  private readonly ranks = new Map<string, number>();
  private readonly pre: PretokenizerKind;
  private readonly cache = new Map<string, WordTokens>();

  constructor(private readonly vocab: GgufVocab) {
    if (!vocab.merges) throw new ModelFormatError("gpt2 tokenizer needs tokenizer.ggml.merges");
    const pre = GGUF_PRE_TOKENIZERS[vocab.pre ?? "default"];
    if (!pre) {
      throw new ModelFormatError(`unsupported tokenizer.ggml.pre "${vocab.pre}"; supported: ${Object.keys(GGUF_PRE_TOKENIZERS).join(", ")}`);
    }
    this.pre = pre;
    this.vocabSize = vocab.tokens.length;
    this.bosId = vocab.bosId;
    this.eosId = vocab.eosId;
    this.addBosDefault = vocab.addBos ?? false;
    vocab.tokens.forEach((t, i) => { if (!this.ids.has(t)) this.ids.set(t, i); });
    vocab.merges.forEach((m, i) => { if (!this.ranks.has(m)) this.ranks.set(m, i); });
  }

  piece(id: number): string {
    return this.vocab.tokens[id] ?? "";
  }

  encode(text: string, options: { addBos?: boolean } = {}): Encoding {
    const { ids, offsets } = beginEncoding(this.bosId, options.addBos ?? this.addBosDefault);
    const map = utf8Map(text);
    // UTF-16 index -> byte index, to find each pre-token's bytes.
    const byteAt = new Int32Array(text.length + 1);
    for (let b = map.bytes.length - 1; b >= 0; b--) byteAt[map.charStart[b] ?? 0] = b;
    byteAt[text.length] = map.bytes.length;
    for (const span of pretokenize(text, this.pre)) {
      const b0 = byteAt[span.start] ?? 0;
      const b1 = byteAt[span.end] ?? map.bytes.length;
      const word = Array.from(map.bytes.subarray(b0, b1), (b) => BYTE_TO_UNICODE[b] ?? "");
      for (const t of this.bpe(word)) {
        ids.push(t.id);
        offsets.push(byteRangeToChars(map, b0 + t.start, b0 + t.end));
      }
    }
    return { ids, offsets };
  }

  /** Merges a word's byte characters by rank (lowest rank first, ties leftmost). */
  private bpe(chars: string[]): WordTokens {
    const key = chars.join("");
    const cached = this.cache.get(key);
    if (cached) return cached;
    const syms = chars.map((c, i) => ({ text: c, start: i, end: i + 1, prev: i - 1, next: i + 1 < chars.length ? i + 1 : -1, alive: true }));
    const queue = new MinHeap<{ left: number; rank: number; text: string }>((a, b) => a.rank - b.rank || a.left - b.left);
    const tryAdd = (left: number) => {
      const l = syms[left];
      const r = l ? syms[l.next] : undefined;
      if (!l || !r) return;
      const rank = this.ranks.get(`${l.text} ${r.text}`);
      if (rank !== undefined) queue.push({ left, rank, text: l.text + r.text });
    };
    for (let i = 0; i + 1 < syms.length; i++) tryAdd(i);
    while (queue.size > 0) {
      const top = queue.pop();
      if (!top) break;
      const l = syms[top.left];
      const r = l ? syms[l.next] : undefined;
      if (!l || !r || !l.alive || l.text + r.text !== top.text) continue;
      l.text = top.text;
      l.end = r.end;
      l.next = r.next;
      r.alive = false;
      const after = syms[l.next];
      if (after) after.prev = top.left;
      if (l.prev >= 0) tryAdd(l.prev);
      tryAdd(top.left);
    }
    const out: WordTokens = [];
    for (const s of syms) {
      if (!s.alive) continue;
      const id = this.ids.get(s.text);
      if (id !== undefined) {
        out.push({ id, start: s.start, end: s.end });
        continue;
      }
      // Not in the vocabulary as a whole: emit its bytes one by one (byte-level vocabularies have all 256).
      for (let k = s.start; k < s.end; k++) {
        const byteId = this.ids.get(chars[k] ?? "") ?? this.vocab.unkId;
        if (byteId === null) throw new ModelFormatError(`gpt2 tokenizer has no token for byte character ${chars[k]}`);
        out.push({ id: byteId, start: k, end: k + 1 });
      }
    }
    if (this.cache.size < 50_000) this.cache.set(key, out);
    return out;
  }

  decode(ids: number[]): string {
    const bytes: number[] = [];
    const encoder = new TextEncoder();
    for (const id of ids) {
      const type = this.vocab.types[id];
      if (type === TOKEN_TYPE.control) continue;
      const piece = this.vocab.tokens[id];
      if (piece === undefined) continue;
      if (type === TOKEN_TYPE.userDefined) {
        for (const b of encoder.encode(piece)) bytes.push(b);
        continue;
      }
      for (const ch of piece) {
        const b = UNICODE_TO_BYTE.get(ch);
        if (b !== undefined) bytes.push(b);
        else for (const x of encoder.encode(ch)) bytes.push(x);
      }
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  }
}
