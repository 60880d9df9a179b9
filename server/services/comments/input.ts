import { z } from "zod";
import { COMMENT_TARGETS } from "~/db/schema";
import { idSchema, multiLine } from "../../validation/text";

/** Limits of the discussion, in one place (the page says them too). */
export const MAX_COMMENT_CHARS = 10_000;
/** Top-level comments per page. */
export const COMMENTS_PAGE_SIZE = 50;
/** Nesting levels: a top-level comment is level 1; a reply to a level-4 comment joins level 4. */
export const MAX_COMMENT_LEVEL = 4;

export const commentTargetSchema = z.enum(COMMENT_TARGETS);

/** Experiments, runs and papers by numeric id; techniques by slug or numeric id. */
export const targetIdSchema = z.union([idSchema, z.string().trim().min(1, "Say what the comment is about.").max(100, "No record has an id this long.")]);

export const targetRefSchema = z.object({ target: commentTargetSchema, id: targetIdSchema });

export const commentBodySchema = multiLine({ min: 1, max: MAX_COMMENT_CHARS, label: "A comment", minMessage: "Write something first." });

export const listCommentsSchema = targetRefSchema.extend({ page: z.number().int().min(1).max(10_000).default(1) });
export const createCommentSchema = targetRefSchema.extend({ parentId: idSchema.optional(), body: commentBodySchema });
export const editCommentSchema = z.object({ id: idSchema, body: commentBodySchema });
export const commentIdSchema = z.object({ id: idSchema });
export const hideCommentSchema = z.object({ id: idSchema, hidden: z.boolean() });
export const recentCommentsSchema = z.object({ limit: z.number().int().min(1).max(20).default(5) });

export type TargetRef = z.output<typeof targetRefSchema>;
