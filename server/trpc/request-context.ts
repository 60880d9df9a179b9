import { getSessionUser } from "../auth/session";
import { getDb } from "../db";
import type { Context, SessionUser } from "./context";

/** Context for requests inside Next.js (route handlers and server components). */
export async function createRequestContext(): Promise<Context> {
  let user: Promise<SessionUser | null> | undefined;
  return { db: getDb(), getUser: () => (user ??= getSessionUser()) };
}
