/**
 * Writes small GGUF v3 (or v2) files for tests: metadata of any value type and F32/F16/Q8_0
 * tensors (or raw bytes of any GGML type, to build files the loader must refuse).
 */
import { writeFileSync } from "node:fs";
import type { GgufArrayValue, GgufScalar, GgufScalarType, GgufValue, GgufValueType } from "../../../workers/runtime/formats/gguf";
import { GGUF_VALUE_TYPES } from "../../../workers/runtime/formats/gguf";
import { ggmlType } from "../../../workers/runtime/formats/ggml-types";
import { encodeF16, encodeF32, encodeQ8_0 } from "./encode";

/** Shorthands for typed metadata values. */
export const gv = {
  u8: (v: number): GgufValue => ({ type: "u8", value: v }),
  i8: (v: number): GgufValue => ({ type: "i8", value: v }),
  u16: (v: number): GgufValue => ({ type: "u16", value: v }),
  i16: (v: number): GgufValue => ({ type: "i16", value: v }),
  u32: (v: number): GgufValue => ({ type: "u32", value: v }),
  i32: (v: number): GgufValue => ({ type: "i32", value: v }),
  u64: (v: bigint): GgufValue => ({ type: "u64", value: v }),
  i64: (v: bigint): GgufValue => ({ type: "i64", value: v }),
  f32: (v: number): GgufValue => ({ type: "f32", value: v }),
  f64: (v: number): GgufValue => ({ type: "f64", value: v }),
  bool: (v: boolean): GgufValue => ({ type: "bool", value: v }),
  str: (v: string): GgufValue => ({ type: "string", value: v }),
  arr: (itemType: GgufScalarType, items: GgufScalar[]): GgufValue => ({ type: "array", itemType, items }),
  strs: (items: string[]): GgufValue => ({ type: "array", itemType: "string", items }),
  f32s: (items: number[]): GgufValue => ({ type: "array", itemType: "f32", items }),
  i32s: (items: number[]): GgufValue => ({ type: "array", itemType: "i32", items }),
};

export type WritableTensor =
  /** `shape` is row-major (slowest first, like types.ts); the file stores it reversed as ne. */
  | { name: string; shape: number[]; type: "F32" | "F16" | "Q8_0"; data: Float32Array }
  /** Raw payload bytes of any GGML type id, for bad-file tests. */
  | { name: string; shape: number[]; ggmlTypeId: number; raw: Uint8Array };

export interface GgufWriteOptions {
  metadata: Array<[string, GgufValue]> | Map<string, GgufValue>;
  tensors: WritableTensor[];
  version?: 2 | 3;
  /** Written as general.alignment when not 32. */
  alignment?: number;
}

const TYPE_IDS: Record<"F32" | "F16" | "Q8_0", number> = { F32: 0, F16: 1, Q8_0: 8 };

class ByteSink {
  private chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u32(v: number): void { const b = Buffer.alloc(4); b.writeUInt32LE(v); this.push(b); }
  u64(v: number | bigint): void { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); this.push(b); }
  string(s: string): void { const b = Buffer.from(s, "utf8"); this.u64(b.length); this.push(b); }
  pad(alignment: number): void { const n = (alignment - (this.length % alignment)) % alignment; if (n) this.push(Buffer.alloc(n)); }
  concat(): Buffer { return Buffer.concat(this.chunks); }
}

function typeId(t: GgufValueType): number {
  return GGUF_VALUE_TYPES.indexOf(t);
}

function writeScalar(out: ByteSink, type: GgufScalarType, v: GgufScalar): void {
  const b = Buffer.alloc(8);
  switch (type) {
    case "u8": b.writeUInt8(Number(v)); return out.push(b.subarray(0, 1));
    case "i8": b.writeInt8(Number(v)); return out.push(b.subarray(0, 1));
    case "u16": b.writeUInt16LE(Number(v)); return out.push(b.subarray(0, 2));
    case "i16": b.writeInt16LE(Number(v)); return out.push(b.subarray(0, 2));
    case "u32": b.writeUInt32LE(Number(v)); return out.push(b.subarray(0, 4));
    case "i32": b.writeInt32LE(Number(v)); return out.push(b.subarray(0, 4));
    case "f32": b.writeFloatLE(Number(v)); return out.push(b.subarray(0, 4));
    case "f64": b.writeDoubleLE(Number(v)); return out.push(b);
    case "u64": b.writeBigUInt64LE(BigInt(v)); return out.push(b);
    case "i64": b.writeBigInt64LE(BigInt(v)); return out.push(b);
    case "bool": return out.push(Buffer.from([v ? 1 : 0]));
    case "string": return out.string(String(v));
  }
}

function writeArray(out: ByteSink, v: GgufArrayValue): void {
  out.u32(typeId(v.itemType));
  out.u64(v.items.length);
  for (const item of v.items) {
    if (v.itemType === "array") writeArray(out, item as GgufArrayValue);
    else writeScalar(out, v.itemType, item as GgufScalar);
  }
}

function payload(t: WritableTensor): { typeId: number; bytes: Uint8Array } {
  if ("raw" in t) return { typeId: t.ggmlTypeId, bytes: t.raw };
  const bytes = t.type === "F32" ? encodeF32(t.data) : t.type === "F16" ? encodeF16(t.data) : encodeQ8_0(t.data);
  return { typeId: TYPE_IDS[t.type], bytes };
}

/** The bytes of a GGUF file. */
export function ggufBytes(options: GgufWriteOptions): Buffer {
  const alignment = options.alignment ?? 32;
  const metadata = [...options.metadata].filter(([k]) => k !== "general.alignment");
  if (alignment !== 32) metadata.push(["general.alignment", gv.u32(alignment)]);
  const out = new ByteSink();
  out.push(Buffer.from("GGUF", "latin1"));
  out.u32(options.version ?? 3);
  out.u64(options.tensors.length);
  out.u64(metadata.length);
  for (const [key, value] of metadata) {
    out.string(key);
    out.u32(typeId(value.type));
    if (value.type === "array") writeArray(out, value);
    else writeScalar(out, value.type, value.value);
  }
  const payloads = options.tensors.map(payload);
  let offset = 0;
  const offsets: number[] = [];
  options.tensors.forEach((t, i) => {
    const p = payloads[i];
    if (!p) return;
    const gt = ggmlType(p.typeId);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (gt && !("raw" in t) && (count / gt.blockSize) * gt.typeSize !== p.bytes.length) throw new Error(`bad payload size for ${t.name}`);
    out.string(t.name);
    out.u32(t.shape.length);
    for (const d of [...t.shape].reverse()) out.u64(d);
    out.u32(p.typeId);
    out.u64(offset);
    offsets.push(offset);
    offset += Math.ceil(p.bytes.length / alignment) * alignment;
  });
  out.pad(alignment);
  for (const p of payloads) {
    out.push(Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength));
    out.pad(alignment);
  }
  return out.concat();
}

export function writeGguf(filePath: string, options: GgufWriteOptions): void {
  writeFileSync(filePath, ggufBytes(options));
}
