import { createTRPCRouter } from "../init";

/** One experiment across models: metric curves by layer or relative depth, and cross-model agreement. */
export const crossModelRouter = createTRPCRouter({});
