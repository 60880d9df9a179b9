/** Shared assertions comparing ModelWeights. */
import { expect } from "vitest";
import type { ModelWeights } from "../../../workers/runtime/types";

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

/** Same config, same tensor names and shapes, data equal (tolerance 0) or within `tolerance`. */
export function expectSameWeights(actual: ModelWeights, expected: ModelWeights, tolerance: number): void {
  expect(actual.config).toEqual(expected.config);
  expect([...actual.tensors.keys()].sort()).toEqual([...expected.tensors.keys()].sort());
  for (const [name, t] of expected.tensors) {
    const got = actual.tensors.get(name);
    expect(got?.shape, name).toEqual(t.shape);
    if (!got) continue;
    if (tolerance === 0) expect(Array.from(got.data), name).toEqual(Array.from(t.data));
    else expect(maxAbsDiff(got.data, t.data), name).toBeLessThanOrEqual(tolerance);
  }
}
