import { and, count, eq, sql } from "drizzle-orm";
import type { Database } from "~/db/client";
import { techniqueRevisions, type RevisionKind } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { DomainError } from "../../errors";

/** Pending proposals one person may have waiting, overall and on one technique: keeps the review queue and pages bounded. */
export const MAX_PENDING_PER_USER = 10;
export const MAX_PENDING_PER_TECHNIQUE = 3;

/** Refuses a new proposal when its author already has too many waiting (overall, or on this technique). */
export async function assertPendingAllowed(db: Queryable, authorId: string, techniqueId: number | null) {
  const [row] = await db
    .select({
      total: count(),
      here: techniqueId === null ? sql<number>`0` : sql<number>`count(*) filter (where ${techniqueRevisions.techniqueId} = ${techniqueId})::int`,
    })
    .from(techniqueRevisions)
    .where(and(eq(techniqueRevisions.authorId, authorId), eq(techniqueRevisions.status, "pending")));
  if (Number(row?.here ?? 0) >= MAX_PENDING_PER_TECHNIQUE) {
    throw new DomainError("TOO_MANY_REQUESTS", `You already have ${MAX_PENDING_PER_TECHNIQUE} edits of this technique waiting for review; wait until a moderator has reviewed them.`);
  }
  if ((row?.total ?? 0) >= MAX_PENDING_PER_USER) {
    throw new DomainError("TOO_MANY_REQUESTS", `You already have ${MAX_PENDING_PER_USER} edits waiting for review; wait until a moderator has reviewed some of them.`);
  }
}

export interface NewProposal {
  kind: RevisionKind;
  authorId: string;
  techniqueId: number | null;
  message: string;
  changes: Record<string, unknown>;
  before: Record<string, unknown>;
}

/**
 * Records a proposal within the author's limits. `check` runs inside the same transaction, after
 * the author's lock (and any `lockKeys`, e.g. a slug), for checks that must not race.
 */
export async function insertProposal(db: Database, proposal: NewProposal, options: { lockKeys?: string[]; check?: (tx: Queryable) => Promise<void> } = {}) {
  const row = await db.transaction(async (tx) => {
    // One proposal per author at a time, so parallel requests cannot pass the limit together.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('revisions:' || ${proposal.authorId}))`);
    for (const key of [...(options.lockKeys ?? [])].sort()) await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);
    await assertPendingAllowed(tx, proposal.authorId, proposal.techniqueId);
    await options.check?.(tx);
    const [inserted] = await tx
      .insert(techniqueRevisions)
      .values({ kind: proposal.kind, techniqueId: proposal.techniqueId, authorId: proposal.authorId, message: proposal.message, changes: proposal.changes, before: proposal.before })
      .returning({ id: techniqueRevisions.id });
    return inserted;
  });
  if (!row) throw new Error("insert returned no row");
  return row;
}
