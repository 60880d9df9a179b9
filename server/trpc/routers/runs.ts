import { z } from "zod";
import { publisherFor } from "../../jobs/publisher";
import { attentionPattern } from "../../services/runs/attention-patterns";
import { runChartData } from "../../services/runs/chart-data";
import { cancelRun, rerun } from "../../services/runs/control";
import { getRun, runProgress, versionVerdicts } from "../../services/runs/read";
import { idSchema } from "../../validation/text";
import { createTRPCRouter, memberProcedure, publicProcedure } from "../init";

export const runsRouter = createTRPCRouter({
  byId: publicProcedure.input(z.object({ id: idSchema })).query(async ({ ctx, input }) => getRun(ctx.db, await ctx.getUser(), input.id)),
  /** The run page's chart data: per-layer series, steering curves, anchor positions, cosine heatmaps, neuron maps. */
  charts: publicProcedure.input(z.object({ id: idSchema })).query(async ({ ctx, input }) => runChartData(ctx.db, await ctx.getUser(), input.id)),
  /** One layer of one prompt's attention patterns (attentionPatterns method), fetched when the viewer opens it. */
  attentionPattern: publicProcedure
    .input(z.object({ id: idSchema, methodIndex: z.number().int().min(0).max(63), prompt: z.number().int().min(0).max(63), layer: z.number().int().min(0).max(1023) }))
    .query(async ({ ctx, input }) => attentionPattern(ctx.db, await ctx.getUser(), { runId: input.id, methodIndex: input.methodIndex, prompt: input.prompt, layer: input.layer })),
  /** Per model, the latest done run of an experiment version and its claims' verdicts. */
  verdicts: publicProcedure.input(z.object({ versionId: idSchema })).query(async ({ ctx, input }) => versionVerdicts(ctx.db, await ctx.getUser(), input.versionId)),
  /** Cheap, for polling: status and progress of up to 100 runs. */
  progress: publicProcedure
    .input(z.object({ ids: z.array(idSchema).min(1, "Ask for at least one run.").max(100, "Ask for at most 100 runs at once.") }))
    .query(async ({ ctx, input }) => runProgress(ctx.db, await ctx.getUser(), input.ids)),
  rerun: memberProcedure.input(z.object({ id: idSchema })).mutation(async ({ ctx, input }) => rerun(ctx.db, await publisherFor(ctx.db), ctx.user, input.id)),
  cancel: memberProcedure.input(z.object({ id: idSchema })).mutation(async ({ ctx, input }) => cancelRun(ctx.db, await publisherFor(ctx.db), ctx.user, input.id)),
});
