import { createCallerFactory, createTRPCRouter } from "./init";
import { papersRouter } from "./routers/papers";
import { revisionsRouter } from "./routers/revisions";
import { taxonomyRouter } from "./routers/taxonomy";
import { usersRouter } from "./routers/users";

export const appRouter = createTRPCRouter({
  taxonomy: taxonomyRouter,
  revisions: revisionsRouter,
  papers: papersRouter,
  users: usersRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
