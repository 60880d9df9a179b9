import { z } from "zod";
import { getCachedTaxonomy } from "../../services/taxonomy-cache";
import { resolveTechniqueSlug } from "../../services/proposals/slugs";
import { techniqueForPage } from "../../services/proposals/technique-page";
import { listTechniqueOptions } from "../../services/techniques";
import { searchTechniques } from "../../services/technique-search";
import { slugSchema } from "../../services/technique-input";
import { createTRPCRouter, publicProcedure } from "../init";

export const taxonomyRouter = createTRPCRouter({
  /** The whole map: nodes and edges. */
  graph: publicProcedure.query(({ ctx }) => getCachedTaxonomy(ctx.db)),
  /**
   * One technique with its papers, relations and one page of its revision history (newest first).
   * An old slug answers with the technique it now redirects to, and `redirectedFrom` set.
   */
  technique: publicProcedure
    .input(z.object({ slug: slugSchema, historyPage: z.number().int().min(1).max(10_000).default(1) }))
    .query(({ ctx, input }) => techniqueForPage(ctx.db, input.slug, input.historyPage)),
  /** Where a slug lives now: `{ slug, redirected }` (redirected: it is an old slug), or null when no technique has it. */
  resolveSlug: publicProcedure.input(z.object({ slug: slugSchema })).query(async ({ ctx, input }) => {
    const found = await resolveTechniqueSlug(ctx.db, input.slug);
    return found ? { slug: found.slug, name: found.name, redirected: found.redirected } : null;
  }),
  search: publicProcedure
    .input(z.object({ query: z.string().trim().max(200), limit: z.number().int().min(1).max(50).default(10) }))
    .query(({ ctx, input }) => searchTechniques(ctx.db, input.query, input.limit)),
  options: publicProcedure.query(({ ctx }) => listTechniqueOptions(ctx.db)),
});
