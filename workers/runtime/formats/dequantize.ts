/**
 * Dequantisation of GGUF / safetensors tensor payloads to float32. Pure functions over bytes
 * (little-endian); each returns a fresh Float32Array of `count` elements.
 */

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE half (binary16) bits to a number, including subnormals, infinities and NaN. */
export function f16ToF32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 bits are the top half of a float32. */
export function bf16ToF32(bits: number): number {
  u32Scratch[0] = (bits & 0xffff) << 16;
  return f32Scratch[0] ?? 0;
}

function checkLength(bytes: Uint8Array, needed: number, what: string): void {
  if (bytes.byteLength < needed) throw new RangeError(`${what}: need ${needed} bytes, got ${bytes.byteLength}`);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function dequantizeF32(bytes: Uint8Array, count: number): Float32Array {
  checkLength(bytes, count * 4, "F32");
  // Copy through a fresh, aligned buffer (the source may sit at any offset in a file buffer).
  const out = new Float32Array(count);
  new Uint8Array(out.buffer).set(bytes.subarray(0, count * 4));
  return out;
}

export function dequantizeF16(bytes: Uint8Array, count: number): Float32Array {
  checkLength(bytes, count * 2, "F16");
  const dv = view(bytes);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = f16ToF32(dv.getUint16(i * 2, true));
  return out;
}

export function dequantizeBF16(bytes: Uint8Array, count: number): Float32Array {
  checkLength(bytes, count * 2, "BF16");
  const dv = view(bytes);
  const out = new Float32Array(count);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < count; i++) outBits[i] = dv.getUint16(i * 2, true) << 16;
  return out;
}

export const Q8_0_BLOCK = 32;
export const Q8_0_BLOCK_BYTES = 34;

/** Q8_0: blocks of 32 values, each an f16 scale `d` then 32 int8 `q`; value = d * q. */
export function dequantizeQ8_0(bytes: Uint8Array, count: number): Float32Array {
  if (count % Q8_0_BLOCK !== 0) throw new RangeError(`Q8_0: element count ${count} is not a multiple of ${Q8_0_BLOCK}`);
  const blocks = count / Q8_0_BLOCK;
  checkLength(bytes, blocks * Q8_0_BLOCK_BYTES, "Q8_0");
  const dv = view(bytes);
  const out = new Float32Array(count);
  for (let b = 0; b < blocks; b++) {
    const base = b * Q8_0_BLOCK_BYTES;
    const d = f16ToF32(dv.getUint16(base, true));
    for (let j = 0; j < Q8_0_BLOCK; j++) out[b * Q8_0_BLOCK + j] = d * dv.getInt8(base + 2 + j);
  }
  return out;
}
