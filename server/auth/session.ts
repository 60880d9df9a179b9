import { cookies } from "next/headers";
import { decode } from "next-auth/jwt";
import { getDb } from "../db";
import type { SessionUser } from "../trpc/context";
import { authOptions, SESSION_COOKIE } from "./options";
import { sessionUser } from "./sessions";

type CookieStore = Awaited<ReturnType<typeof cookies>>;

/** The session JWT, joined back together when next-auth split it over `.0`, `.1`, … cookies. */
function readSessionCookie(store: CookieStore): string | null {
  const whole = store.get(SESSION_COOKIE)?.value;
  if (whole) return whole;
  const chunks = store
    .getAll()
    .filter((c) => c.name.startsWith(`${SESSION_COOKIE}.`))
    .map((c) => ({ index: Number(c.name.slice(SESSION_COOKIE.length + 1)), value: c.value }))
    .filter((c) => Number.isInteger(c.index))
    .sort((a, b) => a.index - b.index);
  return chunks.length > 0 ? chunks.map((c) => c.value).join("") : null;
}

/**
 * The signed-in user as stored now (role changes apply at once), or null. The JWT must be valid
 * and its session row must still exist and be unexpired (sign-out and role changes delete it).
 */
export async function getSessionUser(): Promise<SessionUser | null> {
  const secret = authOptions.secret ?? process.env.NEXTAUTH_SECRET;
  if (!secret) return null;
  const raw = readSessionCookie(await cookies());
  if (!raw) return null;
  let token: Awaited<ReturnType<typeof decode>>;
  try {
    token = await decode({ token: raw, secret });
  } catch {
    return null; // forged, from another secret, or expired
  }
  if (!token || typeof token.sid !== "string") return null;
  return sessionUser(getDb(), token.sid, token.sub);
}
