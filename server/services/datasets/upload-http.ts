import { z } from "zod";
import type { Database } from "~/db/client";
import type { SessionUser } from "../../trpc/context";
import { enforceRateLimit, RATE_LIMITS } from "../rate-limit";
import { errorResponse, jsonResponse } from "./http-responses";
import { DATASET_LIMITS } from "./parse-dataset";
import { datasetFormatSchema, datasetNameSchema, DatasetTooLargeError, uploadDataset } from "./store";

/**
 * POST /api/datasets: the body is the raw file (with its Content-Length);
 * `?format=csv|jsonl&name=…&preview=1`. A body over the limit is refused before it is read whole
 * (by its Content-Length, and by counting the stream), and every answer is JSON with the real
 * status code.
 */

export type LimitedBody = { ok: true; bytes: Uint8Array } | { ok: false; reason: "too-large" | "no-length" | "cut-short" };

/**
 * The body, read only while it stays within `maxBytes`. A Content-Length is required: Next.js's
 * proxy passes on only the first 10 MB of a longer body, so without a declared length a cut-off
 * file could not be told from a whole one; with it, a body that arrives shorter is refused.
 */
export async function readBodyLimited(req: Request, maxBytes: number): Promise<LimitedBody> {
  const header = req.headers.get("content-length");
  const declared = header === null || header.trim() === "" ? NaN : Number(header);
  if (!Number.isSafeInteger(declared) || declared < 0) {
    await req.body?.cancel().catch(() => {});
    return { ok: false, reason: "no-length" };
  }
  if (declared > maxBytes) {
    await req.body?.cancel().catch(() => {});
    return { ok: false, reason: "too-large" };
  }
  if (!req.body) return declared === 0 ? { ok: true, bytes: new Uint8Array(0) } : { ok: false, reason: "cut-short" };
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    // Counted as it arrives, whatever the header said.
    if (received > maxBytes) {
      await reader.cancel().catch(() => {});
      return { ok: false, reason: "too-large" };
    }
    chunks.push(value);
  }
  if (received !== declared) return { ok: false, reason: "cut-short" };
  const out = new Uint8Array(received);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return { ok: true, bytes: out };
}

const querySchema = z.object({
  format: datasetFormatSchema,
  name: datasetNameSchema,
  preview: z.enum(["0", "1", "true", "false"], { message: 'preview is "1" or "0".' }).default("0"),
});

export async function handleDatasetUpload(req: Request, ctx: { db: Database; user: SessionUser | null; clientIp: string }): Promise<Response> {
  try {
    if (!ctx.user) return jsonResponse(401, { error: "Sign in to upload a data set." });
    const staff = ctx.user.role !== "member";
    // Uploads are writes like any other: the same limits as tRPC mutations.
    await enforceRateLimit(ctx.db, staff ? RATE_LIMITS.writesPerIpStaff : RATE_LIMITS.writesPerIp, ctx.clientIp);
    await enforceRateLimit(ctx.db, staff ? RATE_LIMITS.writesPerStaffUser : RATE_LIMITS.writesPerUser, ctx.user.id);
    const url = new URL(req.url);
    const query = querySchema.safeParse({ format: url.searchParams.get("format") ?? undefined, name: url.searchParams.get("name") ?? undefined, preview: url.searchParams.get("preview") ?? undefined });
    if (!query.success) {
      await req.body?.cancel().catch(() => {});
      return jsonResponse(400, { error: query.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("\n") });
    }
    const body = await readBodyLimited(req, DATASET_LIMITS.maxBytes);
    if (!body.ok && body.reason === "too-large") throw new DatasetTooLargeError();
    if (!body.ok && body.reason === "no-length") return jsonResponse(411, { error: "Send the file with its Content-Length (browsers and curl do this for files)." });
    if (!body.ok) return jsonResponse(400, { error: "The upload was cut short: fewer bytes arrived than its Content-Length says. Try again." });
    const bytes = body.bytes;
    if (bytes.byteLength === 0) return jsonResponse(400, { error: "The file is empty. Send the CSV or JSONL file as the request body." });
    const previewOnly = query.data.preview === "1" || query.data.preview === "true";
    const result = await uploadDataset(ctx.db, ctx.user, { name: query.data.name, format: query.data.format, bytes, previewOnly });
    return jsonResponse(result.saved && !result.reused ? 201 : 200, result);
  } catch (error) {
    return errorResponse(error, "POST /api/datasets");
  }
}
