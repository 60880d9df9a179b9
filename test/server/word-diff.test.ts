import { describe, expect, it } from "vitest";
import { diffTokens, lineTokens, WORD_DIFF_TOKEN_BUDGET, wordDiff, wordTokens, type DiffPart } from "../../server/services/proposals/word-diff";

/** The text on each side, rebuilt from the parts: a diff must give both texts back exactly. */
function sides(parts: DiffPart[]) {
  return {
    before: parts.filter((p) => p.op !== "insert").map((p) => p.text).join(""),
    after: parts.filter((p) => p.op !== "delete").map((p) => p.text).join(""),
  };
}

describe("word diff", () => {
  it("splits text into words, white space and punctuation", () => {
    expect(wordTokens("Logit lens: read-out, at layer 3.")).toEqual(["Logit", " ", "lens", ":", " ", "read", "-", "out", ",", " ", "at", " ", "layer", " ", "3", "."]);
    expect(wordTokens("Günther's  naïve")).toEqual(["Günther", "'", "s", "  ", "naïve"]);
    expect(lineTokens("a\nb\n\nc")).toEqual(["a\n", "b\n", "\n", "c"]);
  });

  it("finds a shortest edit script (the Myers paper's example: ABCABBA → CBABAC in 5 edits)", () => {
    const edits = diffTokens([..."ABCABBA"], [..."CBABAC"])!;
    expect(edits.filter((e) => e.op !== "equal")).toHaveLength(5);
    expect(edits.filter((e) => e.op !== "insert").map((e) => e.token).join("")).toBe("ABCABBA");
    expect(edits.filter((e) => e.op !== "delete").map((e) => e.token).join("")).toBe("CBABAC");
    expect(diffTokens([..."abc"], [..."xyz"], 5)).toBeNull();
  });

  it("marks inserted and deleted words", () => {
    expect(wordDiff("Steering with mean differences.", "Steering with the mean difference.").parts).toEqual([
      { op: "equal", text: "Steering with " },
      { op: "insert", text: "the " },
      { op: "equal", text: "mean " },
      { op: "delete", text: "differences" },
      { op: "insert", text: "difference" },
      { op: "equal", text: "." },
    ]);
  });

  it("reads two neighbouring replaced words as one change", () => {
    expect(wordDiff("the quick brown fox", "a slow brown fox")).toEqual({
      granularity: "word",
      parts: [
        { op: "delete", text: "the quick" },
        { op: "insert", text: "a slow" },
        { op: "equal", text: " brown fox" },
      ],
    });
  });

  it("handles empty sides and equal texts", () => {
    expect(wordDiff("", "new text").parts).toEqual([{ op: "insert", text: "new text" }]);
    expect(wordDiff("old text", "").parts).toEqual([{ op: "delete", text: "old text" }]);
    expect(wordDiff("same", "same").parts).toEqual([{ op: "equal", text: "same" }]);
    expect(wordDiff("", "").parts).toEqual([]);
  });

  it("keeps Markdown line structure in the parts", () => {
    const before = "# Logit lens\n\nDecode each layer with the unembedding.\n";
    const after = "# Logit lens\n\nDecode every layer with the final unembedding.\n\n- see [@nostalgebraist2020]\n";
    const diff = wordDiff(before, after);
    expect(diff.granularity).toBe("word");
    expect(diff.parts).toEqual([
      { op: "equal", text: "# Logit lens\n\nDecode " },
      { op: "delete", text: "each" },
      { op: "insert", text: "every" },
      { op: "equal", text: " layer with the " },
      { op: "insert", text: "final " },
      { op: "equal", text: "unembedding.\n" },
      { op: "insert", text: "\n- see [@nostalgebraist2020]\n" },
    ]);
    expect(sides(diff.parts)).toEqual({ before, after });
  });

  it("falls back to a line diff past the token budget, and still gives both texts back", () => {
    const words = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `w${i + from}`).join(" ");
    const before = `${words(3_000)}\nmiddle line\n${words(3_000, 3_000)}\n`;
    const after = `${words(3_000)}\nchanged middle line\n${words(3_000, 3_000)}\n`;
    expect(wordTokens(before).length).toBeGreaterThan(WORD_DIFF_TOKEN_BUDGET);
    const diff = wordDiff(before, after);
    expect(diff.granularity).toBe("line");
    expect(diff.parts.filter((p) => p.op !== "equal")).toEqual([
      { op: "delete", text: "middle line\n" },
      { op: "insert", text: "changed middle line\n" },
    ]);
    expect(sides(diff.parts)).toEqual({ before, after });
  });

  it("compares texts that differ everywhere as a whole, keeping what they share at both ends", () => {
    const lines = (prefix: string) => Array.from({ length: 4_000 }, (_, i) => `${prefix}${i}\n`).join("");
    const before = `same start\n${lines("a")}same end\n`;
    const after = `same start\n${lines("b")}same end\n`;
    const diff = wordDiff(before, after);
    expect(diff.granularity).toBe("whole");
    expect(diff.parts.map((p) => p.op)).toEqual(["equal", "delete", "insert", "equal"]);
    expect(diff.parts[0]?.text).toBe("same start\n");
    expect(sides(diff.parts)).toEqual({ before, after });
  });

  it("always rebuilds both texts (random edits)", () => {
    // A fixed pseudo-random sequence, so a failure can be replayed.
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const vocabulary = ["probe", "the", "layer", ",", " ", "\n", "steering", "vector", "."];
    for (let round = 0; round < 200; round++) {
      const make = () => Array.from({ length: Math.floor(random() * 40) }, () => vocabulary[Math.floor(random() * vocabulary.length)]).join("");
      const before = make();
      const after = random() < 0.5 ? make() : before.replace(/the/g, "a");
      const diff = wordDiff(before, after);
      expect(sides(diff.parts)).toEqual({ before, after });
      for (let i = 1; i < diff.parts.length; i++) expect(diff.parts[i]!.op === "equal" && diff.parts[i - 1]!.op === "equal").toBe(false);
    }
  });
});

describe("word diff with characters outside the BMP", () => {
  it("never splits a character in two", () => {
    const before = "probe 🧠🧠 end";
    const after = "probe 🧠🧠🧠 end";
    const diff = wordDiff(before, after);
    expect(sides(diff.parts)).toEqual({ before, after });
    for (const part of diff.parts) expect(part.text).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
  });
});
