import { createTRPCRouter } from "../init";

/** Hosted models: their facts, the experiments run on them, queueing runs. */
export const modelsRouter = createTRPCRouter({});
