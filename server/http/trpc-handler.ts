import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { DomainError } from "../errors";
import type { Context } from "../trpc/context";
import { appRouter } from "../trpc/root";
import { withBodyLimit } from "./body-limit";
import { BODY_TOO_LARGE_MESSAGE, TRPC_MAX_BATCH_SIZE, TRPC_MAX_BODY_BYTES } from "./limits";

/**
 * Answers one HTTP request to /api/trpc. Bodies are capped (413 before they are read whole) and
 * batches are capped (400), so one request can neither hold a process nor produce an unbounded
 * answer. Unexpected errors are logged without parameters by the error formatter (trpc/init.ts).
 */
export function handleTrpcRequest(req: Request, createContext: (req: Request) => Promise<Context>): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: withBodyLimit(req, TRPC_MAX_BODY_BYTES, () => new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: BODY_TOO_LARGE_MESSAGE })),
    router: appRouter,
    maxBatchSize: TRPC_MAX_BATCH_SIZE,
    createContext: ({ req: limited }) => createContext(limited),
    responseMeta: ({ errors }) => {
      const retryAfter = retryAfterSeconds(errors);
      return retryAfter === null ? {} : { headers: new Headers({ "retry-after": String(retryAfter) }) };
    },
  });
}

/** When to come back, for clients and proxies that read Retry-After: the longest wait among the errors. */
function retryAfterSeconds(errors: TRPCError[]): number | null {
  let longest: number | null = null;
  for (const error of errors) {
    let seconds: number | null = null;
    if (error.code === "SERVICE_UNAVAILABLE") seconds = 5;
    const details = error.cause instanceof DomainError ? error.cause.details : undefined;
    if (error.code === "TOO_MANY_REQUESTS" && typeof details?.retryAfterSeconds === "number") seconds = details.retryAfterSeconds;
    if (seconds !== null) longest = Math.max(longest ?? 0, seconds);
  }
  return longest;
}
