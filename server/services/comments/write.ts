import { citationsFromDatabase } from "../../render/markdown-citation-lookup";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "~/db/client";
import { comments } from "~/db/schema";
import type { Transaction } from "~/db/transaction";
import { DomainError, notFound } from "../../errors";
import type { SessionUser } from "../../trpc/context";
import { isStaff } from "../experiments/permissions";
import { MAX_COMMENT_LEVEL, type TargetRef } from "./input";
import { renderCommentBody } from "./render";
import { resolveTarget } from "./targets";

/** Writing comments: post (or reply), edit and delete your own; moderators hide and unhide. */

/** The ancestors of a comment, itself first, up to the root. */
async function ancestry(tx: Transaction, id: number): Promise<number[]> {
  const rows = await tx.execute<{ id: number; level: number }>(sql`
    with recursive up(id, parent_id, level) as (
      select id, parent_id, 1 from ${comments} where id = ${id}
      union all
      select c.id, c.parent_id, up.level + 1 from ${comments} c join up on c.id = up.parent_id where up.level < 64
    )
    select id, level from up order by level`);
  return rows.map((r) => Number(r.id));
}

export async function createComment(db: Database, viewer: SessionUser, input: TargetRef & { parentId?: number | undefined; body: string }) {
  const target = await resolveTarget(db, viewer, input.target, input.id);
  // Rendered before the transaction: the renderer may take a while and holds no locks.
  const rendered = await renderCommentBody(input.body, citationsFromDatabase(db));
  return db.transaction(async (tx) => {
    let parentId: number | null = null;
    if (input.parentId !== undefined) {
      // FOR SHARE: the parent cannot be deleted between this check and the insert (its delete sees this reply).
      const [parent] = await tx
        .select({ id: comments.id, targetType: comments.targetType, targetId: comments.targetId, authorId: comments.authorId, hidden: comments.hidden, deletedAt: comments.deletedAt })
        .from(comments)
        .where(eq(comments.id, input.parentId))
        .for("share");
      const visible = parent && (!parent.hidden || parent.authorId === viewer.id || isStaff(viewer.role));
      if (!parent || parent.targetType !== target.type || parent.targetId !== target.targetId || !visible) throw notFound(`Comment #${input.parentId}`);
      if (parent.deletedAt !== null) throw new DomainError("BAD_REQUEST", "That comment was deleted; reply to the thread instead.");
      // Threads nest at most MAX_COMMENT_LEVEL deep: a reply to the deepest level joins it as a sibling.
      const chain = await ancestry(tx, parent.id);
      parentId = chain.length >= MAX_COMMENT_LEVEL ? chain[chain.length - (MAX_COMMENT_LEVEL - 1)]! : parent.id;
    }
    const [row] = await tx
      .insert(comments)
      .values({ targetType: target.type, targetId: target.targetId, parentId, authorId: viewer.id, body: input.body, ...rendered })
      .returning({ id: comments.id, parentId: comments.parentId, createdAt: comments.createdAt });
    return row!;
  });
}

/** The comment if it exists, is not deleted and its target is visible to the viewer. */
async function ownComment(db: Database | Transaction, viewer: SessionUser, id: number, verb: string) {
  const [row] = await db.select().from(comments).where(eq(comments.id, id));
  if (!row || row.deletedAt !== null) throw notFound(`Comment #${id}`);
  await resolveTarget(db, viewer, row.targetType, row.targetId).catch(() => {
    throw notFound(`Comment #${id}`);
  });
  if (row.authorId !== viewer.id) throw new DomainError("FORBIDDEN", `Only its author can ${verb} a comment.`);
  return row;
}

export async function editComment(db: Database, viewer: SessionUser, input: { id: number; body: string }) {
  const before = await ownComment(db, viewer, input.id, "edit");
  if (before.body === input.body) return { id: before.id, editedAt: before.editedAt };
  const rendered = await renderCommentBody(input.body, citationsFromDatabase(db));
  const [row] = await db
    .update(comments)
    .set({ body: input.body, ...rendered, editedAt: new Date() })
    .where(and(eq(comments.id, input.id), sql`${comments.deletedAt} is null`))
    .returning({ id: comments.id, editedAt: comments.editedAt });
  if (!row) throw notFound(`Comment #${input.id}`);
  return row;
}

/**
 * Deletes the author's comment. With replies it stays as a "[deleted]" placeholder (its text is
 * erased) so the conversation keeps its shape; without, it goes, and so do placeholders above it
 * that no longer hold up any reply.
 */
export async function deleteComment(db: Database, viewer: SessionUser, id: number) {
  await ownComment(db, viewer, id, "delete");
  return db.transaction(async (tx) => {
    // FOR UPDATE: waits for a reply being posted to it (which holds FOR SHARE), then sees that reply.
    const [row] = await tx.select({ id: comments.id, parentId: comments.parentId, deletedAt: comments.deletedAt }).from(comments).where(eq(comments.id, id)).for("update");
    if (!row || row.deletedAt !== null) throw notFound(`Comment #${id}`);
    const hasReplies = async (commentId: number) => (await tx.select({ id: comments.id }).from(comments).where(eq(comments.parentId, commentId)).limit(1)).length > 0;
    if (await hasReplies(id)) {
      await tx.update(comments).set({ deletedAt: new Date(), body: "", bodyHtml: null, bodyRenderError: null }).where(eq(comments.id, id));
      return { id, removed: false };
    }
    await tx.delete(comments).where(eq(comments.id, id));
    let parentId = row.parentId;
    while (parentId !== null) {
      const [parent] = await tx.select({ id: comments.id, parentId: comments.parentId, deletedAt: comments.deletedAt }).from(comments).where(eq(comments.id, parentId)).for("update");
      if (!parent || parent.deletedAt === null || (await hasReplies(parent.id))) break;
      await tx.delete(comments).where(eq(comments.id, parent.id));
      parentId = parent.parentId;
    }
    return { id, removed: true };
  });
}

/** Moderators hide a comment from everyone but its author and the moderators, or show it again. */
export async function setCommentHidden(db: Database, moderator: SessionUser, input: { id: number; hidden: boolean }) {
  const [row] = await db
    .update(comments)
    .set({ hidden: input.hidden, hiddenById: input.hidden ? moderator.id : null })
    .where(and(eq(comments.id, input.id), sql`${comments.deletedAt} is null`))
    .returning({ id: comments.id, hidden: comments.hidden });
  if (!row) throw notFound(`Comment #${input.id}`);
  return row;
}
