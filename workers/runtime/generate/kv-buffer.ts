/**
 * The key/value cache of a batch being decoded, kept in JS in preallocated per-layer buffers
 * [rows, nKvHeads, capacity, headDim] and fed to the KV-cache graph as they are (past_* inputs:
 * no copy per step). The graph returns only the new positions' keys/values, which are written
 * into the next free slot; attention_mask ([rows, capacity + new]) hides free slots and left
 * padding. Capacity grows by a quarter at a time (masked free slots still cost attention work,
 * so few are kept; each growth copies the buffers once) and finished rows can be dropped.
 */
import * as ort from "onnxruntime-node";
import { pastKeyInputName, pastValueInputName } from "../onnx";

export interface KvBufferShape {
  nLayers: number;
  nKvHeads: number;
  headDim: number;
}

export class KvBuffer {
  /** Slots written so far (the same for every row: rows are left-padded to one length). */
  filled = 0;
  private keys: Float32Array[] = [];
  private values: Float32Array[] = [];
  private mask = new BigInt64Array(0);
  private feedCache: Record<string, ort.Tensor> | null = null;

  /**
   * @param leading per row, the slots of left padding at the start (never attended to)
   * @param capacity slots allocated at first; grown on demand up to `maxCapacity`
   */
  constructor(
    private readonly shape: KvBufferShape,
    private leading: number[],
    private capacity: number,
    private readonly maxCapacity: number,
  ) {
    this.allocate(leading.length, capacity);
  }

  get rows(): number {
    return this.leading.length;
  }

  /** Past inputs (all slots, free ones masked) and the attention mask for a run adding one position. */
  feeds(): Record<string, ort.Tensor> {
    return (this.feedCache ??= this.makeFeeds());
  }

  /**
   * Stores one run's present_* outputs ([rows, nKvHeads, S, headDim] per layer) in slots
   * filled … filled + S − 1 and opens them to attention (except left padding).
   */
  append(presentKeys: Float32Array[], presentValues: Float32Array[], S: number): void {
    const { nLayers, nKvHeads, headDim: D } = this.shape;
    if (this.filled + S > this.capacity) this.resize(this.rowIndices(), Math.min(this.maxCapacity, Math.max(this.filled + S, grown(this.capacity))));
    if (this.filled + S > this.capacity) throw new Error("internal: KV buffer overflow");
    const rowsTimesHeads = this.rows * nKvHeads;
    for (let L = 0; L < nLayers; L++) {
      const [k, v, bk, bv] = [presentKeys[L]!, presentValues[L]!, this.keys[L]!, this.values[L]!];
      if (k.length !== rowsTimesHeads * S * D || v.length !== k.length) throw new Error(`KV-cache graph returned a present of the wrong size at block ${L}`);
      // per (row, head) the S new rows are contiguous in both layouts; a plain loop beats
      // subarray + set for these short runs (headDim floats per step)
      const run = S * D;
      for (let rh = 0; rh < rowsTimesHeads; rh++) {
        const dst = (rh * this.capacity + this.filled) * D;
        const src = rh * run;
        for (let i = 0; i < run; i++) {
          bk[dst + i] = k[src + i]!;
          bv[dst + i] = v[src + i]!;
        }
      }
    }
    const width = this.capacity + 1;
    this.leading.forEach((lead, b) => {
      for (let t = Math.max(this.filled, lead); t < this.filled + S; t++) this.mask[b * width + t] = 1n;
    });
    this.filled += S;
  }

  /** Keeps only the given rows (in this order), e.g. once sequences have finished. */
  keepRows(rows: number[]): void {
    if (rows.length === this.rows && rows.every((r, i) => r === i)) return;
    this.resize(rows, this.capacity);
  }

  private rowIndices(): number[] {
    return this.leading.map((_, i) => i);
  }

  private allocate(rows: number, capacity: number): void {
    const { nLayers, nKvHeads, headDim } = this.shape;
    const size = rows * nKvHeads * capacity * headDim;
    this.keys = Array.from({ length: nLayers }, () => new Float32Array(size));
    this.values = Array.from({ length: nLayers }, () => new Float32Array(size));
    this.capacity = capacity;
    // the last column is the new position, always attended to
    const width = capacity + 1;
    this.mask = new BigInt64Array(rows * width);
    for (let b = 0; b < rows; b++) this.mask[b * width + capacity] = 1n;
    this.feedCache = null;
  }

  /** New buffers holding `rows` of the old ones, with `capacity` slots each. */
  private resize(rows: number[], capacity: number): void {
    const { nKvHeads, headDim: D } = this.shape;
    const [oldKeys, oldValues, oldMask, oldCapacity] = [this.keys, this.values, this.mask, this.capacity];
    this.allocate(rows.length, capacity);
    const used = this.filled * D;
    rows.forEach((from, to) => {
      for (let h = 0; h < nKvHeads; h++) {
        const src = (from * nKvHeads + h) * oldCapacity * D;
        const dst = (to * nKvHeads + h) * capacity * D;
        oldKeys.forEach((k, L) => this.keys[L]!.set(k.subarray(src, src + used), dst));
        oldValues.forEach((v, L) => this.values[L]!.set(v.subarray(src, src + used), dst));
      }
      this.mask.set(oldMask.subarray(from * (oldCapacity + 1), from * (oldCapacity + 1) + this.filled), to * (capacity + 1));
    });
    this.leading = rows.map((r) => this.leading[r]!);
  }

  private makeFeeds(): Record<string, ort.Tensor> {
    const { nLayers, nKvHeads, headDim } = this.shape;
    const dims = [this.rows, nKvHeads, this.capacity, headDim];
    const feeds: Record<string, ort.Tensor> = {
      attention_mask: new ort.Tensor("int64", this.mask, [this.rows, this.capacity + 1]),
    };
    for (let L = 0; L < nLayers; L++) {
      feeds[pastKeyInputName(L)] = new ort.Tensor("float32", this.keys[L]!, dims);
      feeds[pastValueInputName(L)] = new ort.Tensor("float32", this.values[L]!, dims);
    }
    return feeds;
  }
}

/** The next capacity: a quarter more, at least 16 slots (few copies, few masked free slots). */
function grown(capacity: number): number {
  return Math.max(capacity + 16, Math.ceil(capacity * 1.25));
}
