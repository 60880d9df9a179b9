/**
 * Streams a GraphBuilder out as an ONNX ModelProto without ever holding all weights twice.
 *
 * Protobuf merges repeated occurrences of an embedded-message field, so the model is written as
 * one ModelProto head (graph structure + small constants) followed by one `graph { initializer }`
 * fragment per weight. Weights go in `raw_data` (little-endian float32) or, for models too big
 * for a single protobuf (2 GiB), into an external data file next to the model.
 */
import onnxProto from "onnx-proto";
import type { onnx as OnnxTypes } from "onnx-proto";
import { GraphBuilder, IR_VERSION, ONNX_DATA_TYPE, OPSET, type GraphIo } from "./builder";

const { onnx } = onnxProto;

export interface ModelSink {
  writeModel(bytes: Uint8Array): void;
  /** Required when external data is used. */
  writeData?(bytes: Uint8Array): void;
}

export interface SerializeOptions {
  /** File name (relative to the model file) for weights stored outside the protobuf. */
  externalDataLocation?: string;
  /** Weights at least this large go to the external file (default 1 KiB) when external data is on. */
  externalMinBytes?: number;
  producerVersion?: string;
}

const FIELD_MODEL_GRAPH = 7;
const FIELD_GRAPH_INITIALIZER = 5;
const FIELD_TENSOR_RAW_DATA = 9;
const WIRE_LEN = 2;
const EXTERNAL_ALIGN = 4096;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function serializeModel(g: GraphBuilder, sink: ModelSink, options: SerializeOptions = {}): void {
  sink.writeModel(encodeHead(g, options.producerVersion ?? ""));
  const external = options.externalDataLocation;
  const minBytes = options.externalMinBytes ?? 1024;
  let dataOffset = 0;
  for (const w of g.weights) {
    const data = w.produce();
    const expected = w.dims.reduce((a, b) => a * b, 1);
    if (data.length !== expected) throw new Error(`weight ${w.name}: ${data.length} values for dims [${w.dims.join(", ")}]`);
    const bytes = floatBytes(data);
    if (external && bytes.length >= minBytes) {
      if (!sink.writeData) throw new Error("external data requested but the sink has no data file");
      const pad = (EXTERNAL_ALIGN - (dataOffset % EXTERNAL_ALIGN)) % EXTERNAL_ALIGN;
      if (pad > 0) sink.writeData(new Uint8Array(pad));
      dataOffset += pad;
      const header = onnx.TensorProto.encode({
        name: w.name,
        dims: w.dims,
        dataType: ONNX_DATA_TYPE.float,
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: "location", value: external },
          { key: "offset", value: String(dataOffset) },
          { key: "length", value: String(bytes.length) },
        ],
      }).finish();
      sink.writeModel(initializerFragment(header, null));
      sink.writeData(bytes);
      dataOffset += bytes.length;
    } else {
      const header = onnx.TensorProto.encode({ name: w.name, dims: w.dims, dataType: ONNX_DATA_TYPE.float }).finish();
      sink.writeModel(initializerFragment(header, bytes.length));
      sink.writeModel(bytes);
    }
  }
}

/** The whole model in one buffer (tests, small models, in-memory sessions). */
export function serializeModelToBuffer(g: GraphBuilder, producerVersion = ""): Uint8Array {
  const chunks: Uint8Array[] = [];
  serializeModel(g, { writeModel: (b) => chunks.push(b.slice()) }, { producerVersion });
  return Buffer.concat(chunks);
}

/** Total bytes of all float weights. */
export function weightBytes(g: GraphBuilder): number {
  return g.weights.reduce((sum, w) => sum + 4 * w.dims.reduce((a, b) => a * b, 1), 0);
}

function encodeHead(g: GraphBuilder, producerVersion: string): Uint8Array {
  const model: OnnxTypes.IModelProto = {
    irVersion: IR_VERSION,
    producerName: "mechmap",
    producerVersion,
    opsetImport: [{ domain: "", version: OPSET }],
    graph: {
      name: g.graphName,
      node: g.nodes,
      input: g.inputs.map(valueInfo),
      output: g.outputs.map(valueInfo),
      initializer: g.constants.map((c) =>
        c.type === "int64"
          ? { name: c.name, dims: c.dims, dataType: ONNX_DATA_TYPE.int64, int64Data: c.values }
          : c.type === "float"
            ? { name: c.name, dims: c.dims, dataType: ONNX_DATA_TYPE.float, floatData: c.values }
            : { name: c.name, dims: c.dims, dataType: ONNX_DATA_TYPE.bool, int32Data: c.values },
      ),
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

function valueInfo(io: GraphIo): OnnxTypes.IValueInfoProto {
  return {
    name: io.name,
    type: {
      tensorType: {
        elemType: ONNX_DATA_TYPE[io.type],
        shape: { dim: io.dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/**
 * `ModelProto.graph { initializer { <header> [raw_data: <rawLength bytes>] } }` — everything but the
 * raw bytes themselves, which the caller writes right after (so they are never copied).
 */
function initializerFragment(tensorHeader: Uint8Array, rawLength: number | null): Uint8Array {
  const rawPrefix = rawLength === null ? [] : [tag(FIELD_TENSOR_RAW_DATA), ...varint(rawLength)];
  const tensorLen = tensorHeader.length + rawPrefix.length + (rawLength ?? 0);
  const initPrefix = [tag(FIELD_GRAPH_INITIALIZER), ...varint(tensorLen)];
  const graphLen = initPrefix.length + tensorLen;
  const graphPrefix = [tag(FIELD_MODEL_GRAPH), ...varint(graphLen)];
  const out = new Uint8Array(graphPrefix.length + initPrefix.length + tensorHeader.length + rawPrefix.length);
  let o = 0;
  for (const part of [graphPrefix, initPrefix]) for (const b of part) out[o++] = b;
  out.set(tensorHeader, o);
  o += tensorHeader.length;
  for (const b of rawPrefix) out[o++] = b;
  return out;
}

function tag(field: number): number {
  return (field << 3) | WIRE_LEN;
}

function varint(n: number): number[] {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`bad varint ${n}`);
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function floatBytes(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i] ?? 0, true);
  return out;
}
