import { headers as requestHeaders } from "next/headers";
import { getSessionUser } from "../auth/session";
import { getDb } from "../db";
import { clientIp } from "../http/client-ip";
import type { Context, SessionUser } from "./context";

/**
 * Context for requests inside Next.js (route handlers and server components). Route handlers pass
 * their request's headers; server components read them from next/headers.
 */
export async function createRequestContext(headers?: Headers): Promise<Context> {
  let user: Promise<SessionUser | null> | undefined;
  const ip = clientIp(headers ?? (await requestHeaders()));
  return { db: getDb(), getUser: () => (user ??= getSessionUser()), clientIp: ip };
}
