import { describe, expect, it } from "vitest";
import { bf16ToF32, dequantizeBF16, dequantizeF16, dequantizeF32, dequantizeQ8_0, f16ToF32 } from "../../../workers/runtime/formats/dequantize";
import { encodeBF16, encodeF16, encodeQ8_0, f32ToBf16Bits, f32ToF16Bits } from "../writers/encode";

function le16(...words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 2);
  words.forEach((w, i) => { out[i * 2] = w & 0xff; out[i * 2 + 1] = w >> 8; });
  return out;
}

describe("f16ToF32", () => {
  it("decodes normal, subnormal and special half values", () => {
    expect(f16ToF32(0x3c00)).toBe(1);
    expect(f16ToF32(0xc000)).toBe(-2);
    expect(f16ToF32(0x3555)).toBe(0.333251953125);
    expect(f16ToF32(0x7bff)).toBe(65504);
    expect(f16ToF32(0x0001)).toBe(2 ** -24);
    expect(f16ToF32(0x03ff)).toBe(1023 * 2 ** -24);
    expect(f16ToF32(0x7c00)).toBe(Infinity);
    expect(f16ToF32(0xfc00)).toBe(-Infinity);
    expect(f16ToF32(0x7e00)).toBeNaN();
    expect(Object.is(f16ToF32(0x8000), -0)).toBe(true);
  });
});

describe("bf16ToF32", () => {
  it("treats bf16 bits as the top half of a float32", () => {
    expect(bf16ToF32(0x3f80)).toBe(1);
    expect(bf16ToF32(0xbf80)).toBe(-1);
    expect(bf16ToF32(0x4049)).toBe(3.140625);
    expect(bf16ToF32(0x7f80)).toBe(Infinity);
  });
});

describe("dequantize", () => {
  it("F32 reads from any byte offset", () => {
    const src = new Float32Array([1.5, -2.25, 3e-8]);
    const bytes = new Uint8Array(13);
    bytes.set(new Uint8Array(src.buffer), 1);
    expect(Array.from(dequantizeF32(bytes.subarray(1), 3))).toEqual(Array.from(src));
  });

  it("F16 and BF16 decode little-endian words", () => {
    expect(Array.from(dequantizeF16(le16(0x3c00, 0xc000, 0x3800), 3))).toEqual([1, -2, 0.5]);
    expect(Array.from(dequantizeBF16(le16(0x3f80, 0x4049, 0xc040), 3))).toEqual([1, 3.140625, -3]);
  });

  it("Q8_0 multiplies each int8 by its block's f16 scale", () => {
    const bytes = new Uint8Array(68);
    bytes.set(le16(0x3800), 0); // d = 0.5
    bytes.set([1, 0xfe, 127, 0x80], 2); // 1, -2, 127, -128
    bytes.set(le16(0x4000), 34); // d = 2
    bytes.set([3, 0xff], 36); // 3, -1
    const out = dequantizeQ8_0(bytes, 64);
    expect(Array.from(out.slice(0, 5))).toEqual([0.5, -1, 63.5, -64, 0]);
    expect(Array.from(out.slice(32, 35))).toEqual([6, -2, 0]);
  });

  it("refuses short payloads and partial Q8_0 blocks", () => {
    expect(() => dequantizeF16(new Uint8Array(3), 2)).toThrow(/F16: need 4 bytes, got 3/);
    expect(() => dequantizeQ8_0(new Uint8Array(34), 31)).toThrow(/not a multiple of 32/);
  });
});

describe("encoders (test writers) invert the decoders", () => {
  it("f16 rounds to nearest even and handles range edges", () => {
    expect(f32ToF16Bits(1)).toBe(0x3c00);
    expect(f32ToF16Bits(65504)).toBe(0x7bff);
    expect(f32ToF16Bits(1e6)).toBe(0x7c00);
    expect(f32ToF16Bits(2 ** -24)).toBe(0x0001);
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(f32ToBf16Bits(3.14159)).toBe(0x4049);
  });

  it("round-trips values through F16, BF16 and Q8_0", () => {
    const xs = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * 3);
    const f16 = dequantizeF16(encodeF16(xs), 64);
    const bf16 = dequantizeBF16(encodeBF16(xs), 64);
    const q8 = dequantizeQ8_0(encodeQ8_0(xs), 64);
    for (let i = 0; i < 64; i++) {
      const x = xs[i] ?? 0;
      expect(Math.abs((f16[i] ?? 0) - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 1e-7);
      expect(Math.abs((bf16[i] ?? 0) - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -8);
      expect(Math.abs((q8[i] ?? 0) - x)).toBeLessThanOrEqual((3 / 127) * 0.51 + 1e-3);
    }
  });
});
