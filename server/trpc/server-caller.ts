import "server-only";
import { connection } from "next/server";
import { cache } from "react";
import { createRequestContext } from "./request-context";
import { createCaller } from "./root";

/**
 * The single tRPC caller for server components: same procedures, same checks, no HTTP hop.
 * Pages that read data render per request, never at build time with a stale snapshot.
 */
export const api = cache(async () => {
  await connection();
  return createCaller(await createRequestContext());
});
