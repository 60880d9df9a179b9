/**
 * tokenizer.json through @huggingface/tokenizers. The library gives ids but no offsets, so offsets
 * come from aligning each token's bytes (byte-level pieces, "▁" as a space, <0xNN> byte pieces)
 * with the UTF-8 of the input; an inserted leading space (SentencePiece's dummy prefix) is allowed.
 * Where alignment fails (normalisers that rewrite text), offsets fall back to decoded-prefix lengths.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Tokenizer as HfLibTokenizer } from "@huggingface/tokenizers";
import { z } from "zod";
import { ModelFormatError } from "../formats/errors";
import type { Encoding, Tokenizer } from "../types";
import { byteLevelPieceToBytes } from "./byte-level";
import { byteRangeToChars, utf8Map } from "./offsets";

const tokenizerJsonSchema = z
  .object({
    model: z.object({ type: z.string().optional(), vocab: z.unknown() }).passthrough(),
    added_tokens: z.array(z.object({ id: z.number().int().nonnegative(), content: z.string(), special: z.boolean().optional() }).passthrough()).optional(),
    pre_tokenizer: z.unknown().optional(),
    decoder: z.unknown().optional(),
  })
  .passthrough();
type TokenizerJson = z.infer<typeof tokenizerJsonSchema>;

const tokenizerConfigSchema = z
  .object({
    bos_token: z.union([z.string(), z.object({ content: z.string() }).passthrough()]).nullish(),
    eos_token: z.union([z.string(), z.object({ content: z.string() }).passthrough()]).nullish(),
  })
  .passthrough();
type TokenizerConfigJson = z.infer<typeof tokenizerConfigSchema>;

function mentionsByteLevel(node: unknown): boolean {
  return JSON.stringify(node ?? null).includes('"ByteLevel"');
}

function tokenText(v: TokenizerConfigJson["bos_token"]): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === "string" ? v : v.content;
}

const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;
const encoder = new TextEncoder();

export interface HfTokenizerOptions {
  /** From config.json; otherwise taken from tokenizer_config.json's bos_token / eos_token. */
  bosId?: number | null;
  eosId?: number | null;
}

export class HfTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly bosId: number | null;
  readonly eosId: number | null;
  private readonly lib: HfLibTokenizer;
  private readonly byteLevel: boolean;
  private readonly special = new Map<number, Uint8Array>();
  private readonly bytesCache = new Map<number, Uint8Array>();

  constructor(json: TokenizerJson, config: TokenizerConfigJson, options: HfTokenizerOptions = {}) {
    try {
      this.lib = new HfLibTokenizer(json, config);
    } catch (e) {
      throw new ModelFormatError(`tokenizer.json could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.byteLevel = mentionsByteLevel(json.pre_tokenizer) || mentionsByteLevel(json.decoder);
    for (const t of json.added_tokens ?? []) if (t.special !== false) this.special.set(t.id, encoder.encode(t.content));
    let maxId = -1;
    for (const id of this.lib.get_vocab(true).values()) maxId = Math.max(maxId, id);
    this.vocabSize = maxId + 1;
    const idOf = (t: string | null) => (t === null ? null : (this.lib.token_to_id(t) ?? null));
    this.bosId = options.bosId !== undefined && options.bosId !== null ? options.bosId : idOf(tokenText(config.bos_token));
    this.eosId = options.eosId !== undefined && options.eosId !== null ? options.eosId : idOf(tokenText(config.eos_token));
  }

  /** Reads `<dir>/tokenizer.json` (and tokenizer_config.json when present). */
  static fromDirectory(dir: string, options: HfTokenizerOptions = {}): HfTokenizer {
    const file = path.join(dir, "tokenizer.json");
    if (!existsSync(file)) throw new ModelFormatError(`${dir}: no tokenizer.json`);
    const json = parseJsonFile(file, tokenizerJsonSchema);
    const configFile = path.join(dir, "tokenizer_config.json");
    const config = existsSync(configFile) ? parseJsonFile(configFile, tokenizerConfigSchema) : {};
    return new HfTokenizer(json, config, options);
  }

  piece(id: number): string {
    return this.lib.id_to_token(id) ?? "";
  }

  encode(text: string, options: { addBos?: boolean } = {}): Encoding {
    const add = options.addBos ?? true;
    let ids = this.lib.encode(text, { add_special_tokens: add }).ids;
    // addBos: true means "starts with BOS" even where the template adds none.
    if (options.addBos === true && this.bosId !== null && ids[0] !== this.bosId) ids = [this.bosId, ...ids];
    return { ids, offsets: this.align(text, ids) ?? this.prefixOffsets(text, ids) };
  }

  decode(ids: number[]): string {
    return this.lib.decode(ids, { skip_special_tokens: true, clean_up_tokenization_spaces: false });
  }

  /** The bytes a (non-special) token stands for in the text. */
  private tokenBytes(id: number): Uint8Array {
    const cached = this.bytesCache.get(id);
    if (cached) return cached;
    const piece = this.piece(id);
    let bytes: Uint8Array;
    const byte = BYTE_PIECE.exec(piece);
    if (byte?.[1]) bytes = Uint8Array.of(Number.parseInt(byte[1], 16));
    else if (this.byteLevel) bytes = Uint8Array.from(byteLevelPieceToBytes(piece) ?? encoder.encode(piece));
    else bytes = encoder.encode(piece.replaceAll("▁", " "));
    this.bytesCache.set(id, bytes);
    return bytes;
  }

  private align(text: string, ids: number[]): Array<[number, number]> | null {
    const map = utf8Map(text);
    const t = map.bytes;
    const matches = (at: number, b: Uint8Array) => {
      if (at + b.length > t.length) return false;
      for (let k = 0; k < b.length; k++) if (t[at + k] !== b[k]) return false;
      return true;
    };
    const out: Array<[number, number]> = [];
    let p = 0;
    for (const id of ids) {
      const special = this.special.get(id);
      if (special) {
        // Inserted by the template (zero width), or written in the text.
        const len = special.length > 0 && matches(p, special) ? special.length : 0;
        out.push(byteRangeToChars(map, p, p + len));
        p += len;
        continue;
      }
      const b = this.tokenBytes(id);
      if (matches(p, b)) {
        out.push(byteRangeToChars(map, p, p + b.length));
        p += b.length;
      } else if (b[0] === 0x20 && matches(p, b.subarray(1))) {
        out.push(byteRangeToChars(map, p, p + b.length - 1));
        p += b.length - 1;
      } else {
        return null;
      }
    }
    return p === t.length ? out : null;
  }

  /** Fallback: each token covers the growth of the decoded prefix (clipped to the text). */
  private prefixOffsets(text: string, ids: number[]): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let prev = 0;
    for (let i = 0; i < ids.length; i++) {
      const len = Math.min(text.length, this.lib.decode(ids.slice(0, i + 1), { skip_special_tokens: true, clean_up_tokenization_spaces: false }).length);
      out.push([Math.min(prev, len), len]);
      prev = len;
    }
    return out;
  }
}

function parseJsonFile<T>(file: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ModelFormatError(`${path.basename(file)} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ModelFormatError(`${path.basename(file)}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}
