import { compareMatrix } from "../../services/compare/matrix";
import { compareQuerySchema } from "../../services/compare/url-state";
import { createTRPCRouter, publicProcedure } from "../init";

/** The experiments × models matrix: status, headline metric and claim verdict per cell. */
export const compareRouter = createTRPCRouter({
  /** One page (25 experiments × up to 20 models) with the given filters and sort; public. */
  matrix: publicProcedure.input(compareQuerySchema).query(({ ctx, input }) => compareMatrix(ctx.db, input)),
});
