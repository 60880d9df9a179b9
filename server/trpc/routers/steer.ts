import { z } from "zod";
import { publisherFor } from "../../jobs/publisher";
import { listSteerDirections, steerDirectionsSchema } from "../../services/steer/directions";
import { steerableModels } from "../../services/steer/models";
import { steerRequestSchema } from "../../services/steer/params";
import { getSteerResult } from "../../services/steer/read";
import { requestSteer } from "../../services/steer/request";
import { idSchema } from "../../validation/text";
import { createTRPCRouter, memberProcedure, publicProcedure } from "../init";

/** The /steer page: steered generation on the workers, stored under the hash of its parameters. */
export const steerRouter = createTRPCRouter({
  /** Ready models with their depth, for the form. */
  models: publicProcedure.query(({ ctx }) => steerableModels(ctx.db)),
  /** Runs with a stored diffmean direction, searchable by experiment title or technique; 20 per page. */
  directions: publicProcedure.input(steerDirectionsSchema).query(({ ctx, input }) => listSteerDirections(ctx.db, input)),
  /** The stored result for these parameters, or a new one queued on the workers (rate-limited per person). */
  request: memberProcedure.input(steerRequestSchema).mutation(async ({ ctx, input }) => requestSteer(ctx.db, await publisherFor(ctx.db), ctx.user, input)),
  /** One result by id (the permalink); polled while it runs. */
  get: publicProcedure.input(z.object({ id: idSchema })).query(({ ctx, input }) => getSteerResult(ctx.db, input.id)),
});
