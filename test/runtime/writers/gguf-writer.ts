/**
 * Writes small GGUF v3 (or v2) files for tests: metadata of any value type and F32/F16/Q8_0
 * tensors (or raw bytes of any GGML type, to build files the loader must refuse). The layout is the
 * production writer's (workers/runtime/formats/gguf-writer.ts); this adds row-major shapes, the
 * test encoders and a synchronous in-memory form.
 */
import { writeFileSync } from "node:fs";
import type { GgufScalar, GgufScalarType, GgufValue } from "../../../workers/runtime/formats/gguf";
import { type GgufContents, ggufLayout, tensorPayload } from "../../../workers/runtime/formats/gguf-writer";
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

function payload(t: WritableTensor): { typeId: number; bytes: Uint8Array } {
  if ("raw" in t) return { typeId: t.ggmlTypeId, bytes: t.raw };
  const bytes = t.type === "F32" ? encodeF32(t.data) : t.type === "F16" ? encodeF16(t.data) : encodeQ8_0(t.data);
  return { typeId: TYPE_IDS[t.type], bytes };
}

function contentsOf(options: GgufWriteOptions): GgufContents {
  const alignment = options.alignment ?? 32;
  const metadata = [...options.metadata].filter(([k]) => k !== "general.alignment");
  if (alignment !== 32) metadata.push(["general.alignment", gv.u32(alignment)]);
  const tensors = options.tensors.map((t) => {
    const p = payload(t);
    // The file stores ne (fastest first): the row-major shape reversed.
    return { name: t.name, dims: [...t.shape].reverse(), type: p.typeId, data: () => p.bytes };
  });
  return { version: options.version ?? 3, metadata, tensors };
}

/** The bytes of a GGUF file (the production writer's layout, assembled in memory). */
export function ggufBytes(options: GgufWriteOptions): Buffer {
  const contents = contentsOf(options);
  const layout = ggufLayout(contents);
  const parts: Uint8Array[] = [layout.header];
  contents.tensors.forEach((t, i) => {
    const n = layout.byteLengths[i] ?? 0;
    parts.push(tensorPayload(t, n), Buffer.alloc((layout.alignment - (n % layout.alignment)) % layout.alignment));
  });
  return Buffer.concat(parts);
}

export function writeGguf(filePath: string, options: GgufWriteOptions): void {
  writeFileSync(filePath, ggufBytes(options));
}
