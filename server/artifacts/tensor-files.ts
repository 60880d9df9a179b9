/**
 * Artifacts (directions, PCA components, embeddings) are stored as raw little-endian float32 and
 * offered for download in the two formats researchers load directly: NumPy `.npy` and safetensors.
 */

export interface Float32Tensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

function checkShape(t: Float32Tensor): void {
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (!t.shape.every((n) => Number.isInteger(n) && n >= 0) || size !== t.data.length) {
    throw new Error(`tensor ${t.name}: shape [${t.shape.join(", ")}] does not hold ${t.data.length} values`);
  }
}

/** The values as little-endian float32 bytes (a copy; the platform is little-endian like every Node target). */
export function float32Bytes(data: Float32Array): Buffer {
  return Buffer.from(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

/** Reads bytes written by float32Bytes. */
export function float32FromBytes(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw new Error(`${bytes.byteLength} bytes is not a whole number of float32 values`);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/** NumPy format version 1.0: magic, version, header length, a Python dict literal padded to 64 bytes, data. */
export function toNpy(tensor: Float32Tensor): Buffer {
  checkShape(tensor);
  const shape = tensor.shape.length === 1 ? `(${tensor.shape[0]},)` : `(${tensor.shape.join(", ")})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + dict.length + 1;
  const header = dict + " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  if (header.length > 0xffff) throw new Error("npy header too long");
  const preamble = Buffer.alloc(10);
  preamble.write("\x93NUMPY", 0, "latin1");
  preamble[6] = 1;
  preamble[7] = 0;
  preamble.writeUInt16LE(header.length, 8);
  return Buffer.concat([preamble, Buffer.from(header, "latin1"), float32Bytes(tensor.data)]);
}

/** safetensors: u64 header length, JSON header (padded to 8 bytes), then the tensors' bytes in order. */
export function toSafetensors(tensors: Float32Tensor[], metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const names = new Set<string>();
  for (const t of tensors) {
    checkShape(t);
    if (names.has(t.name) || t.name === "__metadata__") throw new Error(`duplicate or reserved tensor name ${t.name}`);
    names.add(t.name);
    header[t.name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const padded = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(padded.length));
  return Buffer.concat([length, padded, ...tensors.map((t) => float32Bytes(t.data))]);
}
