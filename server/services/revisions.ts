import { and, asc, count, eq, inArray, isNull } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "~/db/client";
import { comments, techniqueRelations, techniqueRevisions, techniques, users, type RevisionStatus } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { DomainError, notFound } from "../errors";
import { renderedDescription, type StoredRendering } from "../render/description";
import { citationsFromDatabase } from "../render/markdown-citation-lookup";
import type { SessionUser } from "../trpc/context";
import { optionalPublicName, publicName } from "./display-name";
import { applyCreate } from "./proposals/create";
import { applyMerge } from "./proposals/merge";
import { insertProposal } from "./proposals/pending";
import { applyRelations } from "./proposals/relations";
import { applyRename } from "./proposals/rename";
import { proposalViews, type ProposalView } from "./proposals/views";
import { canSeeProposal } from "./proposals/visibility";
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

export { MAX_PENDING_PER_TECHNIQUE, MAX_PENDING_PER_USER } from "./proposals/pending";
export const REVIEW_PAGE_SIZE = 20;

/** An edit as it would be recorded: the technique, the fields that really change, and their current values. */
export async function effectiveEdit(db: Queryable, slug: string, proposed: TechniqueChanges) {
  const [technique] = await db.select().from(techniques).where(eq(techniques.slug, slug));
  if (!technique) throw notFound(`The technique “${slug}”`);
  const before = await snapshot(db, technique, proposed);
  const changes = effectiveChanges(proposed, before);
  return { technique, changes, before: Object.fromEntries(Object.keys(changes).map((k) => [k, before[k]])) };
}

export async function proposeRevision(db: Database, input: { authorId: string; slug: string; changes: TechniqueChanges; message: string }) {
  const { technique, changes, before: trimmedBefore } = await effectiveEdit(db, input.slug, input.changes);
  if (Object.keys(changes).length === 0) throw new DomainError("BAD_REQUEST", "This edit changes nothing: every field already has the value you proposed.");
  // Check parents now so the author hears about unknown or circular parents at once, not at review.
  if (changes.parents) await assertParentsAllowed(db, technique.id, changes.parents);
  const revision = await insertProposal(db, { kind: "edit", authorId: input.authorId, techniqueId: technique.id, message: input.message, changes, before: trimmedBefore });
  return { id: revision.id, changes };
}

/** A field edit, applied inside the review's transaction. */
async function applyEdit(tx: Queryable, techniqueId: number, changes: TechniqueChanges, rendered: StoredRendering | null): Promise<void> {
  const { parents, ...fields } = changes;
  // A new description replaces the stored rendering (or clears it, to be rendered on first view).
  const html = fields.description === undefined ? {} : (rendered ?? { descriptionHtml: null, descriptionRenderError: null });
  await tx
    .update(techniques)
    .set({ ...fields, ...html, updatedAt: new Date() })
    .where(eq(techniques.id, techniqueId));
  if (parents) await setParents(tx, techniqueId, parents);
}

/**
 * Accepting applies the proposal (of any kind) in the same transaction that records the decision,
 * so a refused change (a cycle, a slug taken meanwhile) leaves everything as it was.
 */
export async function reviewRevision(db: Database, input: { reviewerId: string; revisionId: number; decision: "accept" | "reject"; comment: string }) {
  // Render outside the transaction (it may take up to the render budget); a pending revision's
  // changes never change, so what is rendered here is what gets applied.
  const [proposed] = await db
    .select({ kind: techniqueRevisions.kind, changes: techniqueRevisions.changes, status: techniqueRevisions.status, authorId: techniqueRevisions.authorId })
    .from(techniqueRevisions)
    .where(eq(techniqueRevisions.id, input.revisionId));
  const willApply = input.decision === "accept" && proposed?.status === "pending" && proposed.authorId !== input.reviewerId;
  const proposedDescription = willApply && (proposed.kind === "edit" || proposed.kind === "create") ? proposed.changes.description : undefined;
  const rendered = typeof proposedDescription === "string" ? await renderedDescription(proposedDescription, citationsFromDatabase(db)) : null;
  const result = await db.transaction(async (tx) => {
    const [revision] = await tx.select().from(techniqueRevisions).where(eq(techniqueRevisions.id, input.revisionId)).for("update");
    if (!revision) throw notFound(`Revision #${input.revisionId}`);
    if (revision.status !== "pending") throw new DomainError("CONFLICT", `Revision #${revision.id} was already ${revision.status}.`);
    if (revision.authorId === input.reviewerId && input.decision === "accept") {
      throw new DomainError("FORBIDDEN", "You cannot accept your own proposal; another moderator must review it.");
    }
    let techniqueId = revision.techniqueId;
    let before = revision.before;
    if (input.decision === "accept") {
      const needsTechnique = () => {
        if (techniqueId === null) throw new DomainError("BAD_REQUEST", `Revision #${revision.id} is not about a technique.`);
        return techniqueId;
      };
      switch (revision.kind) {
        case "edit":
          await applyEdit(tx, needsTechnique(), revision.changes as TechniqueChanges, rendered);
          break;
        case "create":
          techniqueId = (await applyCreate(tx, revision, rendered)).id;
          break;
        case "relations":
          await applyRelations(tx, revision);
          break;
        case "merge": {
          const merged = await applyMerge(tx, revision, input.reviewerId);
          techniqueId = merged.target.id;
          // What actually moved, for the history (the proposal's own before-snapshot stays as it was).
          before = { ...revision.before, moved: merged.moved, leftOut: merged.leftOut };
          break;
        }
        case "rename":
          await applyRename(tx, { id: revision.id, techniqueId: needsTechnique(), changes: revision.changes });
          break;
      }
    }
    await tx
      .update(techniqueRevisions)
      .set({ status: input.decision === "accept" ? "accepted" : "rejected", reviewerId: input.reviewerId, reviewComment: input.comment || null, reviewedAt: new Date(), techniqueId, before })
      .where(eq(techniqueRevisions.id, revision.id));
    const [technique] = techniqueId === null ? [] : await tx.select({ slug: techniques.slug }).from(techniques).where(eq(techniques.id, techniqueId));
    return { id: revision.id, kind: revision.kind, status: input.decision === "accept" ? ("accepted" as const) : ("rejected" as const), slug: technique?.slug ?? "" };
  });
  if (result.status === "accepted") invalidateTaxonomy(db);
  return result;
}

/** How many proposals wait for review, and how many the queue shows per page. */
export async function countPendingRevisions(db: Database) {
  const [row] = await db.select({ total: count() }).from(techniqueRevisions).where(eq(techniqueRevisions.status, "pending"));
  const total = row?.total ?? 0;
  return { total, pageSize: REVIEW_PAGE_SIZE, pageCount: Math.max(1, Math.ceil(total / REVIEW_PAGE_SIZE)) };
}

const revisionColumns = (author: ReturnType<typeof alias<typeof users, "author">>) => ({
  id: techniqueRevisions.id,
  kind: techniqueRevisions.kind,
  status: techniqueRevisions.status,
  techniqueId: techniqueRevisions.techniqueId,
  message: techniqueRevisions.message,
  changes: techniqueRevisions.changes,
  before: techniqueRevisions.before,
  createdAt: techniqueRevisions.createdAt,
  authorId: techniqueRevisions.authorId,
  authorName: publicName(author),
  /** Null for a new technique that is not accepted yet. */
  slug: techniques.slug,
  techniqueName: techniques.name,
});

/** One page of the review queue, oldest first (empty past the end), each proposal put in words with its diffs and preview. */
export async function listPendingRevisions(db: Database, input: { page: number }) {
  const author = alias(users, "author");
  const rows = await db
    .select(revisionColumns(author))
    .from(techniqueRevisions)
    .leftJoin(techniques, eq(techniques.id, techniqueRevisions.techniqueId))
    .innerJoin(author, eq(author.id, techniqueRevisions.authorId))
    .where(eq(techniqueRevisions.status, "pending"))
    .orderBy(asc(techniqueRevisions.createdAt), asc(techniqueRevisions.id))
    .limit(REVIEW_PAGE_SIZE)
    .offset((input.page - 1) * REVIEW_PAGE_SIZE);
  const [views, discussion] = await Promise.all([proposalViews(db, rows, { withPreview: true }), commentCounts(db, rows.map((r) => r.id))]);
  return rows.map((row) => ({ ...row, view: views.get(row.id)!, comments: discussion.get(row.id) ?? 0 }));
}

/** Visible comments on each proposal's discussion. */
async function commentCounts(db: Database, ids: number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: comments.targetId, n: count() })
    .from(comments)
    .where(and(eq(comments.targetType, "revision"), inArray(comments.targetId, ids.map(String)), isNull(comments.deletedAt), eq(comments.hidden, false)))
    .groupBy(comments.targetId);
  return new Map(rows.map((r) => [Number(r.id), r.n]));
}

/** One proposal with its words, diffs and preview (its permalink page); NOT_FOUND for one the viewer may not see. */
export async function getProposal(db: Database, viewer: SessionUser | null, id: number) {
  const author = alias(users, "author");
  const reviewer = alias(users, "reviewer");
  const [row] = await db
    .select({ ...revisionColumns(author), reviewerName: optionalPublicName(reviewer), reviewComment: techniqueRevisions.reviewComment, reviewedAt: techniqueRevisions.reviewedAt })
    .from(techniqueRevisions)
    .leftJoin(techniques, eq(techniques.id, techniqueRevisions.techniqueId))
    .innerJoin(author, eq(author.id, techniqueRevisions.authorId))
    .leftJoin(reviewer, eq(reviewer.id, techniqueRevisions.reviewerId))
    .where(eq(techniqueRevisions.id, id));
  if (!row || !canSeeProposal(viewer, row)) throw notFound(`Proposal #${id}`);
  const views = await proposalViews(db, [row], { withPreview: true });
  return { ...row, view: views.get(row.id)! };
}

/** Kinds and words for a page of a technique's history (the history query reads the raw rows). */
export async function historyViews(db: Database, items: Array<{ id: number; status: RevisionStatus; changes: Record<string, unknown>; before: Record<string, unknown> }>) {
  if (items.length === 0) return new Map<number, ProposalView>();
  const kinds = await db
    .select({ id: techniqueRevisions.id, kind: techniqueRevisions.kind, techniqueId: techniqueRevisions.techniqueId })
    .from(techniqueRevisions)
    .where(inArray(techniqueRevisions.id, items.map((i) => i.id)));
  const byId = new Map(kinds.map((k) => [k.id, k]));
  return proposalViews(
    db,
    items.map((i) => ({ ...i, kind: byId.get(i.id)?.kind ?? "edit", techniqueId: byId.get(i.id)?.techniqueId ?? null })),
  );
}
