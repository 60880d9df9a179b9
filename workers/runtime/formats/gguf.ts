/**
 * GGUF v2/v3 reader: header, metadata key/values (all value types, nested arrays), tensor infos,
 * alignment and data offset. The header is read incrementally (it can hold a 150k-entry vocabulary);
 * tensor payloads are read one tensor at a time with positioned reads, never the whole file at once.
 * Every declared size is checked against the file size before anything is allocated, so a truncated
 * or corrupt file gives a ModelFormatError instead of a crash.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import path from "node:path";
import { dequantizeBF16, dequantizeF16, dequantizeF32, dequantizeQ8_0 } from "./dequantize";
import { ModelFormatError } from "./errors";
import { GGML_TYPE, SUPPORTED_GGML_TYPES, ggmlType, ggmlTypeName } from "./ggml-types";

export const GGUF_MAGIC = "GGUF";
export const GGUF_DEFAULT_ALIGNMENT = 32;

export const GGUF_VALUE_TYPES = ["u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64"] as const;
export type GgufValueType = (typeof GGUF_VALUE_TYPES)[number];
export type GgufScalarType = Exclude<GgufValueType, "array">;
/** u64/i64 are bigint (exact); every other number type is a JS number. */
export type GgufScalar = number | bigint | boolean | string;

export interface GgufScalarValue {
  type: GgufScalarType;
  value: GgufScalar;
}
export interface GgufArrayValue {
  type: "array";
  itemType: GgufValueType;
  /** Scalars, or nested arrays when itemType is "array". */
  items: GgufScalar[] | GgufArrayValue[];
}
export type GgufValue = GgufScalarValue | GgufArrayValue;

export interface GgufTensorInfo {
  name: string;
  /** GGML `ne`: dimensions fastest-varying first (ne = [in, out] is a row-major [out, in] matrix). */
  dims: number[];
  /** GGML type id (see ggml-types.ts). */
  type: number;
  /** Absolute offset of the payload in the file. */
  fileOffset: number;
  byteLength: number;
  elementCount: number;
}

export interface GgufFile {
  path: string;
  version: number;
  fileSize: number;
  alignment: number;
  /** Absolute offset where tensor data starts. */
  dataOffset: number;
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
}

/** Fixed byte sizes of scalar value types (strings and arrays are variable). */
const SCALAR_SIZE: Partial<Record<GgufValueType, number>> = {
  u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, bool: 1, u64: 8, i64: 8, f64: 8,
};

/** Sequential little-endian reads over the start of a file, growing its window on demand. */
class HeaderCursor {
  private buf: Buffer;
  pos = 0;
  /** What is being read, for error messages. */
  context = "header";

  constructor(
    private readonly fd: number,
    readonly fileSize: number,
    private readonly fileName: string,
  ) {
    this.buf = Buffer.alloc(0);
    this.grow(Math.min(fileSize, 1 << 20));
  }

  get remaining(): number {
    return this.fileSize - this.pos;
  }

  truncated(needed: number): ModelFormatError {
    return new ModelFormatError(
      `truncated GGUF file ${this.fileName}: ${this.context} needs ${needed} bytes at offset ${this.pos} but the file has ${this.fileSize} bytes`,
    );
  }

  private grow(target: number): void {
    const next = Buffer.alloc(target);
    this.buf.copy(next);
    let done = this.buf.length;
    while (done < target) {
      const n = readSync(this.fd, next, done, Math.min(target - done, 1 << 30), done);
      if (n === 0) throw this.truncated(target - done);
      done += n;
    }
    this.buf = next;
  }

  private need(n: number): void {
    if (n > this.remaining) throw this.truncated(n);
    const end = this.pos + n;
    if (end > this.buf.length) this.grow(Math.min(this.fileSize, Math.max(end, this.buf.length * 2)));
  }

  bytes(n: number): Buffer {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  u8(): number { this.need(1); return this.buf.readUInt8(this.pos++); }
  i8(): number { this.need(1); return this.buf.readInt8(this.pos++); }
  u16(): number { this.need(2); const v = this.buf.readUInt16LE(this.pos); this.pos += 2; return v; }
  i16(): number { this.need(2); const v = this.buf.readInt16LE(this.pos); this.pos += 2; return v; }
  u32(): number { this.need(4); const v = this.buf.readUInt32LE(this.pos); this.pos += 4; return v; }
  i32(): number { this.need(4); const v = this.buf.readInt32LE(this.pos); this.pos += 4; return v; }
  f32(): number { this.need(4); const v = this.buf.readFloatLE(this.pos); this.pos += 4; return v; }
  f64(): number { this.need(8); const v = this.buf.readDoubleLE(this.pos); this.pos += 8; return v; }
  u64(): bigint { this.need(8); const v = this.buf.readBigUInt64LE(this.pos); this.pos += 8; return v; }
  i64(): bigint { this.need(8); const v = this.buf.readBigInt64LE(this.pos); this.pos += 8; return v; }

  /** A u64 used as a size or count: must be a safe integer. */
  size(): number {
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelFormatError(`corrupt GGUF file ${this.fileName}: ${this.context} declares size ${v}`);
    return Number(v);
  }

  /** A count of items each at least `minItemBytes` long, checked against the bytes left. */
  count(minItemBytes: number): number {
    const n = this.size();
    if (n * minItemBytes > this.remaining) throw this.truncated(n * minItemBytes);
    return n;
  }

  string(): string {
    const len = this.size();
    return this.bytes(len).toString("utf8");
  }
}

function valueTypeName(id: number, cursor: HeaderCursor): GgufValueType {
  const t = GGUF_VALUE_TYPES[id];
  if (t === undefined) throw new ModelFormatError(`corrupt GGUF file: ${cursor.context} has unknown value type ${id}`);
  return t;
}

function readScalar(c: HeaderCursor, type: GgufScalarType): GgufScalar {
  switch (type) {
    case "u8": return c.u8();
    case "i8": return c.i8();
    case "u16": return c.u16();
    case "i16": return c.i16();
    case "u32": return c.u32();
    case "i32": return c.i32();
    case "f32": return c.f32();
    case "f64": return c.f64();
    case "u64": return c.u64();
    case "i64": return c.i64();
    case "bool": return c.u8() !== 0;
    case "string": return c.string();
  }
}

function readArray(c: HeaderCursor): GgufArrayValue {
  const itemType = valueTypeName(c.u32(), c);
  // Strings and arrays take at least 8 bytes (their length) per item.
  const count = c.count(SCALAR_SIZE[itemType] ?? 8);
  if (itemType === "array") {
    const items: GgufArrayValue[] = [];
    // Each nested array carries its own item type and count.
    for (let i = 0; i < count; i++) items.push(readArray(c));
    return { type: "array", itemType, items };
  }
  const items: GgufScalar[] = new Array<GgufScalar>(count);
  for (let i = 0; i < count; i++) items[i] = readScalar(c, itemType);
  return { type: "array", itemType, items };
}

function readValue(c: HeaderCursor, type: GgufValueType): GgufValue {
  return type === "array" ? readArray(c) : { type, value: readScalar(c, type) };
}

function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

function readAlignment(metadata: Map<string, GgufValue>): number {
  const entry = metadata.get("general.alignment");
  if (!entry) return GGUF_DEFAULT_ALIGNMENT;
  const v = entry.type === "array" ? Number.NaN : Number(entry.value);
  if (!Number.isInteger(v) || v <= 0 || (v & (v - 1)) !== 0) {
    throw new ModelFormatError(`corrupt GGUF file: general.alignment must be a positive power of two, got ${String(entry.type === "array" ? "an array" : entry.value)}`);
  }
  return v;
}

function readTensorInfo(c: HeaderCursor): { name: string; dims: number[]; type: number; relOffset: number } {
  c.context = "a tensor name";
  const name = c.string();
  c.context = `tensor info of ${name}`;
  const nDims = c.u32();
  if (nDims < 1 || nDims > 4) throw new ModelFormatError(`corrupt GGUF file: tensor ${name} has ${nDims} dimensions (1..4 allowed)`);
  const dims: number[] = [];
  for (let d = 0; d < nDims; d++) dims.push(c.size());
  const type = c.u32();
  const relOffset = c.size();
  return { name, dims, type, relOffset };
}

/** Reads the header, metadata and tensor infos of a GGUF file (not the tensor payloads). */
export function readGgufHeader(filePath: string): GgufFile {
  const fileName = path.basename(filePath);
  const fd = openSync(filePath, "r");
  try {
    const fileSize = fstatSync(fd).size;
    const c = new HeaderCursor(fd, fileSize, fileName);
    c.context = "the magic number";
    if (fileSize < 4) throw new ModelFormatError(`not a GGUF file: ${fileName} has only ${fileSize} bytes`);
    const magic = c.bytes(4);
    if (magic.toString("latin1") !== GGUF_MAGIC) {
      throw new ModelFormatError(`not a GGUF file: ${fileName} starts with bytes ${magic.toString("hex")}, expected the magic "GGUF" (47475546)`);
    }
    c.context = "the version";
    const version = c.u32();
    if (version === 1) throw new ModelFormatError(`GGUF version 1 (${fileName}) is not supported; re-convert the model to GGUF v3`);
    if (version !== 2 && version !== 3) {
      const hint = version > 0xffff ? " (a big-endian GGUF file?)" : "";
      throw new ModelFormatError(`unsupported GGUF version ${version}${hint} in ${fileName}; supported: 2, 3`);
    }
    c.context = "the tensor count";
    const tensorCount = c.count(24);
    c.context = "the metadata count";
    const kvCount = c.count(13);

    const metadata = new Map<string, GgufValue>();
    for (let i = 0; i < kvCount; i++) {
      c.context = `metadata key #${i}`;
      const key = c.string();
      c.context = `metadata value of ${key}`;
      metadata.set(key, readValue(c, valueTypeName(c.u32(), c)));
    }
    const alignment = readAlignment(metadata);

    const raw = [];
    for (let i = 0; i < tensorCount; i++) raw.push(readTensorInfo(c));
    const dataOffset = alignUp(c.pos, alignment);

    const tensors: GgufTensorInfo[] = raw.map(({ name, dims, type, relOffset }) => {
      const t = ggmlType(type);
      if (!t) throw new ModelFormatError(`unknown tensor type ${type} for ${name} in ${fileName}`);
      const elementCount = dims.reduce((a, b) => a * b, 1);
      const ne0 = dims[0] ?? 1;
      if (ne0 % t.blockSize !== 0) {
        throw new ModelFormatError(`corrupt GGUF file: tensor ${name} of type ${t.name} has a first dimension ${ne0} not divisible by its block size ${t.blockSize}`);
      }
      if (relOffset % alignment !== 0) throw new ModelFormatError(`corrupt GGUF file: tensor ${name} offset ${relOffset} is not aligned to ${alignment}`);
      const byteLength = (elementCount / t.blockSize) * t.typeSize;
      const fileOffset = dataOffset + relOffset;
      if (fileOffset + byteLength > fileSize) {
        throw new ModelFormatError(
          `truncated GGUF file ${fileName}: tensor ${name} needs bytes [${fileOffset}, ${fileOffset + byteLength}) but the file has ${fileSize} bytes`,
        );
      }
      return { name, dims, type, fileOffset, byteLength, elementCount };
    });
    return { path: filePath, version, fileSize, alignment, dataOffset, metadata, tensors };
  } finally {
    closeSync(fd);
  }
}

/** The raw payload bytes of one tensor (a positioned read, not the whole file). */
export function readGgufTensorBytes(file: GgufFile, info: GgufTensorInfo): Buffer {
  const out = Buffer.alloc(info.byteLength);
  const fd = openSync(file.path, "r");
  try {
    let done = 0;
    while (done < info.byteLength) {
      const n = readSync(fd, out, done, Math.min(info.byteLength - done, 1 << 30), info.fileOffset + done);
      if (n === 0) throw new ModelFormatError(`truncated GGUF file ${path.basename(file.path)}: tensor ${info.name} ends past the end of the file`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

export function unsupportedTensorTypeMessage(info: Pick<GgufTensorInfo, "name" | "type">): string {
  const supported = SUPPORTED_GGML_TYPES.map(ggmlTypeName).join(", ");
  return `unsupported tensor type ${ggmlTypeName(info.type)} (${info.type}) for ${info.name}; supported: ${supported}`;
}

/** Throws unless the tensor's type is one we dequantise. */
export function assertSupportedTensorType(info: Pick<GgufTensorInfo, "name" | "type">): void {
  if (!SUPPORTED_GGML_TYPES.includes(info.type)) throw new ModelFormatError(unsupportedTensorTypeMessage(info));
}

/** One tensor's payload dequantised to float32 (in GGML element order: ne[0] fastest). */
export function readGgufTensor(file: GgufFile, info: GgufTensorInfo): Float32Array {
  assertSupportedTensorType(info);
  const bytes = readGgufTensorBytes(file, info);
  switch (info.type) {
    case GGML_TYPE.F32: return dequantizeF32(bytes, info.elementCount);
    case GGML_TYPE.F16: return dequantizeF16(bytes, info.elementCount);
    case GGML_TYPE.BF16: return dequantizeBF16(bytes, info.elementCount);
    case GGML_TYPE.Q8_0: return dequantizeQ8_0(bytes, info.elementCount);
    default: throw new ModelFormatError(unsupportedTensorTypeMessage(info));
  }
}
