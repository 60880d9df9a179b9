import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readGgufHeader, readGgufTensor } from "../../../workers/runtime/formats/gguf";
import { ggufBytes, gv } from "../writers/gguf-writer";
import { tempDir } from "./temp";

const tmp = tempDir();
afterAll(tmp.cleanup);

describe("GGUF reader round-trips what the writer wrote", () => {
  const matrix = Float32Array.from({ length: 3 * 4 }, (_, i) => i * 0.25 - 1);
  const halfExact = Float32Array.from([0.5, -1.25, 2048, 0.000030517578125]);
  // amax 127 -> d = 1 exactly in f16, so integers survive Q8_0 exactly.
  const q8 = Float32Array.from({ length: 64 }, (_, i) => (i === 0 ? 127 : ((i * 37) % 255) - 127));

  for (const [version, alignment] of [[3, 32], [2, 64]] as const) {
    it(`v${version}, alignment ${alignment}: metadata of every type, F32/F16/Q8_0 tensors`, () => {
      const file = path.join(tmp.dir, `rt-v${version}-${alignment}.gguf`);
      writeFileSync(file, ggufBytes({
        version,
        alignment,
        metadata: [
          ["general.architecture", gv.str("llama")],
          ["t.u8", gv.u8(250)], ["t.i8", gv.i8(-5)], ["t.u16", gv.u16(65000)], ["t.i16", gv.i16(-30000)],
          ["t.u32", gv.u32(4000000000)], ["t.i32", gv.i32(-2000000000)], ["t.u64", gv.u64(2n ** 60n + 1n)],
          ["t.i64", gv.i64(-(2n ** 40n))], ["t.f32", gv.f32(0.5)], ["t.f64", gv.f64(Math.PI)], ["t.bool", gv.bool(true)],
          ["t.str", gv.str("café ☕")],
          ["t.strs", gv.strs(["a", "", "▁b"])],
          ["t.nested", { type: "array", itemType: "array", items: [{ type: "array", itemType: "u8", items: [1, 2] }, { type: "array", itemType: "string", items: ["x"] }] }],
        ],
        tensors: [
          { name: "m", shape: [3, 4], type: "F32", data: matrix },
          { name: "h", shape: [4], type: "F16", data: halfExact },
          { name: "q", shape: [2, 32], type: "Q8_0", data: q8 },
          // BF16 (type 30) as raw words: 1, -2, 3.140625
          { name: "b", shape: [3], ggmlTypeId: 30, raw: Uint8Array.from([0x80, 0x3f, 0x00, 0xc0, 0x49, 0x40]) },
        ],
      }));
      const f = readGgufHeader(file);
      expect(f.version).toBe(version);
      expect(f.alignment).toBe(alignment);
      expect(f.dataOffset % alignment).toBe(0);
      const m = f.metadata;
      expect(m.get("t.u8")).toEqual({ type: "u8", value: 250 });
      expect(m.get("t.i8")).toEqual({ type: "i8", value: -5 });
      expect(m.get("t.u16")).toEqual({ type: "u16", value: 65000 });
      expect(m.get("t.i16")).toEqual({ type: "i16", value: -30000 });
      expect(m.get("t.u32")).toEqual({ type: "u32", value: 4000000000 });
      expect(m.get("t.i32")).toEqual({ type: "i32", value: -2000000000 });
      expect(m.get("t.u64")).toEqual({ type: "u64", value: 2n ** 60n + 1n });
      expect(m.get("t.i64")).toEqual({ type: "i64", value: -(2n ** 40n) });
      expect(m.get("t.f32")).toEqual({ type: "f32", value: 0.5 });
      expect(m.get("t.f64")).toEqual({ type: "f64", value: Math.PI });
      expect(m.get("t.bool")).toEqual({ type: "bool", value: true });
      expect(m.get("t.str")).toEqual({ type: "string", value: "café ☕" });
      expect(m.get("t.strs")).toEqual({ type: "array", itemType: "string", items: ["a", "", "▁b"] });
      expect(m.get("t.nested")).toEqual({
        type: "array", itemType: "array",
        items: [{ type: "array", itemType: "u8", items: [1, 2] }, { type: "array", itemType: "string", items: ["x"] }],
      });

      const [tm, th, tq, tb] = f.tensors;
      expect(tm).toMatchObject({ name: "m", dims: [4, 3], type: 0, byteLength: 48, elementCount: 12 });
      expect(th).toMatchObject({ name: "h", dims: [4], type: 1, byteLength: 8 });
      expect(tq).toMatchObject({ name: "q", dims: [32, 2], type: 8, byteLength: 68 });
      for (const t of f.tensors) expect((t.fileOffset - f.dataOffset) % alignment).toBe(0);
      if (!tm || !th || !tq || !tb) throw new Error("tensors missing");
      expect(Array.from(readGgufTensor(f, tb))).toEqual([1, -2, 3.140625]);
      expect(Array.from(readGgufTensor(f, tm))).toEqual(Array.from(matrix));
      expect(Array.from(readGgufTensor(f, th))).toEqual(Array.from(halfExact));
      expect(Array.from(readGgufTensor(f, tq))).toEqual(Array.from(q8));
    });
  }
});
