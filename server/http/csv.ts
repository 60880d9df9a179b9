/**
 * CSV and JSON exports for route handlers (`app/api/*`): one writer, so every export escapes the
 * same way.
 *
 * - RFC 4180: a field holding a comma, quote or line break (or leading/trailing spaces) is quoted,
 *   quotes doubled; records end with CRLF.
 * - Spreadsheet formula injection (OWASP "CSV injection"): a text cell starting with = + - @ (or a
 *   tab / carriage return, which some spreadsheets strip first) would run as a formula when the file
 *   is opened, so it gets a leading single quote. Numbers are written as numbers (-0.5 stays -0.5).
 */

export type CsvCell = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;

function cellText(value: CsvCell): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function quoted(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvCell(value: CsvCell): string {
  return quoted(cellText(value));
}

/** A whole CSV document: the header, then one record per row (CRLF after every record). */
export function toCsv(header: string[], rows: Array<Array<CsvCell>>): string {
  return [header, ...rows].map((row) => `${row.map(csvCell).join(",")}\r\n`).join("");
}

/** A file name safe inside a quoted Content-Disposition parameter. */
function downloadName(fileName: string): string {
  return fileName.replace(/[^A-Za-z0-9._-]/g, "_");
}

function downloadHeaders(fileName: string, contentType: string): Record<string, string> {
  return {
    "content-type": contentType,
    "content-disposition": `attachment; filename="${downloadName(fileName)}"`,
    "x-content-type-options": "nosniff",
    "cache-control": "private, no-cache",
  };
}

/** A CSV download (`text/csv`, attachment named `fileName`). */
export function csvResponse(fileName: string, csv: string): Response {
  return new Response(csv, { status: 200, headers: downloadHeaders(fileName, "text/csv; charset=utf-8") });
}

/** A JSON download (`application/json`, attachment named `fileName`), pretty-printed for people. */
export function jsonResponse(fileName: string, data: unknown): Response {
  return new Response(`${JSON.stringify(data, null, 2)}\n`, { status: 200, headers: downloadHeaders(fileName, "application/json; charset=utf-8") });
}

/** The `?format=` of an export: "csv" or "json" (the default), or null for anything else. */
export function exportFormat(url: string, fallback: "csv" | "json" = "json"): "csv" | "json" | null {
  const format = new URL(url).searchParams.get("format") ?? fallback;
  return format === "csv" || format === "json" ? format : null;
}
