/** Shared assertions on Encoding offsets. */
import { expect } from "vitest";
import type { Encoding } from "../../../workers/runtime/types";

/** Offsets are in-bounds, start-ordered, and together cover every character of the text. */
export function expectOffsetsCover(text: string, enc: Encoding): void {
  expect(enc.offsets).toHaveLength(enc.ids.length);
  const covered = new Array<boolean>(text.length).fill(false);
  let lastStart = 0;
  for (const [s, e] of enc.offsets) {
    expect(s).toBeGreaterThanOrEqual(lastStart);
    expect(e).toBeGreaterThanOrEqual(s);
    expect(e).toBeLessThanOrEqual(text.length);
    for (let i = s; i < e; i++) covered[i] = true;
    lastStart = s;
  }
  expect(covered.every(Boolean)).toBe(true);
}
