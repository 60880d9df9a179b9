/** Uploaded data set files (CSV, JSONL): parsing, limits, messages with line numbers, hashes. */
import { describe, expect, it } from "vitest";
import { parseCsv } from "../../server/services/datasets/csv";
import { DATASET_LIMITS, parseDatasetFile } from "../../server/services/datasets/parse-dataset";

const bytes = (s: string) => new TextEncoder().encode(s);
const LIMITS = { maxRows: 100, maxFieldChars: 50 };

describe("CSV reader", () => {
  it("reads quoted fields with commas, doubled quotes and line breaks; CRLF and LF; skips blank lines", () => {
    const rows = parseCsv('a,b\r\n"x, y","say ""hi"""\n\n"multi\nline",z\n', LIMITS);
    expect(rows).toEqual([
      ["a", "b"],
      ["x, y", 'say "hi"'],
      ["multi\nline", "z"],
    ]);
  });

  it("refuses an unclosed quote, a stray quote, too many rows and too long a field, naming the line", () => {
    expect(() => parseCsv('a,b\n"open,b\n', LIMITS)).toThrow(/never closed/);
    expect(() => parseCsv('a,b\nab"c,d\n', LIMITS)).toThrow(/quote/);
    expect(() => parseCsv("a\n".repeat(101), LIMITS)).toThrow(/more than 100 rows/);
    try {
      parseCsv(`a\nb\n${"x".repeat(51)}\n`, LIMITS);
      expect.unreachable();
    } catch (error) {
      expect((error as { line: number }).line).toBe(3);
    }
  });
});

describe("data set files", () => {
  const pairsCsv = ["positive,negative,domain", ...Array.from({ length: 6 }, (_, i) => `"Lily was happy, ${i}",Lily was sad ${i},${i % 2 ? "park" : "home"}`)].join("\n");

  it("reads contrastive pairs from CSV with a preview and domain counts", () => {
    const r = parseDatasetFile(bytes(pairsCsv), "csv");
    if (!r.ok) throw new Error(r.errors.join("\n"));
    expect(r.dataset.kind).toBe("pairs");
    expect(r.preview.rows).toBe(6);
    expect(r.preview.firstRows[0]).toEqual({ positive: "Lily was happy, 0", negative: "Lily was sad 0", domain: "home" });
    expect(r.preview.domains).toEqual([{ name: "home", count: 3 }, { name: "park", count: 3 }]);
  });

  it("gives the same content hash for the same rows in CSV and JSONL, and a different one when a row changes", () => {
    const labelledCsv = "text,label\nA good day,good\nA bad day,bad\nSo nice,good\nSo mean,bad\n";
    const labelledJsonl = ['{"text":"A good day","label":"good"}', '{"text":"A bad day","label":"bad"}', '{"label":"good","text":"So nice"}', '{"text":"So mean","label":"bad"}'].join("\n");
    const a = parseDatasetFile(bytes(labelledCsv), "csv");
    const b = parseDatasetFile(bytes(labelledJsonl), "jsonl");
    const c = parseDatasetFile(bytes(labelledCsv.replace("So mean", "So cruel")), "csv");
    if (!a.ok || !b.ok || !c.ok) throw new Error("parse failed");
    expect(a.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.contentHash).toBe(b.contentHash);
    expect(c.contentHash).not.toBe(a.contentHash);
    expect(a.preview.classes).toEqual([{ name: "bad", count: 2 }, { name: "good", count: 2 }]);
  });

  it("normalises text to NFC, so the composed and decomposed forms hash alike", () => {
    const composed = parseDatasetFile(bytes("text,label\nGünther smiled,good\nGünther cried,bad\nLily smiled,good\nLily cried,bad\n"), "csv");
    const decomposed = parseDatasetFile(bytes("text,label\nGu\u0308nther smiled,good\nGu\u0308nther cried,bad\nLily smiled,good\nLily cried,bad\n"), "csv");
    if (!composed.ok || !decomposed.ok) throw new Error("parse failed");
    expect(decomposed.contentHash).toBe(composed.contentHash);
  });

  it("refuses bad files with messages that say where and what to fix", () => {
    const refuse = (text: string | Uint8Array, format: "csv" | "jsonl") => {
      const r = parseDatasetFile(typeof text === "string" ? bytes(text) : text, format);
      if (r.ok) throw new Error("accepted a bad file");
      return r.errors.join("\n");
    };
    expect(refuse("prompt,class\na,b\n", "csv")).toMatch(/line 1: the header is "prompt,class" — use the columns "text,label"/);
    expect(refuse("text,label,colour\na,b,c\n", "csv")).toMatch(/unknown column "colour"/);
    expect(refuse("text,label\nonly one,good\nanother,good\n", "csv")).toMatch(/only one class/);
    expect(refuse("positive,negative\nsame,same\nx,y\n", "csv")).toMatch(/row 1: positive and negative are the same text/);
    expect(refuse('{"text":"a","label":"x"}\nnot json\n', "jsonl")).toMatch(/line 2: not valid JSON/);
    expect(refuse('{"text":"a","label":"x"}\n{"positive":"a","negative":"b"}\n', "jsonl")).toMatch(/line 2: mixes pairs/);
    expect(refuse('{"text":"a","label":3}\n', "jsonl")).toMatch(/"label" must be text/);
    expect(refuse(`text,label\n"${"x".repeat(2001)}",good\nb,bad\n`, "csv")).toMatch(/longer than 2,000 characters/);
    expect(refuse("text,label\na\u0000b,good\nc,bad\n", "csv")).toMatch(/control characters/);
    expect(refuse(new Uint8Array([0x74, 0x65, 0xff, 0xfe]), "csv")).toMatch(/not UTF-8/);
    expect(refuse("", "jsonl")).toMatch(/no rows/);
  });

  it("refuses a file over the size limit without decoding it, with the limit in the message", () => {
    const big = new Uint8Array(DATASET_LIMITS.maxBytes + 1);
    const r = parseDatasetFile(big, "csv");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/the limit is 10 MB/);
  });
});
