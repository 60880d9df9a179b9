import { z } from "zod";
import { publisherFor } from "../../jobs/publisher";
import { experimentByIdSchema, experimentContentSchema, experimentListSchema, updateExperimentSchema } from "../../services/experiments/input";
import { publishExperiment } from "../../services/experiments/publish";
import { getExperiment, listExperiments } from "../../services/experiments/read";
import { createDraft, updateExperiment } from "../../services/experiments/save";
import { quotaStatus, setQuotaSchema, setUserQuota } from "../../services/quotas";
import { idSchema } from "../../validation/text";
import { createTRPCRouter, memberProcedure, moderatorProcedure, publicProcedure } from "../init";

export const experimentsRouter = createTRPCRouter({
  list: publicProcedure.input(experimentListSchema).query(async ({ ctx, input }) => listExperiments(ctx.db, await ctx.getUser(), input)),
  byId: publicProcedure.input(experimentByIdSchema).query(async ({ ctx, input }) => getExperiment(ctx.db, await ctx.getUser(), input)),
  create: memberProcedure.input(experimentContentSchema).mutation(({ ctx, input }) => createDraft(ctx.db, ctx.user, input)),
  update: memberProcedure.input(updateExperimentSchema).mutation(({ ctx, input }) => updateExperiment(ctx.db, () => publisherFor(ctx.db), ctx.user, input)),
  publish: memberProcedure.input(z.object({ id: idSchema })).mutation(async ({ ctx, input }) => publishExperiment(ctx.db, await publisherFor(ctx.db), ctx.user, input.id)),
  /** The caller's limits and what they have used. */
  myQuota: memberProcedure.query(({ ctx }) => quotaStatus(ctx.db, ctx.user.id)),
  /** Moderators and admins raise (or reset, with null) one person's limits. */
  setQuota: moderatorProcedure.input(setQuotaSchema).mutation(({ ctx, input }) => setUserQuota(ctx.db, ctx.user.id, input)),
});
