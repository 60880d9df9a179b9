import { z } from "zod";
import { getCachedTaxonomy } from "../../services/taxonomy-cache";
import { getTechniqueBySlug, listTechniqueOptions } from "../../services/techniques";
import { searchTechniques } from "../../services/technique-search";
import { slugSchema } from "../../services/technique-input";
import { createTRPCRouter, publicProcedure } from "../init";

export const taxonomyRouter = createTRPCRouter({
  /** The whole map: nodes and edges. */
  graph: publicProcedure.query(({ ctx }) => getCachedTaxonomy(ctx.db)),
  /** One technique with its papers, relations and one page of its revision history (newest first). */
  technique: publicProcedure
    .input(z.object({ slug: slugSchema, historyPage: z.number().int().min(1).max(10_000).default(1) }))
    .query(({ ctx, input }) => getTechniqueBySlug(ctx.db, input.slug, input.historyPage)),
  search: publicProcedure
    .input(z.object({ query: z.string().trim().max(200), limit: z.number().int().min(1).max(50).default(10) }))
    .query(({ ctx, input }) => searchTechniques(ctx.db, input.query, input.limit)),
  options: publicProcedure.query(({ ctx }) => listTechniqueOptions(ctx.db)),
});
