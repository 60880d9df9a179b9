import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "~/db/client";
import { signInAttempts } from "~/db/schema";
import { DomainError } from "../errors";

/**
 * Password sign-in throttling, by (email, client address) with exponential backoff plus a limit per
 * address across emails. Nothing locks an account: an attacker hammering one email slows only
 * their own address down, and the owner still signs in from theirs.
 *
 * Atomic across web processes: the attempt row is written (as a failure) inside a transaction that
 * holds an advisory lock for the address, after counting and before the password is checked. So N
 * concurrent guesses are counted one after another, and at most `freeFailures` reach the hash check.
 */
export const SIGN_IN_LIMIT = {
  /** Failures that count are those within this window. */
  windowMinutes: 15,
  /** Failures for one (email, address) before backoff starts. */
  attempts: 5,
  /** Longest wait between attempts once backing off. */
  maxDelaySeconds: 10 * 60,
  /** Failures from one address, over all emails, before it is refused for the rest of the window. */
  perAddressFailures: 30,
} as const;

// Advisory-lock namespace ("mmSI"); the second key is the address, so each address counts alone.
const LOCK_NAMESPACE = 0x6d6d5349;

const statsSchema = z.object({
  pair_failures: z.coerce.number(),
  last_failure: z.coerce.date().nullable(),
  address_failures: z.coerce.number(),
  oldest_address_failure: z.coerce.date().nullable(),
  now: z.coerce.date(),
});

/** Seconds to wait after the last failure, once an (email, address) pair has `failures` recent failures. */
export function backoffSeconds(failures: number): number {
  if (failures < SIGN_IN_LIMIT.attempts) return 0;
  return Math.min(2 ** (failures - SIGN_IN_LIMIT.attempts + 1), SIGN_IN_LIMIT.maxDelaySeconds);
}

function inWords(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 90) return `${s} second${s === 1 ? "" : "s"}`;
  const m = Math.ceil(s / 60);
  return `${m} minutes`;
}

/**
 * Records an attempt for (email, address) and returns its id, or refuses (TOO_MANY_REQUESTS) when the
 * pair is backing off or the address has failed too often. The row counts as a failure until
 * `markAttemptSucceeded`.
 */
export async function beginSignInAttempt(db: Database, email: string, address: string): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}::int, hashtext(${address}))`);
    // Clock time, not now(): the transaction may have waited for the lock.
    const window = sql`clock_timestamp() - make_interval(mins => ${SIGN_IN_LIMIT.windowMinutes})`;
    const rows = await tx.execute(sql`
      with pair as (
        select at, succeeded from ${signInAttempts}
        where email = ${email} and ip = ${address} and at > ${window}
      ), since as (
        -- a successful sign-in forgives the failures before it
        select coalesce(max(at), '-infinity'::timestamptz) as at from pair where succeeded
      ), address as (
        select at from ${signInAttempts} where ip = ${address} and not succeeded and at > ${window}
      )
      select
        (select count(*)::int from pair, since where not pair.succeeded and pair.at > since.at) as pair_failures,
        (select max(pair.at) from pair, since where not pair.succeeded and pair.at > since.at) as last_failure,
        (select count(*)::int from address) as address_failures,
        (select min(at) from address) as oldest_address_failure,
        clock_timestamp() as now
    `);
    const stats = statsSchema.parse(rows[0]);
    const now = stats.now.getTime();

    if (stats.address_failures >= SIGN_IN_LIMIT.perAddressFailures && stats.oldest_address_failure) {
      const freeAt = stats.oldest_address_failure.getTime() + SIGN_IN_LIMIT.windowMinutes * 60_000;
      throw new DomainError("TOO_MANY_REQUESTS", `Too many failed sign-in attempts from your address. Try again in ${inWords((freeAt - now) / 1000)}.`);
    }
    const delay = backoffSeconds(stats.pair_failures);
    if (delay > 0 && stats.last_failure) {
      const freeAt = stats.last_failure.getTime() + delay * 1000;
      if (freeAt > now) {
        throw new DomainError("TOO_MANY_REQUESTS", `Too many failed sign-in attempts for this account. Try again in ${inWords((freeAt - now) / 1000)}.`);
      }
    }

    // Rows older than a day serve no limit; this address's are dropped as it signs in again.
    await tx.execute(sql`delete from ${signInAttempts} where ip = ${address} and at < now() - interval '1 day'`);
    const [attempt] = await tx.insert(signInAttempts).values({ email, ip: address, succeeded: false, at: sql`clock_timestamp()` }).returning({ id: signInAttempts.id });
    if (!attempt) throw new Error("sign-in attempt insert returned no row");
    return attempt.id;
  });
}

export async function markAttemptSucceeded(db: Database, attemptId: number): Promise<void> {
  await db.update(signInAttempts).set({ succeeded: true }).where(eq(signInAttempts.id, attemptId));
}
