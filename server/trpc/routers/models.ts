import { z } from "zod";
import { publisherFor } from "../../jobs/publisher";
import { modelByName } from "../../services/models/detail";
import { modelByNameSchema, modelListSchema, modelNameSchema } from "../../services/models/input";
import { listModels } from "../../services/models/list";
import { queueAllForModel } from "../../services/models/queue-all";
import { createTRPCRouter, moderatorProcedure, publicProcedure } from "../init";

/** Hosted models: their facts, the experiments run on them, queueing runs. */
export const modelsRouter = createTRPCRouter({
  /** Every hosted model with its facts, published experiments done on it and their verdicts; sorted and filtered. */
  list: publicProcedure.input(modelListSchema).query(({ ctx, input }) => listModels(ctx.db, input)),
  /** One model's facts and the experiments run on it (20 per page); NOT_FOUND for an unknown name. */
  byName: publicProcedure.input(modelByNameSchema).query(({ ctx, input }) => modelByName(ctx.db, input)),
  /** Queue every published experiment not yet run on this model. It costs worker time, so moderators do it. */
  queueAll: moderatorProcedure
    .input(z.object({ name: modelNameSchema }))
    .mutation(async ({ ctx, input }) => queueAllForModel(ctx.db, await publisherFor(ctx.db), input.name)),
});
