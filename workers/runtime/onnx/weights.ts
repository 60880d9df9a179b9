/**
 * Canonical ModelWeights → graph initializers, with shape checks and lazily transposed linears.
 */
import type { ModelWeights, Tensor } from "../types";
import type { GraphBuilder, Value } from "./builder";

export class WeightBinder {
  private readonly bound = new Map<string, Value>();

  constructor(
    private readonly g: GraphBuilder,
    private readonly weights: ModelWeights,
  ) {}

  has(name: string): boolean {
    return this.weights.tensors.has(name);
  }

  tensor(name: string, shape: number[]): Tensor {
    const t = this.weights.tensors.get(name);
    if (!t) throw new Error(`missing weight tensor ${name}`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`weight ${name} has shape [${t.shape.join(", ")}], expected [${shape.join(", ")}]`);
    }
    if (t.data.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`weight ${name}: data length mismatch`);
    return t;
  }

  /** The tensor as stored ([out, in] for linears, [d] for norms). */
  plain(name: string, shape: number[]): Value {
    return this.bind(name, () => {
      const t = this.tensor(name, shape);
      return this.g.weight(name, shape, () => t.data);
    });
  }

  /** A linear weight stored [out, in], bound transposed as [in, out] so that y = x · W. */
  transposed(name: string, outDim: number, inDim: number): Value {
    return this.bind(`${name}#T`, () => {
      const t = this.tensor(name, [outDim, inDim]);
      return this.g.weight(`${name}.T`, [inDim, outDim], () => transpose2d(t.data, outDim, inDim));
    });
  }

  private bind(key: string, make: () => Value): Value {
    let v = this.bound.get(key);
    if (!v) {
      v = make();
      this.bound.set(key, v);
    }
    return v;
  }
}

/** [rows, cols] → [cols, rows], cache-blocked. */
export function transpose2d(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const B = 32;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) {
        const rowOff = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = src[rowOff + c]!;
      }
    }
  }
  return out;
}
