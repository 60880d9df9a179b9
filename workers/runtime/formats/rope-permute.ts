/**
 * Converting q/k projection rows between RoPE layouts. llama.cpp's converter permutes Hugging Face
 * (rotate-half: dims i and i + D/2 rotate together) into adjacent pairs (dims 2i, 2i + 1), per head:
 *   adjacent row h*D + 2i + j  <-  rotate-half row h*D + j*D/2 + i      (j in {0, 1}, i < D/2)
 * Works for weights ([heads*D, cols]) and biases (cols = 1).
 */

function permuteRows(data: Float32Array, nHeads: number, headDim: number, cols: number, toAdjacent: boolean): Float32Array {
  if (headDim % 2 !== 0) throw new RangeError(`RoPE head dim must be even, got ${headDim}`);
  if (data.length !== nHeads * headDim * cols) throw new RangeError(`expected ${nHeads * headDim * cols} values, got ${data.length}`);
  const out = new Float32Array(data.length);
  const half = headDim / 2;
  for (let h = 0; h < nHeads; h++) {
    for (let i = 0; i < half; i++) {
      for (let j = 0; j < 2; j++) {
        const adjacent = (h * headDim + 2 * i + j) * cols;
        const rotateHalf = (h * headDim + j * half + i) * cols;
        const [from, to] = toAdjacent ? [rotateHalf, adjacent] : [adjacent, rotateHalf];
        out.set(data.subarray(from, from + cols), to);
      }
    }
  }
  return out;
}

/** Hugging Face layout -> GGUF llama layout (llama.cpp's `permute`). */
export function rotateHalfToAdjacentPairs(data: Float32Array, nHeads: number, headDim: number, cols: number): Float32Array {
  return permuteRows(data, nHeads, headDim, cols, true);
}

/** GGUF llama layout -> Hugging Face layout (the inverse of llama.cpp's `permute`). */
export function adjacentPairsToRotateHalf(data: Float32Array, nHeads: number, headDim: number, cols: number): Float32Array {
  return permuteRows(data, nHeads, headDim, cols, false);
}
