/**
 * Size limits for the tRPC endpoint. The largest legitimate body is a BibTeX import (200,000
 * characters, up to 4 bytes each in UTF-8, well under 1 MiB in practice); the browser client
 * batches at most TRPC_MAX_BATCH_SIZE calls per request.
 */
export const TRPC_MAX_BODY_BYTES = 1024 * 1024;
export const TRPC_MAX_BATCH_SIZE = 10;

export const BODY_TOO_LARGE_MESSAGE = `The request is too large (at most ${TRPC_MAX_BODY_BYTES / (1024 * 1024)} MB).`;
export const BATCH_TOO_LARGE_MESSAGE = `Too many calls in one request (at most ${TRPC_MAX_BATCH_SIZE} per batch).`;
