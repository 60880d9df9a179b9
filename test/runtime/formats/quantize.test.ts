/**
 * The F16 and Q8_0 encoders against the format's definition (ggml): every half round-trips, ties
 * go to even, overflow and subnormals are right, and a separately written reference (the
 * floating-point trick of Maratyszcza/FP16 that ggml's portable path uses, here with Math.fround)
 * agrees on every tie and on a million random float32 bit patterns. Q8_0 blocks are checked value by
 * value on hand-made blocks, and the reconstruction error is bounded on random ones.
 */
import { describe, expect, it } from "vitest";
import { Q8_0_BLOCK_BYTES, dequantizeF16, dequantizeQ8_0, f16ToF32 } from "../../../workers/runtime/formats/dequantize";
import { f32ToF16, quantizeF16, quantizeQ8_0, rowsFitQ8_0 } from "../../../workers/runtime/formats/quantize";
import { seededRandom } from "../writers/random-checkpoint";

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);
const bitsOf = (v: number): number => { scratch[0] = v; return scratchBits[0] ?? 0; };
const fromBits = (b: number): number => { scratchBits[0] = b >>> 0; return scratch[0] ?? 0; };
const isHalfNaN = (h: number): boolean => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

/**
 * Reference float32 -> half, written differently from the encoder: ggml's portable
 * ggml_compute_fp32_to_fp16 (Maratyszcza/FP16) lets float32 hardware do the rounding, by scaling
 * the value so that adding a power of two drops exactly the bits a half does not keep.
 */
function referenceF16(value: number): number {
  const f = Math.fround(value);
  let base = Math.fround(Math.fround(Math.abs(f) * 2 ** 112) * 2 ** -110);
  const w = bitsOf(f);
  const shl1 = (w + w) >>> 0;
  const sign = (w & 0x80000000) >>> 0;
  let bias = (shl1 & 0xff000000) >>> 0;
  if (bias < 0x71000000) bias = 0x71000000;
  base = Math.fround(fromBits((bias >>> 1) + 0x07800000) + base);
  const bits = bitsOf(base);
  const nonsign = ((bits >>> 13) & 0x7c00) + (bits & 0xfff);
  return (sign >>> 16) | (shl1 > 0xff000000 ? 0x7e00 : nonsign);
}

describe("f32 -> f16 (GGML_FP32_TO_FP16)", () => {
  it("every one of the 65536 half bit patterns survives decode -> encode (NaNs stay NaN)", () => {
    let nans = 0;
    for (let h = 0; h < 0x10000; h++) {
      const back = f32ToF16(f16ToF32(h));
      if (isHalfNaN(h)) {
        nans++;
        expect(isHalfNaN(back), `NaN pattern ${h.toString(16)}`).toBe(true);
      } else if (back !== h) {
        expect(back.toString(16), `half ${h.toString(16)}`).toBe(h.toString(16));
      }
    }
    expect(nans).toBe(2 * 1023);
  });

  it("hand-picked values: ties to even, overflow, subnormals, signed zero, NaN", () => {
    const cases: Array<[number, number]> = [
      [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [0.1, 0x2e66], [1 / 3, 0x3555],
      [65504, 0x7bff], [65519, 0x7bff], [65520, 0x7c00] /* halfway to 2^16: ties to the even (infinite) one */,
      [-65520, 0xfc00], [1e6, 0x7c00], [Number.POSITIVE_INFINITY, 0x7c00], [Number.NEGATIVE_INFINITY, 0xfc00],
      [1 + 2 ** -11, 0x3c00] /* tie between 0x3c00 and 0x3c01 */, [1 + 3 * 2 ** -11, 0x3c02] /* tie 0x3c01 / 0x3c02 */,
      [1 + 2 ** -11 + 2 ** -23, 0x3c01], [2049, 0x6800], [2051, 0x6802],
      [2 ** -14, 0x0400], [2 ** -24, 0x0001], [2 ** -25, 0x0000] /* tie between 0 and the smallest subnormal */,
      [2 ** -25 * (1 + 2 ** -23), 0x0001], [3 * 2 ** -25, 0x0002], [5 * 2 ** -25, 0x0002], [7 * 2 ** -25, 0x0004],
      [2 ** -14 - 2 ** -25, 0x0400] /* 1023.5 subnormal units: rounds up into the normals */, [2 ** -26, 0x0000],
      [1e-45, 0x0000] /* a float32 subnormal */, [0, 0x0000], [-0, 0x8000], [-(2 ** -24), 0x8001],
      [Number.NaN, 0x7e00],
    ];
    for (const [value, bits] of cases) expect(f32ToF16(value).toString(16), String(value)).toBe(bits.toString(16));
  });

  it("agrees with the reference and with round-to-nearest-even at every midpoint between adjacent halves", () => {
    let checked = 0;
    for (let h = 0; h < 0x7c00; h++) {
      const lo = f16ToF32(h);
      const hi = h === 0x7bff ? 65536 : f16ToF32(h + 1); // past the largest half: the infinity 2^16 stands for
      const mid = (lo + hi) / 2;
      expect(Math.fround(mid)).toBe(mid); // a midpoint needs 12 bits: exact in float32
      const even = (h & 1) === 0 ? h : h + 1;
      const below = fromBits(bitsOf(mid) - 1);
      const above = fromBits(bitsOf(mid) + 1);
      for (const sign of [0, 0x8000]) {
        const s = sign ? -1 : 1;
        const want: Array<[number, number]> = [[s * mid, sign | even], [s * below, sign | h], [s * above, sign | (h + 1)]];
        for (const [v, bits] of want) {
          const got = f32ToF16(v);
          if (got !== bits || referenceF16(v) !== bits) {
            expect([got.toString(16), referenceF16(v).toString(16)], `value ${v}`).toEqual([bits.toString(16), bits.toString(16)]);
          }
          checked++;
        }
      }
    }
    expect(checked).toBe(0x7c00 * 6);
  });

  it("agrees with the reference on a million random float32 bit patterns", () => {
    const r = seededRandom(11);
    let mismatches = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const v = fromBits(Math.floor(r.uniform() * 2 ** 32));
      if (f32ToF16(v) !== referenceF16(v)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it("quantizeF16 writes little-endian halves the F16 decoder reads back", () => {
    const data = Float32Array.from([1, -2, 65504, 1e6, 2 ** -24, 0.1]);
    const bytes = quantizeF16(data);
    expect([...bytes.subarray(0, 4)]).toEqual([0x00, 0x3c, 0x00, 0xc0]);
    expect([...dequantizeF16(bytes, data.length)]).toEqual([1, -2, 65504, Number.POSITIVE_INFINITY, 2 ** -24, f16ToF32(0x2e66)]);
  });
});

/** One Q8_0 block's fields. */
function block(bytes: Uint8Array, b: number): { d: number; q: number[] } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset + b * Q8_0_BLOCK_BYTES, Q8_0_BLOCK_BYTES);
  return { d: dv.getUint16(0, true), q: Array.from({ length: 32 }, (_, j) => dv.getInt8(2 + j)) };
}

describe("f32 -> Q8_0 (quantize_row_q8_0_ref)", () => {
  it("a block whose max |x| is 127: scale 1, values rounded half away from zero (ggml's roundf)", () => {
    const x = new Float32Array(32);
    x.set([127, 2.5, -2.5, 0.5, -0.5, 1.4999, -1.5001, 126.5, -0.49]);
    const { d, q } = block(quantizeQ8_0(x), 0);
    expect(d).toBe(0x3c00);
    expect(q.slice(0, 10)).toEqual([127, 3, -3, 1, -1, 1, -2, 127, 0, 0]);
  });

  it("the maximum can be negative: it sets the scale and becomes -127", () => {
    const x = new Float32Array(32).fill(0.25);
    x[5] = -63.5; // d = 63.5 / 127 = 0.5 exactly, 1/d = 2
    x[6] = 31.75; // 63.5 units
    x[7] = -0.75; // -1.5 units: -2
    const { d, q } = block(quantizeQ8_0(x), 0);
    expect(d).toBe(0x3800);
    expect(q[5]).toBe(-127);
    expect(q[6]).toBe(64);
    expect(q[7]).toBe(-2);
    expect(q[0]).toBe(1); // 0.25 = 0.5 units: rounds away from zero
  });

  it("an all-zero block has scale 0 and zero values; blocks are independent", () => {
    const x = new Float32Array(96);
    for (let j = 64; j < 96; j++) x[j] = (j - 64) * 2 ** -20; // max 31·2^-20: d = 31/127·2^-20, an f16 subnormal
    const bytes = quantizeQ8_0(x);
    expect(bytes.length).toBe(3 * 34);
    expect(block(bytes, 0)).toEqual({ d: 0, q: new Array(32).fill(0) });
    expect(block(bytes, 1)).toEqual({ d: 0, q: new Array(32).fill(0) });
    const third = block(bytes, 2);
    expect(third.d).toBe(referenceF16((31 * 2 ** -20) / 127));
    expect(third.d).toBeLessThan(0x0400); // subnormal scale
    expect(third.q[31]).toBe(127);
    expect(third.q[0]).toBe(0);
  });

  it("the scale is max|x| / 127 rounded to f16, on random blocks", () => {
    const r = seededRandom(3);
    const x = Float32Array.from({ length: 32 * 200 }, (_, i) => r.normal() * 10 ** ((i >> 5) % 7 - 4));
    const bytes = quantizeQ8_0(x);
    for (let b = 0; b < 200; b++) {
      let amax = 0;
      for (const v of x.subarray(b * 32, b * 32 + 32)) amax = Math.max(amax, Math.abs(v));
      const { d, q } = block(bytes, b);
      expect(d).toBe(referenceF16(amax / 127));
      expect(Math.max(...q.map(Math.abs))).toBe(127);
    }
  });

  it("decode(encode(x)) is within half a step of x: |x - d·q| <= d/2 for the float32 scale d = max|x|/127", () => {
    const r = seededRandom(5);
    const n = 32 * 2000;
    // Magnitudes from 1e-6 (scales that are f16 subnormals) to 1e3.
    const x = Float32Array.from({ length: n }, (_, i) => r.normal() * 10 ** ((i >> 5) % 10 - 6));
    const bytes = quantizeQ8_0(x);
    const decoded = dequantizeQ8_0(bytes, n);
    const broken: string[] = [];
    let worstNormal = 0;
    let subnormalBlocks = 0;
    for (let b = 0; b < n / 32; b++) {
      const xs = x.subarray(b * 32, b * 32 + 32);
      let amax = 0;
      for (const v of xs) amax = Math.max(amax, Math.abs(v));
      const d = amax / 127;
      const { d: dBits, q } = block(bytes, b);
      const dStored = f16ToF32(dBits);
      if (dBits < 0x0400) subnormalBlocks++;
      for (let j = 0; j < 32; j++) {
        const v = xs[j] ?? 0;
        const qj = q[j] ?? 0;
        const got = decoded[b * 32 + j] ?? 0;
        // The definition's bound, with the scale the quantiser divided by.
        if (Math.abs(v - d * qj) > (d / 2) * (1 + 1e-6)) broken.push(`block ${b}[${j}]: ${v} vs ${d}·${qj}`);
        // The decoder multiplies by the f16-rounded scale; add how far rounding d to f16 moved |q| <= 127 steps.
        if (got !== Math.fround(dStored * qj)) broken.push(`block ${b}[${j}]: decoded ${got}, not d16·q`);
        if (Math.abs(v - got) > (d / 2 + 127 * Math.abs(d - dStored)) * (1 + 1e-6)) broken.push(`block ${b}[${j}]: ${v} decoded as ${got}`);
        if (dBits >= 0x0400) worstNormal = Math.max(worstNormal, Math.abs(v - got) / d);
      }
    }
    expect(broken).toEqual([]);
    expect(subnormalBlocks).toBeGreaterThan(0);
    // With a normal f16 scale (11 significant bits, off by at most 2^-11 relative) the error stays
    // below (1/2 + 127·2^-11)·d ≈ 0.562·d; it does exceed d/2 itself, since q was chosen for the float32 d.
    expect(worstNormal).toBeLessThan(0.5 + 127 * 2 ** -11);
    expect(worstNormal).toBeGreaterThan(0.5);
  });

  it("refuses rows that are not whole blocks, even when the tensor's total is (64 rows of 172)", () => {
    expect(rowsFitQ8_0(64)).toBe(true);
    expect(rowsFitQ8_0(96)).toBe(true);
    expect(rowsFitQ8_0(172)).toBe(false);
    expect(rowsFitQ8_0(80)).toBe(false);
    const m = new Float32Array(64 * 172); // 11008 values = 344 blocks, but a block would span rows
    expect(m.length % 32).toBe(0);
    expect(() => quantizeQ8_0(m, 172)).toThrow(/row length 172 is not a multiple of 32/);
    expect(() => quantizeQ8_0(new Float32Array(40))).toThrow(/row length 40/);
    expect(() => quantizeQ8_0(new Float32Array(96), 64)).toThrow(/not whole rows of 64/);
    expect(quantizeQ8_0(m.subarray(0, 64 * 64), 64).length).toBe(128 * 34);
  });

  it("refuses non-finite values and scales beyond f16", () => {
    const x = new Float32Array(32);
    x[3] = Number.NaN;
    expect(() => quantizeQ8_0(x)).toThrow(/not finite/);
    x[3] = 127 * 65504; // d = 65504: the largest half
    expect(block(quantizeQ8_0(x), 0).d).toBe(0x7bff);
    x[3] = 127 * 65536;
    expect(() => quantizeQ8_0(x)).toThrow(/beyond what an f16 scale can hold/);
  });
});
