import { z } from "zod";
import {
  paperRevisionPageSchema,
  paperRevisionsOfPaperSchema,
  proposePaperLinkSchema,
  proposePaperMetadataSchema,
  proposePaperUnlinkSchema,
  reviewPaperRevisionSchema,
} from "../../services/papers/paper-revisions-input";
import { proposePaperLink, proposePaperMetadata, proposePaperUnlink, reviewPaperRevision } from "../../services/papers/paper-revisions";
import { countPendingPaperRevisions, getPaperRevision, listPendingPaperRevisions, paperRevisionsOfPaper } from "../../services/papers/paper-revisions-views";
import { idSchema } from "../../validation/text";
import { createTRPCRouter, memberProcedure, moderatorProcedure, publicProcedure } from "../init";

/** Proposed changes to papers (metadata corrections, links to techniques), reviewed by moderators. */
export const paperRevisionsRouter = createTRPCRouter({
  proposeMetadata: memberProcedure.input(proposePaperMetadataSchema).mutation(({ ctx, input }) => proposePaperMetadata(ctx.db, { ...input, authorId: ctx.user.id })),
  proposeLink: memberProcedure.input(proposePaperLinkSchema).mutation(({ ctx, input }) => proposePaperLink(ctx.db, { ...input, authorId: ctx.user.id })),
  proposeUnlink: memberProcedure.input(proposePaperUnlinkSchema).mutation(({ ctx, input }) => proposePaperUnlink(ctx.db, { ...input, authorId: ctx.user.id })),
  /** One proposal with its diff (public, like papers). */
  byId: publicProcedure.input(z.object({ id: idSchema })).query(({ ctx, input }) => getPaperRevision(ctx.db, input.id)),
  /** A paper's proposals, waiting ones first. */
  ofPaper: publicProcedure.input(paperRevisionsOfPaperSchema).query(({ ctx, input }) => paperRevisionsOfPaper(ctx.db, input)),
  /** One page of the queue, oldest first, 20 per page; `pendingCount` gives the pages. */
  pending: moderatorProcedure.input(paperRevisionPageSchema).query(({ ctx, input }) => listPendingPaperRevisions(ctx.db, input)),
  pendingCount: moderatorProcedure.query(({ ctx }) => countPendingPaperRevisions(ctx.db)),
  review: moderatorProcedure.input(reviewPaperRevisionSchema).mutation(({ ctx, input }) => reviewPaperRevision(ctx.db, { ...input, reviewerId: ctx.user.id })),
});
