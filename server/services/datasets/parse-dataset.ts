import { createHash } from "node:crypto";
import { parseProbeDataset, PROBE_LIMITS, type ProbeDataset } from "../../probes/spec";
import { hasControlCharacters } from "../../validation/text";
import { CsvError, parseCsv } from "./csv";
import { DATASET_LIMITS } from "./limits";

/**
 * Uploaded data sets: CSV or JSONL files of labelled prompts (`text,label[,domain]`) or contrastive
 * pairs (`positive,negative[,domain]`), turned into the probe engine's data set shape, with a
 * preview and a content hash that de-duplicates identical uploads.
 */
export { DATASET_LIMITS };

export type DatasetFormat = "csv" | "jsonl";

export interface DatasetPreview {
  kind: ProbeDataset["kind"];
  /** Examples (labelled) or pairs. */
  rows: number;
  firstRows: Array<Record<string, string>>;
  /** Examples per label (labelled data sets). */
  classes: Array<{ name: string; count: number }>;
  domains: Array<{ name: string; count: number }>;
}

export type DatasetParseResult =
  | { ok: true; dataset: ProbeDataset; contentHash: string; preview: DatasetPreview }
  | { ok: false; errors: string[] };

const COLUMNS = {
  labelled: ["text", "label", "domain"],
  pairs: ["positive", "negative", "domain"],
} as const;

const fail = (...errors: string[]): DatasetParseResult => ({ ok: false, errors });

function kindOf(fields: readonly string[]): ProbeDataset["kind"] | null {
  if (fields.includes("text") && fields.includes("label")) return "labelled";
  if (fields.includes("positive") && fields.includes("negative")) return "pairs";
  return null;
}

const COLUMN_HINT = 'use the columns "text,label" (optionally ",domain") for labelled prompts, or "positive,negative" (optionally ",domain") for contrastive pairs';

/** Rows as records of the known columns, with the file line each came from. */
type Rows = { kind: ProbeDataset["kind"]; records: Array<Record<string, string>>; lines: number[] };

function readCsv(text: string): Rows | string[] {
  let table: string[][];
  try {
    table = parseCsv(text, { maxRows: PROBE_LIMITS.maxExamples + 1, maxFieldChars: PROBE_LIMITS.maxPromptChars });
  } catch (error) {
    if (error instanceof CsvError) return [`line ${error.line}: ${error.message}`];
    throw error;
  }
  const header = table[0]?.map((h) => h.trim().toLowerCase());
  if (!header) return ["the file is empty"];
  const kind = kindOf(header);
  if (!kind) return [`line 1: the header is "${header.join(",").slice(0, 80)}" — ${COLUMN_HINT}`];
  const unknown = header.filter((h) => !(COLUMNS[kind] as readonly string[]).includes(h));
  if (unknown.length > 0) return [`line 1: unknown column${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `"${u}"`).join(", ")} — ${COLUMN_HINT}`];
  const records: Array<Record<string, string>> = [];
  const lines: number[] = [];
  const errors: string[] = [];
  table.slice(1).forEach((row, i) => {
    if (row.length !== header.length) errors.push(`row ${i + 1}: ${row.length} field(s), the header has ${header.length}`);
    const record: Record<string, string> = {};
    header.forEach((h, j) => {
      const value = row[j] ?? "";
      if (h !== "domain" || value !== "") record[h] = value;
    });
    records.push(record);
    lines.push(i + 1);
  });
  return errors.length > 0 ? errors.slice(0, 20) : { kind, records, lines };
}

function readJsonl(text: string): Rows | string[] {
  const records: Array<Record<string, string>> = [];
  const lines: number[] = [];
  const errors: string[] = [];
  let kind: ProbeDataset["kind"] | null = null;
  const all = text.split(/\r?\n/);
  for (let i = 0; i < all.length && errors.length < 20; i++) {
    const line = all[i]!.trim();
    if (line === "") continue;
    if (records.length >= PROBE_LIMITS.maxExamples) return [`more than ${PROBE_LIMITS.maxExamples} rows — split the data set or sample from it`];
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      errors.push(`line ${i + 1}: not valid JSON — each line must be one object such as {"text": "…", "label": "…"}`);
      continue;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      errors.push(`line ${i + 1}: each line must be one JSON object, not ${Array.isArray(value) ? "a list" : typeof value}`);
      continue;
    }
    const object = value as Record<string, unknown>;
    const rowKind = kindOf(Object.keys(object));
    if (!rowKind) {
      errors.push(`line ${i + 1}: ${COLUMN_HINT}`);
      continue;
    }
    kind ??= rowKind;
    if (rowKind !== kind) {
      errors.push(`line ${i + 1}: mixes ${rowKind === "pairs" ? "pairs" : "labelled prompts"} with the ${kind === "pairs" ? "pairs" : "labelled prompts"} of the lines before`);
      continue;
    }
    const record: Record<string, string> = {};
    for (const [key, field] of Object.entries(object)) {
      if (!(COLUMNS[kind] as readonly string[]).includes(key)) errors.push(`line ${i + 1}: unknown field "${key.slice(0, 40)}" — ${COLUMN_HINT}`);
      else if (typeof field !== "string") errors.push(`line ${i + 1}: "${key}" must be text`);
      else record[key] = field;
    }
    records.push(record);
    lines.push(i + 1);
  }
  if (errors.length > 0) return errors;
  if (!kind) return ["the file has no rows"];
  return { kind, records, lines };
}

function counts(values: Iterable<string>): Array<{ name: string; count: number }> {
  const map = new Map<string, number>();
  for (const v of values) map.set(v, (map.get(v) ?? 0) + 1);
  return [...map].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

/** "examples[3].text: …" → "line 5 (text): …", so people can find the row in their file. */
function withLines(errors: string[], lines: number[], format: DatasetFormat): string[] {
  return errors.map((e) =>
    e.replace(/^(?:examples|pairs)\[(\d+)\](?:\.(\w+))?: /, (_, index: string, field: string | undefined) => {
      const line = lines[Number(index)];
      const where = line === undefined ? `row ${Number(index) + 1}` : format === "csv" ? `row ${line}` : `line ${line}`;
      return `${where}${field ? ` (${field})` : ""}: `;
    }),
  );
}

/** Canonical JSON of the data set: the same rows give the same hash whatever the file's format. */
export function datasetContentHash(dataset: ProbeDataset): string {
  const rows = dataset.kind === "labelled" ? dataset.examples.map((e) => [e.text, e.label, e.domain ?? null]) : dataset.pairs.map((p) => [p.positive, p.negative, p.domain ?? null]);
  return createHash("sha256").update(JSON.stringify([dataset.kind, rows])).digest("hex");
}

/** Parses an uploaded file; refuses files over the size limit before decoding them. */
export function parseDatasetFile(bytes: Uint8Array, format: DatasetFormat): DatasetParseResult {
  if (bytes.byteLength > DATASET_LIMITS.maxBytes) return fail(`the file is ${(bytes.byteLength / 1048576).toFixed(1)} MB; the limit is ${DATASET_LIMITS.maxBytes / 1048576} MB`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return fail("the file is not UTF-8 text — save it as UTF-8 CSV or JSONL");
  }
  if (hasControlCharacters(text)) return fail("the file holds control characters (such as NUL) — is it really a text file?");
  const read = format === "csv" ? readCsv(text) : readJsonl(text);
  if (Array.isArray(read)) return fail(...read);
  const records = read.records.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.normalize("NFC")])));
  const parsed = parseProbeDataset(read.kind === "labelled" ? { kind: "labelled", examples: records } : { kind: "pairs", pairs: records });
  if (!parsed.ok) return fail(...withLines(parsed.errors, read.lines, format).slice(0, 20));
  const dataset = parsed.spec;
  const preview: DatasetPreview = {
    kind: dataset.kind,
    rows: records.length,
    firstRows: records.slice(0, DATASET_LIMITS.previewRows),
    classes: dataset.kind === "labelled" ? counts(dataset.examples.map((e) => e.label)) : [],
    domains: counts((dataset.kind === "labelled" ? dataset.examples : dataset.pairs).flatMap((r) => (r.domain ? [r.domain] : []))),
  };
  return { ok: true, dataset, contentHash: datasetContentHash(dataset), preview };
}
