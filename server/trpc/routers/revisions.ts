import { z } from "zod";
import { countPendingRevisions, listPendingRevisions, proposeRevision, reviewRevision } from "../../services/revisions";
import { proposeRevisionSchema, reviewRevisionSchema } from "../../services/technique-input";
import { createTRPCRouter, memberProcedure, moderatorProcedure } from "../init";

export const revisionsRouter = createTRPCRouter({
  propose: memberProcedure.input(proposeRevisionSchema).mutation(({ ctx, input }) => proposeRevision(ctx.db, { ...input, authorId: ctx.user.id })),
  /** One page of the review queue, oldest first, 20 per page; `pendingCount` gives the pages. */
  pending: moderatorProcedure
    .input(z.object({ page: z.number().int().min(1).max(10_000).default(1) }).default({ page: 1 }))
    .query(({ ctx, input }) => listPendingRevisions(ctx.db, input)),
  pendingCount: moderatorProcedure.query(({ ctx }) => countPendingRevisions(ctx.db)),
  review: moderatorProcedure.input(reviewRevisionSchema).mutation(({ ctx, input }) => reviewRevision(ctx.db, { ...input, reviewerId: ctx.user.id })),
});
