import { z } from "zod";
import { datasetListSchema, getDataset, listMyDatasets } from "../../services/datasets/store";
import { idSchema } from "../../validation/text";
import { createTRPCRouter, memberProcedure, publicProcedure } from "../init";

/** Uploads go through POST /api/datasets (a raw file body); these read what is stored. */
export const datasetsRouter = createTRPCRouter({
  byId: publicProcedure.input(z.object({ id: idSchema })).query(({ ctx, input }) => getDataset(ctx.db, input.id)),
  mine: memberProcedure.input(datasetListSchema).query(({ ctx, input }) => listMyDatasets(ctx.db, ctx.user.id, input)),
});
