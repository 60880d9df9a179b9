/**
 * Stable JSON for results: typed arrays become plain arrays, non-finite numbers become null, and
 * numbers are rounded to a fixed number of significant digits so the same spec, model and seed
 * give byte-identical metrics.
 */
export const SIGNIFICANT_DIGITS = 6;

export function roundNumber(x: number, digits = SIGNIFICANT_DIGITS): number | null {
  if (!Number.isFinite(x)) return null;
  if (x === 0) return 0;
  const r = Number(x.toPrecision(digits));
  return Object.is(r, -0) ? 0 : r;
}

export function toStableJson(value: unknown, digits = SIGNIFICANT_DIGITS, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === "number") return roundNumber(v, digits);
      if (v instanceof Float32Array || v instanceof Float64Array || v instanceof Int32Array || v instanceof Uint8Array) return Array.from(v, (x) => roundNumber(x, digits));
      if (v instanceof Map) return Object.fromEntries([...v.entries()].sort(([a], [b]) => String(a).localeCompare(String(b))));
      return v;
    },
    indent,
  );
}
