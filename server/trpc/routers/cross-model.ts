import { z } from "zod";
import { CLAIM_METRIC_NAMES } from "../../experiments/claims";
import { crossModelAgreement } from "../../services/cross-model/agreement";
import { crossModelCurves } from "../../services/cross-model/curves";
import { idSchema } from "../../validation/text";
import { createTRPCRouter, publicProcedure } from "../init";

const version = z.number().int("A version is a whole number.").min(1, "Versions start at 1.").max(100_000, "There is no such version.").nullish();
const hook = z
  .string()
  .regex(/^[A-Za-z0-9_.]{1,100}$/, 'Name a hook kind such as "hook_resid_post".')
  .nullish();
const modelName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "Name a hosted model (letters, digits, '.', '_' and '-').")
  .nullish();
const metric = z
  .string()
  .refine((m) => CLAIM_METRIC_NAMES.includes(m), { message: "Choose a claimable metric such as diffmean.accuracy or consistency.meanCosine." })
  .nullish();

/** One experiment across models: metric curves by layer or relative depth, and cross-model agreement. */
export const crossModelRouter = createTRPCRouter({
  /** One metric's per-layer curves for every model with a done run of the version, its claims and chance level. */
  curves: publicProcedure
    .input(z.object({ id: idSchema, version, metric, hook }))
    .query(async ({ ctx, input }) => crossModelCurves(ctx.db, await ctx.getUser(), input)),
  /** Layer × layer correlations of per-example diffmean scores between two models, and the same-recipe seed baseline. */
  agreement: publicProcedure
    .input(z.object({ id: idSchema, version, a: modelName, b: modelName, hook }))
    .query(async ({ ctx, input }) => crossModelAgreement(ctx.db, await ctx.getUser(), input)),
});
