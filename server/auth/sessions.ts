import { randomBytes } from "node:crypto";
import { and, eq, gt, lte } from "drizzle-orm";
import type { Database } from "~/db/client";
import { sessions, users } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import type { SessionUser } from "../trpc/context";

/**
 * Server-side session rows behind the JWT cookie. The JWT says who signed in; the row says the
 * sign-in still stands. Deleting the row (sign-out, role change, admin revocation) signs that
 * browser out at its next request, whatever the cookie's own expiry says.
 */

/** How long a sign-in lasts; the JWT's maxAge uses the same value. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** Records a new sign-in for the user and returns its token (32 random bytes, base64url). */
export async function createSession(db: Database, userId: string): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const expires = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000);
  await db.transaction(async (tx) => {
    // Expired rows of this user are dropped here, so the table does not grow without bound.
    await tx.delete(sessions).where(and(eq(sessions.userId, userId), lte(sessions.expires, new Date())));
    await tx.insert(sessions).values({ sessionToken: token, userId, expires });
  });
  return token;
}

/** The user behind a live session token, read fresh (a role change shows at once), or null. */
export async function sessionUser(db: Database, token: string, expectedUserId?: string): Promise<SessionUser | null> {
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.sessionToken, token), gt(sessions.expires, new Date())));
  if (!row || (expectedUserId !== undefined && row.id !== expectedUserId)) return null;
  return row;
}

/** Ends one sign-in (sign-out). */
export async function deleteSession(db: Queryable, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.sessionToken, token));
}

/** Ends every sign-in of a user (role change, "sign out everywhere", a compromised account); returns how many. */
export async function revokeSessions(db: Queryable, userId: string): Promise<number> {
  const deleted = await db.delete(sessions).where(eq(sessions.userId, userId)).returning({ token: sessions.sessionToken });
  return deleted.length;
}
