import { asc, eq, isNotNull, sql } from "drizzle-orm";
import type { Database } from "~/db/client";
import { papers } from "~/db/schema";
import { firstFreeKey, lockPaperKeys } from "./cite-keys";
import { citeKeyBase, dedupeKey } from "./keys";

/**
 * Gives every paper its dedupe key and cite key (rows from before the keys existed, the seed, or
 * inserted directly). Idempotent: cite keys, once given, never change (Markdown cites them);
 * dedupe keys are recomputed and written only where they differ. Oldest papers first, so within
 * a collision the earlier paper keeps the bare key.
 */
export async function backfillPaperKeys(db: Database): Promise<{ citeKeys: number; dedupeKeys: number }> {
  return db.transaction(async (tx) => {
    await lockPaperKeys(tx);
    const rows = await tx
      .select({ id: papers.id, title: papers.title, authors: papers.authors, year: papers.year, citeKey: papers.citeKey, dedupeKey: papers.dedupeKey })
      .from(papers)
      .orderBy(sql`${papers.year} asc nulls last`, asc(papers.id));
    const taken = new Set((await tx.select({ key: papers.citeKey }).from(papers).where(isNotNull(papers.citeKey))).flatMap((r) => (r.key ? [r.key] : [])));
    let citeKeys = 0;
    let dedupeKeys = 0;
    for (const row of rows) {
      const patch: { citeKey?: string; dedupeKey?: string } = {};
      const key = dedupeKey(row);
      if (row.dedupeKey !== key) patch.dedupeKey = key;
      if (row.citeKey === null) {
        patch.citeKey = firstFreeKey(citeKeyBase(row), taken);
        taken.add(patch.citeKey);
      }
      if (patch.citeKey === undefined && patch.dedupeKey === undefined) continue;
      await tx.update(papers).set(patch).where(eq(papers.id, row.id));
      if (patch.citeKey) citeKeys++;
      if (patch.dedupeKey) dedupeKeys++;
    }
    return { citeKeys, dedupeKeys };
  });
}
