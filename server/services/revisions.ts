import { citationsFromDatabase } from "../render/markdown-citation-lookup";
import { and, asc, count, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "~/db/client";
import { techniqueRelations, techniqueRevisions, techniques, users } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { DomainError, notFound } from "../errors";
import { renderedDescription } from "../render/description";
import { publicName } from "./display-name";
import { invalidateTaxonomy } from "./taxonomy-cache";
import { assertParentsAllowed, setParents } from "./taxonomy-graph";
import type { TechniqueChanges } from "./technique-input";

type TechniqueRow = typeof techniques.$inferSelect;

async function currentParents(db: Queryable, techniqueId: number): Promise<string[]> {
  const rows = await db
    .select({ slug: techniques.slug })
    .from(techniqueRelations)
    .innerJoin(techniques, eq(techniques.id, techniqueRelations.fromId))
    .where(and(eq(techniqueRelations.toId, techniqueId), eq(techniqueRelations.kind, "kind_of")))
    .orderBy(asc(techniques.slug));
  return rows.map((r) => r.slug);
}

/** The current values of exactly the fields named in `changes`. */
async function snapshot(db: Queryable, technique: TechniqueRow, changes: TechniqueChanges): Promise<Record<string, unknown>> {
  const before: Record<string, unknown> = {};
  for (const key of Object.keys(changes) as Array<keyof TechniqueChanges>) {
    before[key] = key === "parents" ? await currentParents(db, technique.id) : technique[key];
  }
  return before;
}

const sameValue = (a: unknown, b: unknown) =>
  Array.isArray(a) && Array.isArray(b) ? JSON.stringify([...a].sort()) === JSON.stringify([...b].sort()) : JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Keeps only the fields that really change, so a no-op proposal is refused rather than queued. */
function effectiveChanges(changes: TechniqueChanges, before: Record<string, unknown>): TechniqueChanges {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) if (!sameValue(value, before[key])) result[key] = value;
  return result as TechniqueChanges;
}

/** Pending proposals one person may have waiting, overall and on one technique: keeps the review queue and pages bounded. */
export const MAX_PENDING_PER_USER = 10;
export const MAX_PENDING_PER_TECHNIQUE = 3;
export const REVIEW_PAGE_SIZE = 20;

async function assertPendingAllowed(db: Queryable, authorId: string, techniqueId: number) {
  const [row] = await db
    .select({
      total: count(),
      here: sql<number>`count(*) filter (where ${techniqueRevisions.techniqueId} = ${techniqueId})::int`,
    })
    .from(techniqueRevisions)
    .where(and(eq(techniqueRevisions.authorId, authorId), eq(techniqueRevisions.status, "pending")));
  if ((row?.here ?? 0) >= MAX_PENDING_PER_TECHNIQUE) {
    throw new DomainError("TOO_MANY_REQUESTS", `You already have ${MAX_PENDING_PER_TECHNIQUE} edits of this technique waiting for review; wait until a moderator has reviewed them.`);
  }
  if ((row?.total ?? 0) >= MAX_PENDING_PER_USER) {
    throw new DomainError("TOO_MANY_REQUESTS", `You already have ${MAX_PENDING_PER_USER} edits waiting for review; wait until a moderator has reviewed some of them.`);
  }
}

export async function proposeRevision(db: Database, input: { authorId: string; slug: string; changes: TechniqueChanges; message: string }) {
  const [technique] = await db.select().from(techniques).where(eq(techniques.slug, input.slug));
  if (!technique) throw notFound(`The technique “${input.slug}”`);
  const before = await snapshot(db, technique, input.changes);
  const changes = effectiveChanges(input.changes, before);
  if (Object.keys(changes).length === 0) throw new DomainError("BAD_REQUEST", "This edit changes nothing: every field already has the value you proposed.");
  const trimmedBefore = Object.fromEntries(Object.keys(changes).map((k) => [k, before[k]]));
  // Check parents now so the author hears about unknown or circular parents at once, not at review.
  if (changes.parents) await assertParentsAllowed(db, technique.id, changes.parents);
  const revision = await db.transaction(async (tx) => {
    // One proposal per author at a time, so parallel requests cannot pass the limit together.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('revisions:' || ${input.authorId}))`);
    await assertPendingAllowed(tx, input.authorId, technique.id);
    const [row] = await tx
      .insert(techniqueRevisions)
      .values({ techniqueId: technique.id, authorId: input.authorId, message: input.message, changes, before: trimmedBefore })
      .returning({ id: techniqueRevisions.id });
    return row;
  });
  if (!revision) throw new Error("insert returned no row");
  return { id: revision.id, changes };
}

/** Accepting applies the change in the same transaction that records the decision. */
export async function reviewRevision(db: Database, input: { reviewerId: string; revisionId: number; decision: "accept" | "reject"; comment: string }) {
  // Render outside the transaction (it may take up to the render budget); a pending revision's
  // changes never change, so what is rendered here is what gets applied.
  const [proposed] = await db
    .select({ changes: techniqueRevisions.changes, status: techniqueRevisions.status, authorId: techniqueRevisions.authorId })
    .from(techniqueRevisions)
    .where(eq(techniqueRevisions.id, input.revisionId));
  const willApply = input.decision === "accept" && proposed?.status === "pending" && proposed.authorId !== input.reviewerId;
  const proposedDescription = willApply ? (proposed.changes as TechniqueChanges).description : undefined;
  const rendered = proposedDescription === undefined ? null : await renderedDescription(proposedDescription, citationsFromDatabase(db));
  const result = await db.transaction(async (tx) => {
    const [revision] = await tx.select().from(techniqueRevisions).where(eq(techniqueRevisions.id, input.revisionId)).for("update");
    if (!revision) throw notFound(`Revision #${input.revisionId}`);
    if (revision.status !== "pending") throw new DomainError("CONFLICT", `Revision #${revision.id} was already ${revision.status}.`);
    if (revision.authorId === input.reviewerId && input.decision === "accept") {
      throw new DomainError("FORBIDDEN", "You cannot accept your own edit; another moderator must review it.");
    }
    if (revision.techniqueId === null || revision.kind !== "edit") {
      throw new DomainError("BAD_REQUEST", `Revision #${revision.id} is not a field edit of a technique.`);
    }
    const techniqueId = revision.techniqueId;
    if (input.decision === "accept") {
      const changes = revision.changes as TechniqueChanges;
      const { parents, ...fields } = changes;
      // A new description replaces the stored rendering (or clears it, to be rendered on first view).
      const html = fields.description === undefined ? {} : (rendered ?? { descriptionHtml: null, descriptionRenderError: null });
      if (Object.keys(fields).length > 0) {
        await tx.update(techniques).set({ ...fields, ...html, updatedAt: new Date() }).where(eq(techniques.id, techniqueId));
      } else {
        await tx.update(techniques).set({ updatedAt: new Date() }).where(eq(techniques.id, techniqueId));
      }
      if (parents) await setParents(tx, techniqueId, parents);
    }
    await tx
      .update(techniqueRevisions)
      .set({ status: input.decision === "accept" ? "accepted" : "rejected", reviewerId: input.reviewerId, reviewComment: input.comment || null, reviewedAt: new Date() })
      .where(eq(techniqueRevisions.id, revision.id));
    const [technique] = await tx.select({ slug: techniques.slug }).from(techniques).where(eq(techniques.id, techniqueId));
    return { id: revision.id, status: input.decision === "accept" ? ("accepted" as const) : ("rejected" as const), slug: technique?.slug ?? "" };
  });
  if (result.status === "accepted") invalidateTaxonomy(db);
  return result;
}

/** How many edits wait for review, and how many the queue shows per page. */
export async function countPendingRevisions(db: Database) {
  const [row] = await db.select({ total: count() }).from(techniqueRevisions).where(eq(techniqueRevisions.status, "pending"));
  const total = row?.total ?? 0;
  return { total, pageSize: REVIEW_PAGE_SIZE, pageCount: Math.max(1, Math.ceil(total / REVIEW_PAGE_SIZE)) };
}

/** One page of the review queue, oldest first (empty past the end). */
export async function listPendingRevisions(db: Database, input: { page: number }) {
  const author = alias(users, "author");
  return db
    .select({
      id: techniqueRevisions.id,
      message: techniqueRevisions.message,
      changes: techniqueRevisions.changes,
      before: techniqueRevisions.before,
      createdAt: techniqueRevisions.createdAt,
      authorId: techniqueRevisions.authorId,
      authorName: publicName(author),
      slug: techniques.slug,
      techniqueName: techniques.name,
    })
    .from(techniqueRevisions)
    .innerJoin(techniques, eq(techniques.id, techniqueRevisions.techniqueId))
    .innerJoin(author, eq(author.id, techniqueRevisions.authorId))
    .where(eq(techniqueRevisions.status, "pending"))
    .orderBy(asc(techniqueRevisions.createdAt), asc(techniqueRevisions.id))
    .limit(REVIEW_PAGE_SIZE)
    .offset((input.page - 1) * REVIEW_PAGE_SIZE);
}
