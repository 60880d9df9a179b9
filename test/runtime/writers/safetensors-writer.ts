/** Writes .safetensors files for tests (F32/F16/BF16, or raw entries for bad-file tests). */
import { writeFileSync } from "node:fs";
import { encodeBF16, encodeF16, encodeF32 } from "./encode";

export type SafetensorsDtype = "F32" | "F16" | "BF16";

export type SafetensorsTensor =
  | { name: string; shape: number[]; dtype: SafetensorsDtype; data: Float32Array }
  /** Any dtype string and payload, e.g. to write I64 or a payload that does not match its shape. */
  | { name: string; shape: number[]; dtype: string; raw: Uint8Array };

export interface SafetensorsWriteOptions {
  metadata?: Record<string, string>;
  /** Rewrites each entry's data_offsets (e.g. to point past the end). */
  mangleOffsets?: (name: string, offsets: [number, number]) => [number, number];
}

function encode(t: SafetensorsTensor): Uint8Array {
  if ("raw" in t) return t.raw;
  return t.dtype === "F32" ? encodeF32(t.data) : t.dtype === "F16" ? encodeF16(t.data) : encodeBF16(t.data);
}

export function safetensorsBytes(tensors: SafetensorsTensor[], options: SafetensorsWriteOptions = {}): Buffer {
  const header: Record<string, unknown> = {};
  if (options.metadata) header.__metadata__ = options.metadata;
  const payloads = tensors.map(encode);
  let offset = 0;
  tensors.forEach((t, i) => {
    const len = payloads[i]?.byteLength ?? 0;
    const offsets: [number, number] = [offset, offset + len];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: options.mangleOffsets ? options.mangleOffsets(t.name, offsets) : offsets };
    offset += len;
  });
  // The header is padded with spaces to 8 bytes, as the reference implementation does.
  const raw = Buffer.from(JSON.stringify(header), "utf8");
  const headerBytes = Buffer.concat([raw, Buffer.alloc((8 - (raw.length % 8)) % 8, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(headerBytes.length));
  return Buffer.concat([len, headerBytes, ...payloads.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))]);
}

export function writeSafetensors(filePath: string, tensors: SafetensorsTensor[], options: SafetensorsWriteOptions = {}): void {
  writeFileSync(filePath, safetensorsBytes(tensors, options));
}
