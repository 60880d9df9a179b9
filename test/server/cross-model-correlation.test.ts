/**
 * The one-pass (Welford) Pearson correlation against a separate float64 reference written the
 * textbook two-pass way (means first, then centred sums), including the cases where a careless
 * implementation goes wrong: constant columns, two values, and a large common offset.
 */
import { describe, expect, it } from "vitest";
import { bestMatches, correlationMatrix, meanBestMatch, pearson } from "../../server/services/cross-model/correlation";
import { createRng } from "../../workers/probes/stats/rng";

/** Two passes: means, then Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² Σ(y−ȳ)²); null for zero variance. */
function referencePearson(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  if (n < 2) return null;
  // Zero variance by definition: every value equal (the centred sums of such a column are only rounding).
  if (x.every((v) => v === x[0]) || y.every((v) => v === y[0])) return null;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i]! - mx;
    const b = y[i]! - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** The textbook one-pass formula, to show the offset case really is a trap. */
function naivePearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  let sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i]!;
    sxy += x[i]! * y[i]!;
    sxx += x[i]! * x[i]!;
    syy += y[i]! * y[i]!;
  }
  return (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
}

function correlatedPair(n: number, rho: number, seed: number, offset = 0, scale = 1): { x: number[]; y: number[] } {
  const rng = createRng(seed);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rho * a + Math.sqrt(1 - rho * rho) * rng.normal();
    x.push(offset + scale * a);
    y.push(-offset / 3 + scale * 2 * b);
  }
  return { x, y };
}

describe("pearson", () => {
  it("matches the two-pass reference on random data of many sizes and strengths", () => {
    let seed = 1;
    for (const n of [3, 10, 57, 400, 4000]) {
      for (const rho of [-0.9, -0.2, 0, 0.5, 0.99]) {
        const { x, y } = correlatedPair(n, rho, seed++);
        const ref = referencePearson(x, y)!;
        expect(Math.abs(pearson(x, y)! - ref)).toBeLessThan(1e-12);
      }
    }
  });

  it("reads float32 inputs (as stored) the same as their float64 values", () => {
    const { x, y } = correlatedPair(300, 0.7, 42, 50, 0.1);
    const fx = Float32Array.from(x);
    const fy = Float32Array.from(y);
    expect(pearson(fx, fy)).toBeCloseTo(referencePearson(Array.from(fx), Array.from(fy))!, 12);
  });

  it("gives null for a constant column (zero variance), on either side or both", () => {
    const { x } = correlatedPair(20, 0, 3);
    const constant = Array.from({ length: 20 }, () => 0.1);
    expect(pearson(x, constant)).toBeNull();
    expect(pearson(constant, x)).toBeNull();
    expect(pearson(constant, constant)).toBeNull();
    expect(referencePearson(x, constant)).toBeNull();
    // A large constant (exactly representable or not) is still constant.
    const big = Array.from({ length: 20 }, () => 1e9 + 0.3);
    expect(pearson(x, big)).toBeNull();
  });

  it("handles n = 2 (always ±1 unless a column is constant) and refuses n < 2", () => {
    expect(pearson([1, 2], [3, 5])).toBe(1);
    expect(pearson([1, 2], [5, 3])).toBe(-1);
    expect(pearson([0.1, 0.7], [1e6, 1e6 + 1e-3])).toBeCloseTo(referencePearson([0.1, 0.7], [1e6, 1e6 + 1e-3])!, 12);
    expect(pearson([1, 1], [3, 5])).toBeNull();
    expect(pearson([1], [2])).toBeNull();
    expect(pearson([], [])).toBeNull();
    expect(() => pearson([1, 2, 3], [1, 2])).toThrow(/3 values against 2/);
  });

  it("stays exact on a large common offset where the textbook one-pass formula cancels", () => {
    for (const [offset, seed] of [[1e8, 5], [1e9, 6], [-3e9, 7]] as const) {
      const { x, y } = correlatedPair(1000, 0.6, seed, offset, 1e-3);
      // The reference, centred before multiplying, is exact enough: its mean error is ~1e-7 of a unit.
      const ref = referencePearson(x, y)!;
      const got = pearson(x, y)!;
      expect(Math.abs(got - ref)).toBeLessThan(1e-6);
      // The trap is real: the naive formula is far off (or not even a number) on the same data.
      const naive = naivePearson(x, y);
      expect(!Number.isFinite(naive) || Math.abs(naive - ref) > 0.05).toBe(true);
    }
  });

  it("returns null for a non-finite value and clamps to [−1, 1]", () => {
    expect(pearson([1, Number.NaN, 3], [1, 2, 3])).toBeNull();
    expect(pearson([1, Infinity, 3], [1, 2, 3])).toBeNull();
    const x = Array.from({ length: 1000 }, (_, i) => 0.1 * i + 1e6);
    const r = pearson(x, x)!;
    expect(r).toBeLessThanOrEqual(1);
    expect(r).toBeCloseTo(1, 12);
  });
});

describe("correlation matrix and best matches", () => {
  it("fills a rows × columns matrix, nulls for constant columns, and picks each row's largest signed r", () => {
    const { x, y } = correlatedPair(200, 0.8, 11);
    const negY = y.map((v) => -v);
    const constant = Array.from({ length: 200 }, () => 2);
    const matrix = correlationMatrix([x, constant, y], [negY, y, constant]);
    expect(matrix).toHaveLength(3);
    expect(matrix[0]![0]).toBeCloseTo(-referencePearson(x, y)!, 12);
    expect(matrix[0]![1]).toBeCloseTo(referencePearson(x, y)!, 12);
    expect(matrix[0]![2]).toBeNull();
    expect(matrix[1]).toEqual([null, null, null]);
    expect(matrix[2]![1]).toBeCloseTo(1, 12);
    const best = bestMatches(matrix);
    // Row 0: the positive correlation wins over the stronger-looking negative one of equal size.
    expect(best[0]).toEqual({ index: 1, correlation: matrix[0]![1] });
    expect(best[1]).toEqual({ index: null, correlation: null });
    expect(best[2]!.index).toBe(1);
    expect(meanBestMatch(best)).toBeCloseTo((matrix[0]![1]! + matrix[2]![1]!) / 2, 12);
    expect(meanBestMatch([{ index: null, correlation: null }])).toBeNull();
  });
});
