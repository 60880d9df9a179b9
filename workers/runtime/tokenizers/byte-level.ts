/**
 * GPT-2's byte <-> printable-unicode mapping (bytes_to_unicode): byte-level BPE vocabularies
 * store every byte as one visible character, e.g. a space is "Ġ".
 */

function buildByteToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const out = new Array<string>(256);
  for (const b of printable) out[b] = String.fromCodePoint(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (out[b] === undefined) out[b] = String.fromCodePoint(256 + n++);
  }
  return out;
}

export const BYTE_TO_UNICODE: readonly string[] = buildByteToUnicode();

export const UNICODE_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_UNICODE.map((c, b) => [c, b]));

/** The bytes a byte-level piece stands for, or null when a character is not a byte-level one. */
export function byteLevelPieceToBytes(piece: string): number[] | null {
  const out: number[] = [];
  for (const ch of piece) {
    const b = UNICODE_TO_BYTE.get(ch);
    if (b === undefined) return null;
    out.push(b);
  }
  return out;
}
