/**
 * safetensors reader: one file, or a sharded directory (model.safetensors.index.json). Header and
 * offsets are validated against the file size before any payload is read; payloads are read one
 * tensor at a time with positioned reads. dtypes F32, F16 and BF16 become float32.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { dequantizeBF16, dequantizeF16, dequantizeF32 } from "./dequantize";
import { ModelFormatError } from "./errors";

export const SAFETENSORS_DTYPE_SIZES: Readonly<Record<string, number>> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1, F8_E4M3: 1, F8_E5M2: 1,
};
export const SUPPORTED_SAFETENSORS_DTYPES = ["F32", "F16", "BF16"] as const;

/** Headers above this are refused rather than allocated (real ones are well under 10 MB). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  file: string;
  /** Absolute payload offset in `file`. */
  fileOffset: number;
  byteLength: number;
}

const entrySchema = z.object({
  dtype: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});
const metadataSchema = z.record(z.string(), z.string());

/** Reads and validates the header of one .safetensors file. */
export function readSafetensorsHeader(filePath: string): SafetensorsEntry[] {
  const fileName = path.basename(filePath);
  const fd = openSync(filePath, "r");
  try {
    const fileSize = fstatSync(fd).size;
    if (fileSize < 8) throw new ModelFormatError(`truncated safetensors file ${fileName}: ${fileSize} bytes, not even a header length`);
    const lenBuf = Buffer.alloc(8);
    readSync(fd, lenBuf, 0, 8, 0);
    const headerLen = Number(lenBuf.readBigUInt64LE(0));
    if (headerLen > fileSize - 8) throw new ModelFormatError(`truncated safetensors file ${fileName}: header of ${headerLen} bytes but the file has ${fileSize} bytes`);
    if (headerLen > MAX_HEADER_BYTES) throw new ModelFormatError(`corrupt safetensors file ${fileName}: header of ${headerLen} bytes`);
    const headerBuf = Buffer.alloc(headerLen);
    readSync(fd, headerBuf, 0, headerLen, 8);
    let json: unknown;
    try {
      json = JSON.parse(headerBuf.toString("utf8"));
    } catch {
      throw new ModelFormatError(`corrupt safetensors file ${fileName}: the header is not valid JSON`);
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ModelFormatError(`corrupt safetensors file ${fileName}: the header is not a JSON object`);
    const dataStart = 8 + headerLen;
    const dataSize = fileSize - dataStart;
    const entries: SafetensorsEntry[] = [];
    for (const [name, raw] of Object.entries(json)) {
      if (name === "__metadata__") {
        if (!metadataSchema.safeParse(raw).success) throw new ModelFormatError(`corrupt safetensors file ${fileName}: __metadata__ must map strings to strings`);
        continue;
      }
      const parsed = entrySchema.safeParse(raw);
      if (!parsed.success) throw new ModelFormatError(`corrupt safetensors file ${fileName}: tensor ${name} needs dtype, shape and data_offsets [begin, end]`);
      const { dtype, shape, data_offsets: [begin, end] } = parsed.data;
      const size = SAFETENSORS_DTYPE_SIZES[dtype];
      if (size === undefined) throw new ModelFormatError(`safetensors file ${fileName}: tensor ${name} has unknown dtype ${dtype}`);
      if (end < begin) throw new ModelFormatError(`corrupt safetensors file ${fileName}: tensor ${name} data_offsets [${begin}, ${end}] end before they begin`);
      if (end > dataSize) {
        throw new ModelFormatError(`safetensors file ${fileName}: tensor ${name} data_offsets [${begin}, ${end}] run past the end of the data (${dataSize} bytes; truncated file?)`);
      }
      const expected = shape.reduce((a, b) => a * b, 1) * size;
      if (end - begin !== expected) {
        throw new ModelFormatError(`corrupt safetensors file ${fileName}: tensor ${name} has ${end - begin} bytes, but ${dtype} [${shape.join(", ")}] needs ${expected}`);
      }
      entries.push({ name, dtype, shape, file: filePath, fileOffset: dataStart + begin, byteLength: end - begin });
    }
    const sorted = [...entries].sort((a, b) => a.fileOffset - b.fileOffset);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1];
      const cur = sorted[i];
      if (prev && cur && cur.fileOffset < prev.fileOffset + prev.byteLength) {
        throw new ModelFormatError(`corrupt safetensors file ${fileName}: tensors ${prev.name} and ${cur.name} overlap`);
      }
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

const indexSchema = z.object({
  metadata: z.record(z.string(), z.unknown()).optional(),
  weight_map: z.record(z.string(), z.string()),
});

export const SAFETENSORS_INDEX = "model.safetensors.index.json";
export const SAFETENSORS_SINGLE = "model.safetensors";

/** The weight files of an HF directory: the shards named by the index, or model.safetensors. */
export function safetensorsFiles(dir: string): string[] {
  const indexPath = path.join(dir, SAFETENSORS_INDEX);
  if (existsSync(indexPath)) {
    const index = parseIndex(indexPath);
    return [...new Set(Object.values(index.weight_map))].sort().map((f) => path.join(dir, f));
  }
  const single = path.join(dir, SAFETENSORS_SINGLE);
  if (existsSync(single)) return [single];
  throw new ModelFormatError(`${dir}: no ${SAFETENSORS_SINGLE} or ${SAFETENSORS_INDEX} (only safetensors weights are read)`);
}

function parseIndex(indexPath: string): z.infer<typeof indexSchema> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(indexPath, "utf8"));
  } catch {
    throw new ModelFormatError(`${SAFETENSORS_INDEX} is not valid JSON`);
  }
  const parsed = indexSchema.safeParse(json);
  if (!parsed.success) throw new ModelFormatError(`${SAFETENSORS_INDEX} needs a weight_map of tensor name -> shard file`);
  for (const f of Object.values(parsed.data.weight_map)) {
    if (f.includes("/") || f.includes("\\") || f.startsWith(".")) throw new ModelFormatError(`${SAFETENSORS_INDEX} names an unsafe shard path ${f}`);
  }
  return parsed.data;
}

/** Every tensor entry of an HF directory (single file or sharded), checked against the index. */
export function readSafetensorsDirectory(dir: string): SafetensorsEntry[] {
  const indexPath = path.join(dir, SAFETENSORS_INDEX);
  if (!existsSync(indexPath)) return readSafetensorsHeader(path.join(dir, SAFETENSORS_SINGLE));
  const index = parseIndex(indexPath);
  const entries: SafetensorsEntry[] = [];
  for (const file of safetensorsFiles(dir)) {
    if (!existsSync(file)) throw new ModelFormatError(`${SAFETENSORS_INDEX} names shard ${path.basename(file)}, which is missing`);
    entries.push(...readSafetensorsHeader(file));
  }
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.name)) throw new ModelFormatError(`tensor ${e.name} appears in more than one shard`);
    seen.add(e.name);
    const listed = index.weight_map[e.name];
    if (listed !== path.basename(e.file)) {
      throw new ModelFormatError(`tensor ${e.name} is in ${path.basename(e.file)} but ${SAFETENSORS_INDEX} says ${listed ?? "nothing"}`);
    }
  }
  for (const [name, file] of Object.entries(index.weight_map)) {
    if (!seen.has(name)) throw new ModelFormatError(`${SAFETENSORS_INDEX} lists tensor ${name} in ${file}, but that shard does not contain it`);
  }
  return entries;
}

/** One tensor as float32 (refusing dtypes other than F32/F16/BF16). */
export function readSafetensorsTensor(entry: SafetensorsEntry): Float32Array {
  if (!(SUPPORTED_SAFETENSORS_DTYPES as readonly string[]).includes(entry.dtype)) {
    throw new ModelFormatError(`unsupported dtype ${entry.dtype} for ${entry.name}; supported: ${SUPPORTED_SAFETENSORS_DTYPES.join(", ")}`);
  }
  const bytes = Buffer.alloc(entry.byteLength);
  const fd = openSync(entry.file, "r");
  try {
    let done = 0;
    while (done < entry.byteLength) {
      const n = readSync(fd, bytes, done, Math.min(entry.byteLength - done, 1 << 30), entry.fileOffset + done);
      if (n === 0) throw new ModelFormatError(`truncated safetensors file ${path.basename(entry.file)} while reading ${entry.name}`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  const count = entry.shape.reduce((a, b) => a * b, 1);
  if (entry.dtype === "F32") return dequantizeF32(bytes, count);
  if (entry.dtype === "F16") return dequantizeF16(bytes, count);
  return dequantizeBF16(bytes, count);
}
