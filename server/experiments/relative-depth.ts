/**
 * Relative depth: where a block sits in its model, from 0 (first block) to 1 (last block), so
 * models of different depths can be compared (block 2 of 5 and block 3 of 7 are both at 0.5).
 * Claims, charts and the compare views all use this one mapping.
 */
export function relativeDepth(layer: number, nLayers: number): number {
  return nLayers > 1 ? layer / (nLayers - 1) : 0;
}

/** The blocks of an nLayers-block model whose relative depth lies in [from, to] (inclusive, with float slack). */
export function layersInDepthRange(from: number, to: number, nLayers: number): number[] {
  const eps = 1e-9;
  const out: number[] = [];
  for (let layer = 0; layer < nLayers; layer++) {
    const d = relativeDepth(layer, nLayers);
    if (d >= from - eps && d <= to + eps) out.push(layer);
  }
  return out;
}
