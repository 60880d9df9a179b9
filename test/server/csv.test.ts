import { describe, expect, it } from "vitest";
import { csvCell, csvResponse, exportFormat, jsonResponse, toCsv } from "../../server/http/csv";
import { parseCsv } from "../../server/services/datasets/csv";

describe("toCsv", () => {
  it("writes a header and rows with CRLF after every record", () => {
    expect(toCsv(["name", "layers"], [["a", 5], ["b", 8]])).toBe("name,layers\r\na,5\r\nb,8\r\n");
  });

  it("quotes commas, quotes and line breaks, doubling quotes", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rlf")).toBe('"cr\rlf"');
    expect(csvCell(" padded ")).toBe('" padded "');
    expect(csvCell("plain")).toBe("plain");
  });

  it("neutralises spreadsheet formulas in text cells", () => {
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+SUM(A1)")).toBe("'+SUM(A1)");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@cmd")).toBe("'@cmd");
    expect(csvCell("\tx")).toBe("'\tx");
    // Prefixed, then quoted because of the comma.
    expect(csvCell('=HYPERLINK("http://x",1)')).toBe(`"'=HYPERLINK(""http://x"",1)"`);
    // Only a leading character counts.
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("writes numbers as numbers (negative numbers are not formulas), empty for null and non-finite", () => {
    expect(csvCell(-0.5)).toBe("-0.5");
    expect(csvCell(292800)).toBe("292800");
    expect(csvCell(null)).toBe("");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(Number.POSITIVE_INFINITY)).toBe("");
  });

  it("round-trips through an RFC 4180 reader", () => {
    const rows: string[][] = [
      ["comma, inside", 'quote " inside', "line\r\nbreak"],
      ["", "plain", "trailing space "],
    ];
    const read = parseCsv(toCsv(["a", "b", "c"], rows), { maxRows: 10, maxFieldChars: 100 });
    expect(read).toEqual([["a", "b", "c"], ...rows]);
  });
});

describe("export responses", () => {
  it("a CSV download has its type and a safe attachment name", async () => {
    const res = csvResponse('models "all"/x.csv', "a\r\n");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="models__all__x.csv"');
    expect(await res.text()).toBe("a\r\n");
  });

  it("a JSON download parses back to the data", async () => {
    const res = jsonResponse("models.json", { items: [1, 2] });
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="models.json"');
    expect(JSON.parse(await res.text())).toEqual({ items: [1, 2] });
  });

  it("reads ?format=", () => {
    expect(exportFormat("http://x/api/models")).toBe("json");
    expect(exportFormat("http://x/api/models?format=csv")).toBe("csv");
    expect(exportFormat("http://x/api/models?format=xml")).toBeNull();
  });
});
