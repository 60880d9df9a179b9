import { createTRPCRouter } from "../init";

/** The experiments × models matrix: status, headline metric and claim verdict per cell. */
export const compareRouter = createTRPCRouter({});
