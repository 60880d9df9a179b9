import { sql } from "drizzle-orm";
import { papers } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { citeKeyBase, citeKeySuffix } from "./keys";

/**
 * Paper inserts and key backfills take this transaction lock, so two papers by the same author
 * and year never race for the same cite key (and the duplicate check sees the other's insert).
 */
export async function lockPaperKeys(tx: Queryable): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(919192)`);
}

/** The cite keys already taken that start with this base (`arditi2024`, `arditi2024a`, …). */
async function takenKeys(tx: Queryable, base: string): Promise<Set<string>> {
  // The base is [a-z0-9]+, so it is safe inside the pattern.
  const rows = await tx.select({ key: papers.citeKey }).from(papers).where(sql`${papers.citeKey} ~ ${`^${base}[a-z]*$`}`);
  return new Set(rows.flatMap((r) => (r.key ? [r.key] : [])));
}

/** The first free key: the base itself, then base + a, b, … z, aa, … */
export function firstFreeKey(base: string, taken: ReadonlySet<string>): string {
  for (let n = 0; ; n++) {
    const key = base + citeKeySuffix(n);
    if (!taken.has(key)) return key;
  }
}

/** A free cite key for a new paper; call with lockPaperKeys held. */
export async function nextCiteKey(tx: Queryable, paper: { authors: readonly string[]; year: number | null }): Promise<string> {
  const base = citeKeyBase(paper);
  return firstFreeKey(base, await takenKeys(tx, base));
}
