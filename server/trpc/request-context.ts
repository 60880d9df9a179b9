import { getSessionUser } from "../auth/session";
import { getDb } from "../db";
import type { Context } from "./context";

/** Context for requests inside Next.js (route handlers and server components). */
export async function createRequestContext(): Promise<Context> {
  return { db: getDb(), user: await getSessionUser() };
}
