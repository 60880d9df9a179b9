/**
 * GGUF v3 (or v2) writer: header, metadata of every value type the reader knows (nested arrays
 * included), tensor infos, alignment (`general.alignment`, default 32) and tensor data. The header is
 * built in memory (it is small next to the weights); tensor payloads are produced one at a time and
 * streamed to a file handle, hashed on the way. The file appears under its name only when complete:
 * it is written to a temporary name beside it and renamed at the end (removed on any failure).
 */
import { createHash } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VALUE_TYPES, type GgufArrayValue, type GgufScalar, type GgufScalarType, type GgufValue, type GgufValueType } from "./gguf";
import { ggmlType, ggmlTypeName } from "./ggml-types";

export interface GgufTensorToWrite {
  name: string;
  /** GGML `ne`: dimensions fastest-varying first (a row-major [out, in] matrix is ne = [in, out]). */
  dims: readonly number[];
  /** GGML type id (ggml-types.ts). */
  type: number;
  /** The payload, produced when the writer reaches this tensor (so only one is in memory at a time). */
  data: () => Uint8Array;
}

export interface GgufContents {
  version?: 2 | 3;
  /** Written in order; `general.alignment`, when present, sets the alignment. */
  metadata: Iterable<readonly [string, GgufValue]>;
  tensors: readonly GgufTensorToWrite[];
}

export interface GgufLayout {
  /** Header, metadata and tensor infos, padded to the alignment: the bytes before tensor data. */
  header: Buffer;
  alignment: number;
  /** Payload size of each tensor, in order. */
  byteLengths: number[];
  /** Total file size. */
  fileSize: number;
}

/** Little-endian bytes appended to a growing buffer. */
class HeaderBuilder {
  private buf = Buffer.alloc(4096);
  length = 0;

  private reserve(n: number): number {
    if (this.length + n > this.buf.length) {
      const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  /** Reserves `n` bytes and returns the (possibly new) buffer and where to write. */
  private at(n: number): [Buffer, number] {
    const offset = this.reserve(n);
    return [this.buf, offset];
  }

  bytes(b: Uint8Array): void { const [buf, o] = this.at(b.length); buf.set(b, o); }
  u8(v: number): void { const [buf, o] = this.at(1); buf.writeUInt8(v, o); }
  i8(v: number): void { const [buf, o] = this.at(1); buf.writeInt8(v, o); }
  u16(v: number): void { const [buf, o] = this.at(2); buf.writeUInt16LE(v, o); }
  i16(v: number): void { const [buf, o] = this.at(2); buf.writeInt16LE(v, o); }
  u32(v: number): void { const [buf, o] = this.at(4); buf.writeUInt32LE(v, o); }
  i32(v: number): void { const [buf, o] = this.at(4); buf.writeInt32LE(v, o); }
  f32(v: number): void { const [buf, o] = this.at(4); buf.writeFloatLE(v, o); }
  f64(v: number): void { const [buf, o] = this.at(8); buf.writeDoubleLE(v, o); }
  u64(v: number | bigint): void { const [buf, o] = this.at(8); buf.writeBigUInt64LE(BigInt(v), o); }
  i64(v: number | bigint): void { const [buf, o] = this.at(8); buf.writeBigInt64LE(BigInt(v), o); }
  string(s: string): void {
    const b = Buffer.from(s, "utf8");
    this.u64(b.length);
    this.bytes(b);
  }
  pad(alignment: number): void { this.reserve(padding(this.length, alignment)); }
  result(): Buffer { return this.buf.subarray(0, this.length); }
}

function padding(offset: number, alignment: number): number {
  return (alignment - (offset % alignment)) % alignment;
}

function valueTypeId(t: GgufValueType): number {
  return GGUF_VALUE_TYPES.indexOf(t);
}

function numberOf(key: string, type: GgufScalarType, v: GgufScalar): number {
  if (typeof v !== "number") throw new TypeError(`GGUF metadata ${key}: a ${type} needs a number, got ${typeof v}`);
  return v;
}

function writeScalar(out: HeaderBuilder, key: string, type: GgufScalarType, v: GgufScalar): void {
  switch (type) {
    case "u8": return out.u8(numberOf(key, type, v));
    case "i8": return out.i8(numberOf(key, type, v));
    case "u16": return out.u16(numberOf(key, type, v));
    case "i16": return out.i16(numberOf(key, type, v));
    case "u32": return out.u32(numberOf(key, type, v));
    case "i32": return out.i32(numberOf(key, type, v));
    case "f32": return out.f32(numberOf(key, type, v));
    case "f64": return out.f64(numberOf(key, type, v));
    case "u64":
    case "i64":
      if (typeof v !== "bigint" && typeof v !== "number") throw new TypeError(`GGUF metadata ${key}: a ${type} needs a bigint, got ${typeof v}`);
      return type === "u64" ? out.u64(v) : out.i64(v);
    case "bool":
      if (typeof v !== "boolean") throw new TypeError(`GGUF metadata ${key}: a bool needs a boolean, got ${typeof v}`);
      return out.u8(v ? 1 : 0);
    case "string":
      if (typeof v !== "string") throw new TypeError(`GGUF metadata ${key}: a string needs a string, got ${typeof v}`);
      return out.string(v);
  }
}

function writeArray(out: HeaderBuilder, key: string, v: GgufArrayValue): void {
  out.u32(valueTypeId(v.itemType));
  out.u64(v.items.length);
  for (const item of v.items) {
    if (v.itemType === "array") {
      if (typeof item !== "object") throw new TypeError(`GGUF metadata ${key}: an array of arrays holds a ${typeof item}`);
      writeArray(out, key, item);
    } else {
      if (typeof item === "object") throw new TypeError(`GGUF metadata ${key}: an array of ${v.itemType} holds an array`);
      writeScalar(out, key, v.itemType, item);
    }
  }
}

function alignmentOf(metadata: ReadonlyArray<readonly [string, GgufValue]>): number {
  const entry = metadata.find(([k]) => k === "general.alignment")?.[1];
  if (!entry) return GGUF_DEFAULT_ALIGNMENT;
  const v = entry.type === "array" ? Number.NaN : Number(entry.value);
  if (!Number.isInteger(v) || v <= 0 || (v & (v - 1)) !== 0) throw new RangeError(`general.alignment must be a positive power of two, got ${entry.type === "array" ? "an array" : String(entry.value)}`);
  return v;
}

/** The payload size a tensor of this type and shape must have. */
export function tensorByteLength(tensor: Pick<GgufTensorToWrite, "name" | "dims" | "type">): number {
  const t = ggmlType(tensor.type);
  if (!t) throw new RangeError(`tensor ${tensor.name}: unknown GGML type ${tensor.type}`);
  if (tensor.dims.length < 1 || tensor.dims.length > 4) throw new RangeError(`tensor ${tensor.name}: ${tensor.dims.length} dimensions (1..4 allowed)`);
  if (tensor.dims.some((d) => !Number.isSafeInteger(d) || d < 1)) throw new RangeError(`tensor ${tensor.name}: bad dimensions [${tensor.dims.join(", ")}]`);
  const ne0 = tensor.dims[0] ?? 1;
  if (ne0 % t.blockSize !== 0) throw new RangeError(`tensor ${tensor.name}: a ${t.name} row of ${ne0} values is not whole blocks of ${t.blockSize}`);
  const count = tensor.dims.reduce((a, b) => a * b, 1);
  return (count / t.blockSize) * t.typeSize;
}

/** Everything before the tensor data, and where each payload goes. */
export function ggufLayout(contents: Omit<GgufContents, "tensors"> & { tensors: ReadonlyArray<Pick<GgufTensorToWrite, "name" | "dims" | "type">> }): GgufLayout {
  const metadata = [...contents.metadata];
  const alignment = alignmentOf(metadata);
  const names = new Set<string>();
  const out = new HeaderBuilder();
  out.bytes(Buffer.from(GGUF_MAGIC, "latin1"));
  out.u32(contents.version ?? 3);
  out.u64(contents.tensors.length);
  out.u64(metadata.length);
  for (const [key, value] of metadata) {
    if (names.has(key)) throw new RangeError(`GGUF metadata key ${key} appears twice`);
    names.add(key);
    out.string(key);
    out.u32(valueTypeId(value.type));
    if (value.type === "array") writeArray(out, key, value);
    else writeScalar(out, key, value.type, value.value);
  }
  names.clear();
  const byteLengths: number[] = [];
  let offset = 0;
  for (const t of contents.tensors) {
    if (names.has(t.name)) throw new RangeError(`tensor ${t.name} appears twice`);
    names.add(t.name);
    const byteLength = tensorByteLength(t);
    out.string(t.name);
    out.u32(t.dims.length);
    for (const d of t.dims) out.u64(d);
    out.u32(t.type);
    out.u64(offset);
    byteLengths.push(byteLength);
    offset += byteLength + padding(byteLength, alignment);
  }
  out.pad(alignment);
  const header = out.result();
  return { header, alignment, byteLengths, fileSize: header.length + offset };
}

/** A tensor's payload, checked against the size its type and shape imply. */
export function tensorPayload(tensor: GgufTensorToWrite, byteLength: number): Uint8Array {
  const bytes = tensor.data();
  if (bytes.byteLength !== byteLength) {
    throw new RangeError(`tensor ${tensor.name}: a ${ggmlTypeName(tensor.type)} payload of shape [${tensor.dims.join(", ")}] is ${byteLength} bytes, got ${bytes.byteLength}`);
  }
  return bytes;
}

export interface WrittenGguf {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * Writes a GGUF file, tensor by tensor, and returns its size and sha256. The file is complete under
 * `filePath` or absent: on any error (including one thrown by a tensor's `data()`), nothing is left.
 * An existing file at `filePath` is replaced only at the very end.
 */
export async function writeGgufFile(filePath: string, contents: GgufContents): Promise<WrittenGguf> {
  const layout = ggufLayout(contents);
  const temp = path.join(path.dirname(filePath), `.${path.basename(filePath)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const hash = createHash("sha256");
  const zeros = Buffer.alloc(layout.alignment);
  const handle = await open(temp, "wx");
  let written = 0;
  try {
    const put = async (bytes: Uint8Array) => {
      hash.update(bytes);
      let done = 0;
      while (done < bytes.byteLength) {
        const { bytesWritten } = await handle.write(bytes, done, bytes.byteLength - done);
        done += bytesWritten;
      }
      written += bytes.byteLength;
    };
    await put(layout.header);
    for (const [i, tensor] of contents.tensors.entries()) {
      const byteLength = layout.byteLengths[i] ?? 0;
      await put(tensorPayload(tensor, byteLength));
      await put(zeros.subarray(0, padding(byteLength, layout.alignment)));
    }
    if (written !== layout.fileSize) throw new Error(`GGUF writer: wrote ${written} bytes, expected ${layout.fileSize}`);
    await handle.sync();
    await handle.close();
    await rename(temp, filePath);
  } catch (e) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
    throw e;
  }
  return { path: filePath, bytes: written, sha256: hash.digest("hex") };
}
