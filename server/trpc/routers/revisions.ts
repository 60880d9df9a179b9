import { listPendingRevisions, proposeRevision, reviewRevision } from "../../services/revisions";
import { proposeRevisionSchema, reviewRevisionSchema } from "../../services/technique-input";
import { createTRPCRouter, memberProcedure, moderatorProcedure } from "../init";

export const revisionsRouter = createTRPCRouter({
  propose: memberProcedure.input(proposeRevisionSchema).mutation(({ ctx, input }) => proposeRevision(ctx.db, { ...input, authorId: ctx.user.id })),
  pending: moderatorProcedure.query(({ ctx }) => listPendingRevisions(ctx.db)),
  review: moderatorProcedure.input(reviewRevisionSchema).mutation(({ ctx, input }) => reviewRevision(ctx.db, { ...input, reviewerId: ctx.user.id })),
});
