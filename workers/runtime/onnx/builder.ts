/**
 * A tiny ONNX graph-building DSL. Each method appends one node and returns its output value.
 * Large float weights are recorded lazily (a `produce` callback) so they can be streamed to disk
 * one at a time by `serialize.ts` instead of being held twice in memory.
 */
import type { onnx } from "onnx-proto";

/** ONNX opset this compiler targets (LayerNormalization needs 17). */
export const OPSET = 17;
/** IR version 8 is understood by every onnxruntime that supports opset 17. */
export const IR_VERSION = 8;

export type ElemType = "float" | "int64" | "bool";

export const ONNX_DATA_TYPE: Record<ElemType, number> = { float: 1, int64: 7, bool: 9 };

/** A named value in the graph (node output, graph input or initializer). */
export interface Value {
  readonly name: string;
}

/** A dimension: a fixed size or a symbolic name (e.g. "batch"). */
export type Dim = number | string;

export type AttrValue = number | number[] | string | { float: number } | { floats: number[] };

/** A float weight whose bytes are produced only at serialization time. */
export interface LazyInitializer {
  name: string;
  dims: number[];
  /** Returns the row-major float32 data (may be a view on the source tensor). */
  produce: () => Float32Array;
}

/** A small constant stored inline (shape vectors, scalars). */
export interface InlineInitializer {
  name: string;
  dims: number[];
  type: ElemType;
  values: number[];
}

export interface GraphIo {
  name: string;
  type: ElemType;
  dims: Dim[];
}

export class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly inputs: GraphIo[] = [];
  readonly outputs: GraphIo[] = [];
  readonly weights: LazyInitializer[] = [];
  readonly constants: InlineInitializer[] = [];
  private readonly used = new Set<string>();
  private readonly constCache = new Map<string, Value>();
  private counter = 0;

  constructor(readonly graphName: string) {}

  /** A fresh value name derived from `hint`. */
  fresh(hint: string): string {
    let name = hint;
    while (this.used.has(name)) name = `${hint}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  private claim(name: string): string {
    if (this.used.has(name)) throw new Error(`graph value name already used: ${name}`);
    this.used.add(name);
    return name;
  }

  input(name: string, type: ElemType, dims: Dim[]): Value {
    this.inputs.push({ name: this.claim(name), type, dims });
    return { name };
  }

  /** Exposes `value` as graph output `name` (through an Identity node when the names differ). */
  output(value: Value, name: string, type: ElemType, dims: Dim[]): void {
    const outName = value.name === name ? name : this.node("Identity", [value], {}, name).name;
    this.outputs.push({ name: outName, type, dims });
  }

  weight(name: string, dims: number[], produce: () => Float32Array): Value {
    this.weights.push({ name: this.claim(name), dims, produce });
    return { name };
  }

  /** A float constant (scalar when dims is []). Identical constants are shared. */
  constFloat(values: number[], dims: number[] = values.length === 1 ? [] : [values.length]): Value {
    return this.constant("float", values, dims);
  }

  constInt64(values: number[], dims: number[] = [values.length]): Value {
    return this.constant("int64", values, dims);
  }

  private constant(type: ElemType, values: number[], dims: number[]): Value {
    const key = `${type}|${dims.join(",")}|${values.join(",")}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = this.fresh(`const_${type}_${values.length === 1 ? String(values[0]).replace(/[^0-9a-z]/gi, "_") : "v"}`);
    this.constants.push({ name, dims, type, values });
    const value = { name };
    this.constCache.set(key, value);
    return value;
  }

  /** Appends one node with a single output. */
  node(op: string, inputs: Array<Value | null>, attrs: Record<string, AttrValue> = {}, outName?: string): Value {
    const [out] = this.nodeMulti(op, inputs, 1, attrs, outName ? [outName] : undefined);
    if (!out) throw new Error("unreachable");
    return out;
  }

  nodeMulti(
    op: string,
    inputs: Array<Value | null>,
    nOutputs: number,
    attrs: Record<string, AttrValue> = {},
    outNames?: string[],
  ): Value[] {
    const outputs: string[] = [];
    for (let i = 0; i < nOutputs; i++) {
      const wanted = outNames?.[i];
      outputs.push(wanted ? this.claim(wanted) : this.fresh(`${op.toLowerCase()}_${this.nodes.length}`));
    }
    this.nodes.push({
      opType: op,
      name: `n${this.nodes.length}_${op}`,
      input: inputs.map((v) => (v ? v.name : "")),
      output: outputs,
      attribute: Object.entries(attrs).map(([name, v]) => toAttribute(name, v)),
    });
    return outputs.map((name) => ({ name }));
  }

  // ---- elementwise -------------------------------------------------------------------------
  add(a: Value, b: Value, out?: string): Value { return this.node("Add", [a, b], {}, out); }
  sub(a: Value, b: Value): Value { return this.node("Sub", [a, b]); }
  mul(a: Value, b: Value): Value { return this.node("Mul", [a, b]); }
  div(a: Value, b: Value): Value { return this.node("Div", [a, b]); }
  pow(a: Value, b: Value): Value { return this.node("Pow", [a, b]); }
  sqrt(a: Value): Value { return this.node("Sqrt", [a]); }
  tanh(a: Value): Value { return this.node("Tanh", [a]); }
  sigmoid(a: Value): Value { return this.node("Sigmoid", [a]); }
  cos(a: Value): Value { return this.node("Cos", [a]); }
  sin(a: Value): Value { return this.node("Sin", [a]); }
  max(a: Value, b: Value): Value { return this.node("Max", [a, b]); }
  and(a: Value, b: Value): Value { return this.node("And", [a, b]); }
  lessOrEqual(a: Value, b: Value): Value { return this.node("LessOrEqual", [a, b]); }
  where(cond: Value, a: Value, b: Value): Value { return this.node("Where", [cond, a, b]); }
  cast(a: Value, to: ElemType): Value { return this.node("Cast", [a], { to: ONNX_DATA_TYPE[to] }); }

  // ---- linear algebra ----------------------------------------------------------------------
  matmul(a: Value, b: Value): Value { return this.node("MatMul", [a, b]); }
  /** Y = A · Bᵀ (+ C) for 2-D A. */
  gemmTransB(a: Value, b: Value, c?: Value): Value {
    return this.node("Gemm", c ? [a, b, c] : [a, b], { transB: 1 });
  }

  // ---- shape -------------------------------------------------------------------------------
  /** Reshape to a fixed pattern (0 copies the input dimension, -1 infers one). */
  reshape(x: Value, shape: number[] | Value): Value {
    return this.node("Reshape", [x, Array.isArray(shape) ? this.constInt64(shape) : shape]);
  }
  transpose(x: Value, perm: number[]): Value { return this.node("Transpose", [x], { perm }); }
  concat(xs: Value[], axis: number): Value { return this.node("Concat", xs, { axis }); }
  slice(x: Value, starts: number[], ends: number[], axes: number[]): Value {
    return this.node("Slice", [x, this.constInt64(starts), this.constInt64(ends), this.constInt64(axes)]);
  }
  unsqueeze(x: Value, axes: number[]): Value { return this.node("Unsqueeze", [x, this.constInt64(axes)]); }
  gather(data: Value, indices: Value, axis = 0): Value { return this.node("Gather", [data, indices], { axis }); }
  shape(x: Value): Value { return this.node("Shape", [x]); }
  /** One dimension of `x` as an int64 scalar. */
  dim(x: Value, axis: number): Value { return this.gather(this.shape(x), this.constInt64([axis], []), 0); }
  range(start: Value, limit: Value, delta: Value): Value { return this.node("Range", [start, limit, delta]); }
  tile(x: Value, repeats: number[]): Value { return this.node("Tile", [x, this.constInt64(repeats)]); }

  // ---- reductions / normalisation -----------------------------------------------------------
  reduceMean(x: Value, axes: number[], keepdims = true): Value {
    return this.node("ReduceMean", [x], { axes, keepdims: keepdims ? 1 : 0 });
  }
  softmax(x: Value, axis = -1): Value { return this.node("Softmax", [x], { axis }); }
  cumsum(x: Value, axis: number): Value { return this.node("CumSum", [x, this.constInt64([axis], [])]); }
  layerNorm(x: Value, scale: Value, bias: Value, epsilon: number): Value {
    return this.node("LayerNormalization", [x, scale, bias], { axis: -1, epsilon: { float: epsilon } });
  }
}

function toAttribute(name: string, v: AttrValue): onnx.IAttributeProto {
  // AttributeType: FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7
  if (typeof v === "number") {
    if (!Number.isInteger(v)) throw new Error(`attribute ${name}: use { float } for non-integers`);
    return { name, type: 2, i: v };
  }
  if (typeof v === "string") return { name, type: 3, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  if ("float" in v) return { name, type: 1, f: v.float };
  return { name, type: 6, floats: v.floats };
}
