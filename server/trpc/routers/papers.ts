import { z } from "zod";
import { authorAliasSchema, bibtexImportSchema, newPaperSchema, paperListSchema } from "../../services/paper-input";
import {
  addAuthorAlias,
  approvePaper,
  createPaper,
  getPaper,
  importBibtex,
  listPapers,
  possibleDuplicates,
  unreviewedPapers,
} from "../../services/papers";
import { idSchema } from "../../validation/text";
import { createTRPCRouter, memberProcedure, moderatorProcedure, publicProcedure } from "../init";

/** Papers; changes to an existing paper (details, technique links) go through review: see paper-revisions.ts. */
export const papersRouter = createTRPCRouter({
  list: publicProcedure.input(paperListSchema).query(({ ctx, input }) => listPapers(ctx.db, input)),
  byId: publicProcedure.input(z.object({ id: idSchema })).query(({ ctx, input }) => getPaper(ctx.db, input.id)),
  /** "Is this the same paper?": papers with the same normalised title, year and first author. */
  possibleDuplicates: publicProcedure
    .input(newPaperSchema.pick({ title: true, authors: true, year: true, arxivId: true, doi: true }))
    .query(({ ctx, input }) => possibleDuplicates(ctx.db, input)),
  create: memberProcedure.input(newPaperSchema).mutation(({ ctx, input }) => createPaper(ctx.db, input, ctx.user)),
  importBibtex: memberProcedure.input(bibtexImportSchema).mutation(({ ctx, input }) => importBibtex(ctx.db, input, ctx.user)),
  unreviewed: moderatorProcedure
    .input(z.object({ page: z.number().int().min(1).max(10_000).default(1) }).default({ page: 1 }))
    .query(({ ctx, input }) => unreviewedPapers(ctx.db, input.page)),
  approve: moderatorProcedure.input(z.object({ paperId: idSchema })).mutation(({ ctx, input }) => approvePaper(ctx.db, input.paperId, ctx.user.id)),
  addAuthorAlias: moderatorProcedure.input(authorAliasSchema).mutation(({ ctx, input }) => addAuthorAlias(ctx.db, input, ctx.user.id)),
});
