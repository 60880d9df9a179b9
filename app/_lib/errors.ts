import { TRPCClientError } from "@trpc/client";

export interface ErrorInfo {
  /** Readable text for the whole error. */
  message: string;
  /** "field.path" → message, from zod validation on the server. */
  fieldErrors: Record<string, string>;
  /** Extra data the server attached (e.g. existingPaperId on a duplicate paper). */
  details: Record<string, string | number>;
  code: string | null;
  /** Set when the server hit an unexpected error; the message already quotes it. */
  errorId: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
  return out;
}

function detailRecord(value: unknown): Record<string, string | number> {
  if (!isRecord(value)) return {};
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === "string" || typeof v === "number") out[k] = v;
  return out;
}

const UNREACHABLE = "MechMap did not answer as expected. Check your connection and try again.";

/** Reads what the tRPC error formatter sends (message, data.fieldErrors, data.details) from any thrown value. */
export function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    const d = isRecord(data) ? data : {};
    // No error shape: the request never got a tRPC answer (network down, a proxy's error page).
    const fromServer = isRecord(data);
    return {
      message: fromServer ? error.message || "Something went wrong." : UNREACHABLE,
      fieldErrors: stringRecord(d.fieldErrors),
      details: detailRecord(d.details),
      code: typeof d.code === "string" ? d.code : null,
      errorId: typeof d.errorId === "string" ? d.errorId : null,
    };
  }
  if (error instanceof Error) return { message: error.message, fieldErrors: {}, details: {}, code: null, errorId: null };
  return { message: "Something went wrong.", fieldErrors: {}, details: {}, code: null, errorId: null };
}
