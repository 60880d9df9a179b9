import "server-only";
import { cache } from "react";
import { createRequestContext } from "./request-context";
import { createCaller } from "./root";

/** The single tRPC caller for server components: same procedures, same checks, no HTTP hop. */
export const api = cache(async () => createCaller(await createRequestContext()));
