/**
 * float32 -> F16 / Q8_0 encoders: the inverses of dequantize.ts, matching ggml bit for bit so a
 * variant written here is the file llama.cpp would write. Pure functions; little-endian bytes.
 *
 * ggml's definitions (ggml-org/llama.cpp, ggml/src/ggml-impl.h and ggml/src/ggml-quants.c):
 * - GGML_FP32_TO_FP16 (ggml_compute_fp32_to_fp16, from Maratyszcza/FP16; the F16C path is
 *   _cvtss_sh(x, 0)): IEEE round-to-nearest-even, subnormals kept, overflow to ±inf, any NaN to the
 *   quiet NaN 0x7e00 with its sign.
 * - quantize_row_q8_0_ref: per block of 32, amax = max |x|; d = amax / ((1 << 7) - 1) in float;
 *   id = d ? 1.0f / d : 0; stored scale = GGML_FP32_TO_FP16(d); q[j] = roundf(x[j] * id), where
 *   roundf rounds halves away from zero (not to even) and the float32 d (not the f16 one) is used.
 */
import { Q8_0_BLOCK, Q8_0_BLOCK_BYTES } from "./dequantize";

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 bits of `value` (rounded to float32 first). */
function f32Bits(value: number): number {
  f32[0] = value;
  return u32[0] ?? 0;
}

/** IEEE half bits of `value` (rounded to float32 first, like a C float argument), ggml's rounding. */
export function f32ToF16(value: number): number {
  const x = f32Bits(value);
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | (mant ? 0x7e00 : 0x7c00);
  // 2^16 and above: infinity. (65520 = 65504 + half an ulp rounds there too, via the carry below.)
  if (exp >= 127 + 16) return sign | 0x7c00;
  if (exp >= 127 - 14) {
    // Normal half: rebias the exponent, keep 10 mantissa bits, round the 13 dropped bits to nearest
    // even. A carry out of the mantissa bumps the exponent, which is still the right answer (up to inf).
    let half = ((exp - 127 + 15) << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
    return sign | half;
  }
  // Below 2^-25 (half the smallest subnormal, 2^-24): rounds to zero. Exactly 2^-25 ties to 0 (even).
  if (exp < 127 - 25) return sign;
  // Half subnormal: count of 2^-24 units = (1.mant * 2^23) >> (126 - exp), rounded to nearest even.
  // A count of 0x400 is the smallest normal half, again correct.
  const full = mant | 0x800000;
  const shift = 126 - exp;
  let half = full >>> shift;
  const rest = full & ((1 << shift) - 1);
  const mid = 1 << (shift - 1);
  if (rest > mid || (rest === mid && (half & 1) === 1)) half++;
  return sign | half;
}

/** The largest finite half; float32 values from 65520 (half an ulp above) up become infinity. */
export const F16_MAX = 65504;

/** float32 values -> F16 payload (overflow becomes ±inf, as in ggml). */
export function quantizeF16(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 2);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) dv.setUint16(i * 2, f32ToF16(data[i] ?? 0), true);
  return out;
}

/** C roundf: to nearest, halves away from zero. */
function roundHalfAway(v: number): number {
  const r = Math.floor(Math.abs(v) + 0.5); // exact in double for |v| < 2^29
  return v < 0 ? -r : r;
}

/** Whether rows of `rowLength` values can be Q8_0: GGUF quantises each row on its own, in whole blocks. */
export function rowsFitQ8_0(rowLength: number): boolean {
  return rowLength > 0 && rowLength % Q8_0_BLOCK === 0;
}

/**
 * float32 values -> Q8_0 payload (34 bytes per 32 values). `rowLength` is the tensor's ne[0]: a
 * block never spans two rows, so it must be a multiple of 32 (a 64 × 172 matrix has a multiple of 32
 * values but rows of 172, and ggml refuses it). Non-finite values and blocks whose scale would not
 * fit f16 (|x| > 127 × 65504) are refused: ggml would write inf or NaN scales.
 */
export function quantizeQ8_0(data: Float32Array, rowLength: number = data.length): Uint8Array {
  if (!rowsFitQ8_0(rowLength)) throw new RangeError(`Q8_0: row length ${rowLength} is not a multiple of ${Q8_0_BLOCK}`);
  if (data.length % rowLength !== 0) throw new RangeError(`Q8_0: ${data.length} values are not whole rows of ${rowLength}`);
  const blocks = data.length / Q8_0_BLOCK;
  const out = new Uint8Array(blocks * Q8_0_BLOCK_BYTES);
  const dv = new DataView(out.buffer);
  for (let b = 0; b < blocks; b++) {
    const start = b * Q8_0_BLOCK;
    let amax = 0;
    for (let j = 0; j < Q8_0_BLOCK; j++) {
      const v = data[start + j] ?? 0;
      if (!Number.isFinite(v)) throw new RangeError(`Q8_0: value ${v} at index ${start + j} is not finite`);
      amax = Math.max(amax, Math.abs(v));
    }
    // float32 arithmetic as in C: one double operation rounded to float equals the float operation.
    const d = Math.fround(amax / 127);
    const scale = f32ToF16(d);
    if ((scale & 0x7fff) === 0x7c00) throw new RangeError(`Q8_0: block at index ${start} has max |x| ${amax}, beyond what an f16 scale can hold`);
    const id = d ? Math.fround(1 / d) : 0;
    const base = b * Q8_0_BLOCK_BYTES;
    dv.setUint16(base, scale, true);
    for (let j = 0; j < Q8_0_BLOCK; j++) dv.setInt8(base + 2 + j, roundHalfAway(Math.fround((data[start + j] ?? 0) * id)));
  }
  return out;
}
