/** Numbers typed into the experiment form: numbers become numbers, anything else stays text for the schema to name. */
import { describe, expect, it } from "vitest";
import { isTypedNumber, numberOrText } from "../../app/_experiments/typed-number";

describe("typed numbers", () => {
  it("reads signs, decimals and exponents as numbers", () => {
    expect(["0", "-2", "0.5", ".5", "3.", " 7 ", "1e-3", "2E5"].map(numberOrText)).toEqual([0, -2, 0.5, 0.5, 3, 7, 0.001, 200000]);
  });

  it("keeps anything else as the text typed", () => {
    for (const text of ["", "abc", "1,5", "--1", "1e", "0x10", "Infinity", "NaN", "1 2"]) {
      expect(isTypedNumber(text)).toBe(false);
      expect(numberOrText(text)).toBe(text);
    }
  });
});
