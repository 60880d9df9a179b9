import { DomainError } from "../../errors";
import { reportInternalError } from "../../http/internal-error";
import { DatasetTooLargeError } from "./store";

/** Answers of the file routes (uploads, downloads): JSON errors with real status codes, files with a download name. */

const STATUS: Record<DomainError["code"], number> = { BAD_REQUEST: 400, NOT_FOUND: 404, CONFLICT: 409, FORBIDDEN: 403, TOO_MANY_REQUESTS: 429 };

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers } });
}

/** A DomainError as its status and message; anything else is logged under an error id (500/503). */
export function errorResponse(error: unknown, where: string): Response {
  if (error instanceof DatasetTooLargeError) return jsonResponse(413, { error: error.message });
  if (error instanceof DomainError) {
    const retry = error.details?.retryAfterSeconds;
    return jsonResponse(STATUS[error.code], { error: error.message }, retry !== undefined ? { "retry-after": String(retry) } : {});
  }
  const report = reportInternalError(error, where);
  return jsonResponse(report.unavailable ? 503 : 500, { error: report.message, errorId: report.unavailable ? null : report.errorId });
}

/** A file download: attachment with a safe name, never sniffed, not cached by shared caches. */
export function fileResponse(file: { fileName: string; contentType: string; body: Buffer | string }): Response {
  const body = typeof file.body === "string" ? file.body : new Uint8Array(file.body);
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${file.fileName.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-cache",
    },
  });
}
