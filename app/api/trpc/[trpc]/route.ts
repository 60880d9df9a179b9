import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { withBodyLimit } from "~/server/http/body-limit";
import { BODY_TOO_LARGE_MESSAGE, TRPC_MAX_BATCH_SIZE, TRPC_MAX_BODY_BYTES } from "~/server/http/limits";
import { createRequestContext } from "~/server/trpc/request-context";
import { appRouter } from "~/server/trpc/root";

/**
 * The tRPC endpoint. Bodies are capped (refused with 413 before they are read whole) and batches
 * are capped (400), so one request cannot hold a process or produce an unbounded answer.
 * Unexpected errors are logged, without parameters, by the error formatter in server/trpc/init.ts.
 */
const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req: withBodyLimit(req, TRPC_MAX_BODY_BYTES, () => new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: BODY_TOO_LARGE_MESSAGE })),
    router: appRouter,
    maxBatchSize: TRPC_MAX_BATCH_SIZE,
    createContext: ({ req: request }) => createRequestContext(request.headers),
  });

export { handler as GET, handler as POST };
