import type { SessionUser } from "../../trpc/context";
import { isStaff } from "../experiments/permissions";

/** A comment row as read for display (author's public name, never the email). */
export interface CommentRow {
  id: number;
  parentId: number | null;
  authorId: string;
  author: string;
  body: string;
  bodyHtml: string | null;
  bodyRenderError: string | null;
  hidden: boolean;
  deletedAt: Date | null;
  editedAt: Date | null;
  createdAt: Date;
}

/** One comment as a viewer sees it; `content` is null when deleted, or hidden from this viewer. */
export interface CommentView {
  id: number;
  parentId: number | null;
  author: string | null;
  createdAt: Date;
  editedAt: Date | null;
  deleted: boolean;
  hidden: boolean;
  content: { html: string | null; renderError: string | null; source: string } | null;
  mine: boolean;
  canEdit: boolean;
  canDelete: boolean;
  canModerate: boolean;
  canReply: boolean;
  replies: CommentView[];
}

/**
 * What this viewer may see of a comment: a deleted one is a placeholder; a hidden one shows its
 * content only to its author and moderators (everyone else sees that a moderator hid it).
 */
export function viewOf(row: CommentRow, viewer: SessionUser | null): CommentView {
  const mine = viewer !== null && viewer.id === row.authorId;
  const staff = isStaff(viewer?.role);
  const deleted = row.deletedAt !== null;
  const visible = !deleted && (!row.hidden || mine || staff);
  return {
    id: row.id,
    parentId: row.parentId,
    author: deleted ? null : row.author,
    createdAt: row.createdAt,
    editedAt: deleted ? null : row.editedAt,
    deleted,
    hidden: row.hidden && !deleted,
    content: visible ? { html: row.bodyHtml, renderError: row.bodyRenderError, source: row.body } : null,
    mine,
    canEdit: mine && !deleted,
    canDelete: mine && !deleted,
    canModerate: staff && !deleted,
    canReply: viewer !== null && !deleted && (!row.hidden || mine || staff),
    replies: [],
  };
}
