import { createTRPCRouter } from "../init";

/** Accepted changes to the taxonomy and papers (feed), and members' watches. */
export const changesRouter = createTRPCRouter({});
