import { z } from "zod";
import { proposeCreate } from "../../services/proposals/create";
import { previewSchema, proposeCreateSchema, proposeMergeSchema, proposeRelationsSchema, proposeRenameSchema } from "../../services/proposals/input";
import { proposeMerge } from "../../services/proposals/merge";
import { PREVIEW_RATE_LIMIT, previewProposal } from "../../services/proposals/preview";
import { proposeRelations } from "../../services/proposals/relations";
import { proposeRename } from "../../services/proposals/rename";
import { enforceRateLimit } from "../../services/rate-limit";
import { countPendingRevisions, getProposal, listPendingRevisions, proposeRevision, reviewRevision } from "../../services/revisions";
import { proposeRevisionSchema, reviewRevisionSchema } from "../../services/technique-input";
import { idSchema } from "../../validation/text";
import { createTRPCRouter, memberProcedure, moderatorProcedure, publicProcedure } from "../init";

export const revisionsRouter = createTRPCRouter({
  /** Field edits of an existing technique. */
  propose: memberProcedure.input(proposeRevisionSchema).mutation(({ ctx, input }) => proposeRevision(ctx.db, { ...input, authorId: ctx.user.id })),
  /** A new technique (exists once accepted). */
  proposeCreate: memberProcedure.input(proposeCreateSchema).mutation(({ ctx, input }) => proposeCreate(ctx.db, { ...input, authorId: ctx.user.id })),
  /** Add and/or remove relations between techniques. */
  proposeRelations: memberProcedure.input(proposeRelationsSchema).mutation(({ ctx, input }) => proposeRelations(ctx.db, { ...input, authorId: ctx.user.id })),
  /** Merge one technique into another. */
  proposeMerge: memberProcedure.input(proposeMergeSchema).mutation(({ ctx, input }) => proposeMerge(ctx.db, { ...input, authorId: ctx.user.id })),
  /** New name and/or slug; the old slug redirects. */
  proposeRename: memberProcedure.input(proposeRenameSchema).mutation(({ ctx, input }) => proposeRename(ctx.db, { ...input, authorId: ctx.user.id })),
  /**
   * The diff and rendered description of an edit or a new technique, before submitting; saves
   * nothing. A mutation only because it is sent by POST (a 20,000-character description does not
   * fit in a GET URL); it counts against the write limits, and against its own preview limit.
   */
  preview: memberProcedure.input(previewSchema).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx.db, PREVIEW_RATE_LIMIT, ctx.user.id);
    return previewProposal(ctx.db, input);
  }),
  /** One proposal with its words, diffs and preview (NOT_FOUND when the viewer may not see it). */
  byId: publicProcedure.input(z.object({ id: idSchema })).query(async ({ ctx, input }) => getProposal(ctx.db, await ctx.getUser(), input.id)),
  /** One page of the review queue, oldest first, 20 per page; `pendingCount` gives the pages. */
  pending: moderatorProcedure
    .input(z.object({ page: z.number().int().min(1).max(10_000).default(1) }).default({ page: 1 }))
    .query(({ ctx, input }) => listPendingRevisions(ctx.db, input)),
  pendingCount: moderatorProcedure.query(({ ctx }) => countPendingRevisions(ctx.db)),
  review: moderatorProcedure.input(reviewRevisionSchema).mutation(({ ctx, input }) => reviewRevision(ctx.db, { ...input, reviewerId: ctx.user.id })),
});
