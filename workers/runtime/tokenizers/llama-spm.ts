/**
 * GGUF `tokenizer.ggml.model = llama`: SentencePiece-style BPE. The text gets a leading space, spaces
 * become "▁", then adjacent symbols are merged greedily by the score of the merged piece (ties: leftmost),
 * as llama.cpp and sentencepiece do. Characters not in the vocabulary fall back to <0xNN> byte pieces.
 */
import { ModelFormatError } from "../formats/errors";
import type { Encoding, Tokenizer } from "../types";
import type { GgufVocab } from "./gguf-vocab";
import { TOKEN_TYPE } from "./gguf-vocab";
import { MinHeap } from "./min-heap";
import { beginEncoding } from "./offsets";

const SPACE = "▁";
const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;

interface SpmSymbol {
  text: string;
  start: number;
  end: number;
  prev: number;
  next: number;
  /** False once merged into its left neighbour. */
  alive: boolean;
}

interface Bigram {
  left: number;
  right: number;
  score: number;
  /** The merged text, to detect stale queue entries. */
  text: string;
}

export class LlamaSpmTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly bosId: number | null;
  readonly eosId: number | null;
  private readonly unkId: number | null;
  private readonly addBosDefault: boolean;
  private readonly addSpacePrefix: boolean;
  /** Pieces usable in text: normal and user-defined. */
  private readonly pieceIds = new Map<string, number>();
  private readonly byteIds = new Map<number, number>();

  constructor(private readonly vocab: GgufVocab) {
    if (!vocab.scores) throw new ModelFormatError("llama tokenizer needs tokenizer.ggml.scores");
    this.vocabSize = vocab.tokens.length;
    this.bosId = vocab.bosId;
    this.eosId = vocab.eosId;
    this.unkId = vocab.unkId;
    this.addBosDefault = vocab.addBos ?? true;
    this.addSpacePrefix = vocab.addSpacePrefix ?? true;
    vocab.tokens.forEach((piece, id) => {
      const type = vocab.types[id];
      const byte = BYTE_PIECE.exec(piece);
      if (type === TOKEN_TYPE.byte && byte?.[1]) this.byteIds.set(Number.parseInt(byte[1], 16), id);
      else if ((type === TOKEN_TYPE.normal || type === TOKEN_TYPE.userDefined) && !this.pieceIds.has(piece)) this.pieceIds.set(piece, id);
    });
  }

  piece(id: number): string {
    return this.vocab.tokens[id] ?? "";
  }

  encode(text: string, options: { addBos?: boolean } = {}): Encoding {
    const { ids, offsets } = beginEncoding(this.bosId, options.addBos ?? this.addBosDefault);
    if (text.length === 0) return { ids, offsets };

    const symbols = this.initialSymbols(text);
    this.merge(symbols);
    for (const s of symbols) {
      if (!s.alive) continue;
      const id = this.pieceIds.get(s.text);
      if (id !== undefined) {
        ids.push(id);
        offsets.push([s.start, s.end]);
        continue;
      }
      for (const byte of new TextEncoder().encode(s.text)) {
        const byteId = this.byteIds.get(byte) ?? this.unkId;
        if (byteId === null) throw new ModelFormatError(`llama tokenizer has no <0x${byte.toString(16).toUpperCase().padStart(2, "0")}> piece and no unknown token`);
        ids.push(byteId);
        offsets.push([s.start, s.end]);
      }
    }
    return { ids, offsets };
  }

  /** One symbol per code point (space -> ▁), plus the zero-width leading ▁. */
  private initialSymbols(text: string): SpmSymbol[] {
    const symbols: SpmSymbol[] = [];
    const add = (t: string, start: number, end: number) =>
      symbols.push({ text: t, start, end, prev: symbols.length - 1, next: symbols.length + 1, alive: true });
    if (this.addSpacePrefix) add(SPACE, 0, 0);
    for (let i = 0; i < text.length; ) {
      const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
      add(ch === " " ? SPACE : ch, i, i + ch.length);
      i += ch.length;
    }
    const last = symbols[symbols.length - 1];
    if (last) last.next = -1;
    return symbols;
  }

  private merge(symbols: SpmSymbol[]): void {
    const scores = this.vocab.scores ?? [];
    const queue = new MinHeap<Bigram>((a, b) => b.score - a.score || a.left - b.left);
    const tryAdd = (left: number, right: number) => {
      const l = symbols[left];
      const r = symbols[right];
      if (left < 0 || right < 0 || !l || !r) return;
      const text = l.text + r.text;
      const id = this.pieceIds.get(text);
      if (id !== undefined) queue.push({ left, right, score: scores[id] ?? 0, text });
    };
    for (let i = 1; i < symbols.length; i++) tryAdd(i - 1, i);
    while (queue.size > 0) {
      const b = queue.pop();
      if (!b) break;
      const l = symbols[b.left];
      const r = symbols[b.right];
      // Skip entries made stale by an earlier merge of either side.
      if (!l || !r || !l.alive || !r.alive || l.next !== b.right || l.text + r.text !== b.text) continue;
      l.text = b.text;
      l.end = Math.max(l.end, r.end);
      l.start = Math.min(l.start, r.start);
      l.next = r.next;
      r.alive = false;
      const after = symbols[r.next];
      if (after) after.prev = b.left;
      tryAdd(l.prev, b.left);
      tryAdd(b.left, l.next);
    }
  }

  decode(ids: number[]): string {
    const bytes: number[] = [];
    const encoder = new TextEncoder();
    for (const id of ids) {
      const type = this.vocab.types[id];
      if (type === TOKEN_TYPE.control) continue;
      const piece = this.vocab.tokens[id];
      if (piece === undefined) continue;
      const byte = type === TOKEN_TYPE.byte ? BYTE_PIECE.exec(piece) : null;
      if (byte?.[1]) bytes.push(Number.parseInt(byte[1], 16));
      else for (const b of encoder.encode(piece.replaceAll(SPACE, " "))) bytes.push(b);
    }
    const text = new TextDecoder().decode(new Uint8Array(bytes));
    // Remove the leading space encode() added.
    return this.addSpacePrefix && text.startsWith(" ") ? text.slice(1) : text;
  }
}
