/**
 * Pearson correlation in float64, one pass with Welford's running means and co-moments on values
 * shifted by the first pair: stable when the values sit on a large common offset (residual-stream
 * projections often do), where the textbook Σxy − n·x̄·ȳ cancels catastrophically. The shift makes
 * the differences exact for values within a factor of two of the first (Sterbenz), so the running
 * sums only ever see the spread.
 */

/** r(x, y) over paired values, or null when undefined: fewer than 2 values, a constant column, or a non-finite value. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  if (x.length !== y.length) throw new Error(`pearson: ${x.length} values against ${y.length}`);
  const n = x.length;
  if (n < 2) return null;
  let meanX = 0;
  let meanY = 0;
  let m2x = 0;
  let m2y = 0;
  let cxy = 0;
  const shiftX = x[0]!;
  const shiftY = y[0]!;
  for (let i = 0; i < n; i++) {
    const xi = x[i]! - shiftX;
    const yi = y[i]! - shiftY;
    const k = i + 1;
    const dx = xi - meanX;
    meanX += dx / k;
    const dy = yi - meanY;
    meanY += dy / k;
    // The pre-update deviation of one variable times the post-update deviation of the other.
    m2x += dx * (xi - meanX);
    m2y += dy * (yi - meanY);
    cxy += dx * (yi - meanY);
  }
  if (!Number.isFinite(cxy) || !Number.isFinite(m2x) || !Number.isFinite(m2y)) return null;
  if (m2x <= 0 || m2y <= 0) return null;
  const r = cxy / Math.sqrt(m2x * m2y);
  // Rounding can step just past ±1.
  return Math.max(-1, Math.min(1, r));
}

/** r between every column of A and every column of B (all of one length): [A.length][B.length], null where undefined. */
export function correlationMatrix(a: ReadonlyArray<ArrayLike<number>>, b: ReadonlyArray<ArrayLike<number>>): Array<Array<number | null>> {
  return a.map((x) => b.map((y) => pearson(x, y)));
}

export interface BestMatch {
  /** Column index of the largest correlation in the row, or null when the row has none. */
  index: number | null;
  correlation: number | null;
}

/**
 * The best-matching column of each row: the largest signed correlation. Signs are meaningful here,
 * since every model's diffmean direction points from the negative to the positive class.
 */
export function bestMatches(matrix: ReadonlyArray<ReadonlyArray<number | null>>): BestMatch[] {
  return matrix.map((row) => {
    let best: BestMatch = { index: null, correlation: null };
    row.forEach((r, j) => {
      if (r !== null && (best.correlation === null || r > best.correlation)) best = { index: j, correlation: r };
    });
    return best;
  });
}

/** The mean of the rows' best-match correlations (rows without one left out), or null. */
export function meanBestMatch(best: readonly BestMatch[]): number | null {
  const values = best.flatMap((b) => (b.correlation === null ? [] : [b.correlation]));
  return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
}
