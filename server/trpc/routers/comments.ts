import { createComment, deleteComment, editComment, setCommentHidden } from "../../services/comments/write";
import { listComments, recentComments } from "../../services/comments/read";
import { commentIdSchema, createCommentSchema, editCommentSchema, hideCommentSchema, listCommentsSchema, recentCommentsSchema } from "../../services/comments/input";
import { createTRPCRouter, memberProcedure, moderatorProcedure, publicProcedure } from "../init";

export const commentsRouter = createTRPCRouter({
  /** One page of a target's threads (NOT_FOUND for a target the viewer may not see). */
  list: publicProcedure.input(listCommentsSchema).query(async ({ ctx, input }) => listComments(ctx.db, await ctx.getUser(), input)),
  /** The newest readable comments on public targets (home page). */
  recent: publicProcedure.input(recentCommentsSchema).query(({ ctx, input }) => recentComments(ctx.db, input.limit)),
  create: memberProcedure.input(createCommentSchema).mutation(({ ctx, input }) => createComment(ctx.db, ctx.user, input)),
  edit: memberProcedure.input(editCommentSchema).mutation(({ ctx, input }) => editComment(ctx.db, ctx.user, input)),
  delete: memberProcedure.input(commentIdSchema).mutation(({ ctx, input }) => deleteComment(ctx.db, ctx.user, input.id)),
  setHidden: moderatorProcedure.input(hideCommentSchema).mutation(({ ctx, input }) => setCommentHidden(ctx.db, ctx.user, input)),
});
