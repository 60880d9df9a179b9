import { z } from "zod";
import { PAPER_RELATIONS } from "~/db/seed/data/types";
import { bibtexImportSchema, newPaperSchema, paperListSchema, paperNoteSchema } from "../../services/paper-input";
import { createPaper, getPaper, importBibtex, linkPaperToTechnique, listPapers } from "../../services/papers";
import { slugSchema } from "../../services/technique-input";
import { idSchema } from "../../validation/text";
import { createTRPCRouter, memberProcedure, publicProcedure } from "../init";

export const papersRouter = createTRPCRouter({
  list: publicProcedure.input(paperListSchema).query(({ ctx, input }) => listPapers(ctx.db, input)),
  byId: publicProcedure.input(z.object({ id: idSchema })).query(({ ctx, input }) => getPaper(ctx.db, input.id)),
  create: memberProcedure.input(newPaperSchema).mutation(({ ctx, input }) => createPaper(ctx.db, input, ctx.user.id)),
  importBibtex: memberProcedure.input(bibtexImportSchema).mutation(({ ctx, input }) => importBibtex(ctx.db, input, ctx.user.id)),
  link: memberProcedure
    .input(z.object({ paperId: idSchema, technique: slugSchema, relation: z.enum(PAPER_RELATIONS), note: paperNoteSchema }))
    .mutation(({ ctx, input }) => linkPaperToTechnique(ctx.db, input)),
});
