import { BY_HAND, MetadataLookupError } from "./errors";

export interface FetchLimits {
  /** Whole request, body included. */
  timeoutMs: number;
  /** Largest body read; a longer one is abandoned. */
  maxBytes: number;
  userAgent: string;
}

export interface BoundedResponse {
  status: number;
  contentType: string;
  body: string;
}

/** Network error codes that mean "no connection to that service" (offline, DNS, refused, reset). */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ECONNRESET", "ETIMEDOUT", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT"]);

function errorCode(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || (error.name === "AbortError" && (error.cause as Error | undefined)?.name === "TimeoutError"));
}

function failure(service: string, error: unknown, limits: FetchLimits): MetadataLookupError {
  if (error instanceof MetadataLookupError) return error;
  if (isTimeout(error)) return new MetadataLookupError("timeout", `${service} did not answer within ${Math.round(limits.timeoutMs / 100) / 10} s. Try again later, or ${BY_HAND.toLowerCase()}`);
  const code = errorCode(error);
  if (code === null || UNREACHABLE_CODES.has(code) || error instanceof TypeError) {
    return new MetadataLookupError("unreachable", `Could not reach ${service} (offline?). ${BY_HAND}`);
  }
  return new MetadataLookupError("unreachable", `Could not reach ${service} (${code}). ${BY_HAND}`);
}

/** Reads at most `maxBytes` of the body as a stream; past that the transfer is cancelled. */
async function readCapped(response: Response, service: string, maxBytes: number): Promise<string> {
  const tooLarge = () => new MetadataLookupError("too_large", `${service} sent an answer larger than ${Math.round(maxBytes / 1024)} KB, which is not what a paper's record looks like. ${BY_HAND}`);
  const declared = Number(response.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder("utf-8").decode(bytes);
}

/**
 * GET with a deadline for the whole exchange and a cap on the body, so a slow or hostile server
 * cannot hold a request thread or fill memory. Network failures become MetadataLookupErrors that
 * name the service.
 */
export async function fetchBounded(url: URL, service: string, limits: FetchLimits, accept: string): Promise<BoundedResponse> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  try {
    const response = await fetch(url, { signal, redirect: "follow", headers: { Accept: accept, "User-Agent": limits.userAgent } });
    const body = await readCapped(response, service, limits.maxBytes);
    return { status: response.status, contentType: response.headers.get("content-type") ?? "", body };
  } catch (error) {
    throw failure(service, error, limits);
  }
}
