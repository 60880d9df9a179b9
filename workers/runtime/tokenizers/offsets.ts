/**
 * Offsets are UTF-16 index ranges into the input string (what `text.slice(start, end)` needs).
 * Byte-level tokenizers work on UTF-8 bytes, so they map byte ranges back to characters; a token
 * holding part of a multi-byte character covers that whole character.
 */

import type { Encoding } from "../types";

export interface Utf8Map {
  bytes: Uint8Array;
  /** For each byte: the UTF-16 start / end of the code point it belongs to. */
  charStart: Int32Array;
  charEnd: Int32Array;
  textLength: number;
}

const encoder = new TextEncoder();

export function utf8Map(text: string): Utf8Map {
  const bytes = encoder.encode(text);
  const charStart = new Int32Array(bytes.length);
  const charEnd = new Int32Array(bytes.length);
  let b = 0;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) ?? 0;
    const units = cp > 0xffff ? 2 : 1;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < n; k++, b++) {
      charStart[b] = i;
      charEnd[b] = i + units;
    }
    i += units;
  }
  return { bytes, charStart, charEnd, textLength: text.length };
}

/** [start, end) bytes -> [start, end) UTF-16 units; an empty range stays empty at its position. */
export function byteRangeToChars(map: Utf8Map, start: number, end: number): [number, number] {
  const at = (b: number) => (b >= map.bytes.length ? map.textLength : (map.charStart[b] ?? map.textLength));
  if (end <= start) return [at(start), at(start)];
  return [at(start), map.charEnd[end - 1] ?? map.textLength];
}

/** An encoding that starts with BOS (covering no text) when one is wanted. */
export function beginEncoding(bosId: number | null, addBos: boolean): Encoding {
  return addBos && bosId !== null ? { ids: [bosId], offsets: [[0, 0]] } : { ids: [], offsets: [] };
}
