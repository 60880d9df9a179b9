import { desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "~/db/client";
import { datasets, users } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { parseProbeDataset, type ProbeDataset } from "../../probes/spec";
import type { SessionUser } from "../../trpc/context";
import { singleLine } from "../../validation/text";
import { DomainError, notFound } from "../../errors";
import { optionalPublicName } from "../display-name";
import { assertDatasetBytesAllowed, lockUserQuota } from "../quotas";
import { DATASET_LIMITS, type DatasetFormat, type DatasetPreview, parseDatasetFile } from "./parse-dataset";

/**
 * Uploaded data sets in PostgreSQL: previewed before saving, de-duplicated by the hash of their
 * rows (the same rows are one data set whoever uploads them), counted against the uploader's
 * bytes quota, readable and downloadable by everyone so other experiments can reuse them.
 */

export const DATASET_FORMATS = ["csv", "jsonl"] as const;

export const datasetNameSchema = singleLine({ min: 1, max: 200, label: "The data set name", minMessage: "Give the data set a name." });
export const datasetFormatSchema = z.enum(DATASET_FORMATS, { message: 'The format is "csv" or "jsonl".' });

/** An upload larger than the limit (the HTTP route answers 413). */
export class DatasetTooLargeError extends DomainError {
  constructor(bytes?: number) {
    super(
      "BAD_REQUEST",
      `${bytes === undefined ? "The file is" : `The file is ${(bytes / 1048576).toFixed(1)} MB, which is`} larger than the ${DATASET_LIMITS.maxBytes / 1048576} MB limit for data sets. Split it or sample from it.`,
    );
  }
}

export interface DatasetUpload {
  name: string;
  format: DatasetFormat;
  bytes: Uint8Array;
  /** Parse and preview only; nothing is written. */
  previewOnly: boolean;
}

export type UploadResult =
  | { saved: false; preview: DatasetPreview; contentHash: string; bytes: number; existingId: number | null }
  | { saved: true; id: number; reused: boolean; preview: DatasetPreview; contentHash: string; bytes: number };

async function idByHash(db: Queryable, contentHash: string): Promise<number | null> {
  const [row] = await db.select({ id: datasets.id }).from(datasets).where(eq(datasets.contentHash, contentHash));
  return row?.id ?? null;
}

export async function uploadDataset(db: Database, user: SessionUser, upload: DatasetUpload): Promise<UploadResult> {
  if (upload.bytes.byteLength > DATASET_LIMITS.maxBytes) throw new DatasetTooLargeError(upload.bytes.byteLength);
  const name = datasetNameSchema.safeParse(upload.name);
  if (!name.success) throw new DomainError("BAD_REQUEST", name.error.issues[0]?.message ?? "Give the data set a name.");
  const parsed = parseDatasetFile(upload.bytes, upload.format);
  if (!parsed.ok) throw new DomainError("BAD_REQUEST", `The data set cannot be used:\n${parsed.errors.join("\n")}`);
  const common = { preview: parsed.preview, contentHash: parsed.contentHash, bytes: upload.bytes.byteLength };
  if (upload.previewOnly) return { saved: false, existingId: await idByHash(db, parsed.contentHash), ...common };
  return db.transaction(async (tx) => {
    await lockUserQuota(tx, user.id);
    const existing = await idByHash(tx, parsed.contentHash);
    if (existing !== null) return { saved: true as const, id: existing, reused: true, ...common };
    await assertDatasetBytesAllowed(tx, user.id, upload.bytes.byteLength);
    const [row] = await tx
      .insert(datasets)
      .values({
        contentHash: parsed.contentHash,
        name: name.data,
        kind: parsed.dataset.kind,
        format: upload.format,
        bytes: upload.bytes.byteLength,
        rows: parsed.preview.rows,
        content: parsed.dataset as unknown as Record<string, unknown>,
        preview: parsed.preview as unknown as Record<string, unknown>,
        ownerId: user.id,
      })
      .onConflictDoNothing({ target: datasets.contentHash })
      .returning({ id: datasets.id });
    // Someone else saved the same rows a moment ago: theirs is the data set.
    if (!row) return { saved: true as const, id: (await idByHash(tx, parsed.contentHash))!, reused: true, ...common };
    return { saved: true as const, id: row.id, reused: false, ...common };
  });
}

const summaryColumns = {
  id: datasets.id,
  name: datasets.name,
  kind: datasets.kind,
  format: datasets.format,
  bytes: datasets.bytes,
  rows: datasets.rows,
  contentHash: datasets.contentHash,
  createdAt: datasets.createdAt,
  owner: optionalPublicName(users),
};

export async function getDataset(db: Database, id: number) {
  const [row] = await db
    .select({ ...summaryColumns, preview: datasets.preview })
    .from(datasets)
    .leftJoin(users, eq(users.id, datasets.ownerId))
    .where(eq(datasets.id, id));
  if (!row) throw notFound(`Data set #${id}`);
  return { ...row, preview: row.preview as unknown as DatasetPreview };
}

export const datasetListSchema = z.object({
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(100).default(20),
});

/** The data sets a person uploaded, newest first, for reuse in their next experiment. */
export async function listMyDatasets(db: Database, userId: string, input: z.output<typeof datasetListSchema>) {
  const [items, [count]] = await Promise.all([
    db
      .select(summaryColumns)
      .from(datasets)
      .leftJoin(users, eq(users.id, datasets.ownerId))
      .where(eq(datasets.ownerId, userId))
      .orderBy(desc(datasets.createdAt), desc(datasets.id))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    db.select({ total: sql<number>`count(*)::int` }).from(datasets).where(eq(datasets.ownerId, userId)),
  ]);
  const total = count?.total ?? 0;
  return { items, total, page: input.page, pageSize: input.pageSize, pageCount: Math.max(1, Math.ceil(total / input.pageSize)) };
}

/** The probe engine's shape of a stored data set (validated again: the column is JSON). */
export async function loadDatasetContent(db: Queryable, id: number): Promise<{ id: number; kind: ProbeDataset["kind"]; dataset: ProbeDataset } | null> {
  const [row] = await db.select({ id: datasets.id, kind: datasets.kind, content: datasets.content }).from(datasets).where(eq(datasets.id, id));
  if (!row) return null;
  const parsed = parseProbeDataset(row.content);
  if (!parsed.ok) throw new Error(`stored data set #${id} does not parse: ${parsed.errors[0] ?? ""}`);
  return { id: row.id, kind: row.kind, dataset: parsed.spec };
}

/** RFC 4180: quote fields holding commas, quotes or line breaks; CRLF between records. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}

function datasetRows(dataset: ProbeDataset): { header: string[]; rows: Array<Record<string, string>> } {
  if (dataset.kind === "labelled") {
    const hasDomain = dataset.examples.some((e) => e.domain !== undefined);
    return { header: hasDomain ? ["text", "label", "domain"] : ["text", "label"], rows: dataset.examples.map((e) => ({ text: e.text, label: e.label, ...(e.domain !== undefined ? { domain: e.domain } : {}) })) };
  }
  const hasDomain = dataset.pairs.some((p) => p.domain !== undefined);
  return { header: hasDomain ? ["positive", "negative", "domain"] : ["positive", "negative"], rows: dataset.pairs.map((p) => ({ positive: p.positive, negative: p.negative, ...(p.domain !== undefined ? { domain: p.domain } : {}) })) };
}

/** A file name safe in a Content-Disposition header. */
export function safeFileName(name: string, fallback: string): string {
  const cleaned = name.normalize("NFKD").replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80);
  return cleaned === "" ? fallback : cleaned;
}

/** The stored rows as a file in either format (not necessarily the one uploaded). */
export async function datasetFile(db: Database, id: number, format: DatasetFormat): Promise<{ fileName: string; contentType: string; body: string }> {
  const [row] = await db.select({ name: datasets.name }).from(datasets).where(eq(datasets.id, id));
  const loaded = await loadDatasetContent(db, id);
  if (!row || !loaded) throw notFound(`Data set #${id}`);
  const { header, rows } = datasetRows(loaded.dataset);
  const base = safeFileName(row.name, `dataset-${id}`);
  if (format === "jsonl") {
    return { fileName: `${base}.jsonl`, contentType: "application/x-ndjson; charset=utf-8", body: rows.map((r) => `${JSON.stringify(r)}\n`).join("") };
  }
  return { fileName: `${base}.csv`, contentType: "text/csv; charset=utf-8", body: csvLine(header) + rows.map((r) => csvLine(header.map((h) => r[h] ?? ""))).join("") };
}
