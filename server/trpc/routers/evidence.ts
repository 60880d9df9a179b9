import { z } from "zod";
import { techniqueEvidence } from "../../services/evidence";
import { recentRuns } from "../../services/recent-runs";
import { slugSchema } from "../../services/technique-input";
import { createTRPCRouter, publicProcedure } from "../init";

export const evidenceRouter = createTRPCRouter({
  /** A technique's published experiments, their runs per model and headline metrics. */
  technique: publicProcedure.input(z.object({ slug: slugSchema })).query(({ ctx, input }) => techniqueEvidence(ctx.db, input.slug)),
  /** The newest finished runs of published experiments. */
  recentRuns: publicProcedure.input(z.object({ limit: z.number().int().min(1).max(20).default(5) })).query(({ ctx, input }) => recentRuns(ctx.db, input.limit)),
});
