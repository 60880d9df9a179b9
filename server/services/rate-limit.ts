import { lt, sql } from "drizzle-orm";
import type { Database } from "~/db/client";
import { rateLimitHits } from "~/db/schema";
import { DomainError } from "../errors";

/**
 * Fixed-window rate limits kept in PostgreSQL, so every web process (and every machine serving the
 * same database) counts against the same totals. A hit is one atomic upsert; windows that have
 * ended are deleted now and then as new windows start.
 */

export interface RateLimit {
  /** Names the counter in `rate_limit_hits.bucket`, e.g. "write-ip". */
  name: string;
  max: number;
  windowSeconds: number;
  /** What was done too often, for the message: "Too many <what>." */
  what: string;
}

const TEN_MINUTES = 10 * 60;
const ONE_HOUR = 60 * 60;

/** Every limit in one place. Moderators and admins review and curate in bursts, so they get more. */
export const RATE_LIMITS = {
  /** Any mutation, per signed-in user. */
  writesPerUser: { name: "write-user", max: 60, windowSeconds: TEN_MINUTES, what: "changes in a short time" },
  writesPerStaffUser: { name: "write-staff", max: 600, windowSeconds: TEN_MINUTES, what: "changes in a short time" },
  /** Any mutation, per client address (signed in or not). */
  writesPerIp: { name: "write-ip", max: 120, windowSeconds: TEN_MINUTES, what: "changes from your network address" },
  writesPerIpStaff: { name: "write-ip-staff", max: 1_200, windowSeconds: TEN_MINUTES, what: "changes from your network address" },
  /** New accounts per client address. */
  signUpsPerIp: { name: "signup-ip", max: 5, windowSeconds: ONE_HOUR, what: "new accounts from your network address" },
} as const satisfies Record<string, RateLimit>;

const LONGEST_WINDOW_SECONDS = Math.max(...Object.values(RATE_LIMITS).map((l) => l.windowSeconds));
/** Share of new windows that also sweep ended windows (keeps the table small without a timer). */
const SWEEP_PROBABILITY = 0.05;

export interface RateLimitResult {
  allowed: boolean;
  hits: number;
  /** Seconds until the current window ends. */
  retryAfterSeconds: number;
}

function windowStartOf(now: Date, windowSeconds: number): Date {
  const ms = windowSeconds * 1000;
  return new Date(Math.floor(now.getTime() / ms) * ms);
}

/** Counts one hit against `limit` for `key` (a user id or an address) and says whether it is allowed. */
export async function hitRateLimit(db: Database, limit: RateLimit, key: string, now: Date = new Date()): Promise<RateLimitResult> {
  const windowStart = windowStartOf(now, limit.windowSeconds);
  const [row] = await db
    .insert(rateLimitHits)
    .values({ bucket: `${limit.name}:${key}`, windowStart, hits: 1 })
    .onConflictDoUpdate({ target: [rateLimitHits.bucket, rateLimitHits.windowStart], set: { hits: sql`${rateLimitHits.hits} + 1` } })
    .returning({ hits: rateLimitHits.hits });
  const hits = row?.hits ?? 1;
  if (hits === 1 && Math.random() < SWEEP_PROBABILITY) await deleteEndedWindows(db, now);
  const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + limit.windowSeconds * 1000 - now.getTime()) / 1000));
  return { allowed: hits <= limit.max, hits, retryAfterSeconds };
}

/** Deletes every window that ended before `now` (judged by the longest limit, so none still counts). */
export async function deleteEndedWindows(db: Database, now: Date = new Date()): Promise<void> {
  await db.delete(rateLimitHits).where(lt(rateLimitHits.windowStart, new Date(now.getTime() - LONGEST_WINDOW_SECONDS * 1000)));
}

export function rateLimitMessage(limit: RateLimit, retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many ${limit.what}. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

/** Counts a hit and refuses (TOO_MANY_REQUESTS) once the window's allowance is used up. */
export async function enforceRateLimit(db: Database, limit: RateLimit, key: string, now?: Date): Promise<void> {
  const result = await hitRateLimit(db, limit, key, now);
  if (!result.allowed) {
    throw new DomainError("TOO_MANY_REQUESTS", rateLimitMessage(limit, result.retryAfterSeconds), { retryAfterSeconds: result.retryAfterSeconds });
  }
}
