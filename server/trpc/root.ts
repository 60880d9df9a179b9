import { createCallerFactory, createTRPCRouter } from "./init";
import { changesRouter } from "./routers/changes";
import { commentsRouter } from "./routers/comments";
import { compareRouter } from "./routers/compare";
import { crossModelRouter } from "./routers/cross-model";
import { datasetsRouter } from "./routers/datasets";
import { evidenceRouter } from "./routers/evidence";
import { experimentsRouter } from "./routers/experiments";
import { modelsRouter } from "./routers/models";
import { paperLookupRouter } from "./routers/paper-lookup";
import { paperRevisionsRouter } from "./routers/paper-revisions";
import { papersRouter } from "./routers/papers";
import { revisionsRouter } from "./routers/revisions";
import { runsRouter } from "./routers/runs";
import { steerRouter } from "./routers/steer";
import { taxonomyRouter } from "./routers/taxonomy";
import { usersRouter } from "./routers/users";

export const appRouter = createTRPCRouter({
  taxonomy: taxonomyRouter,
  revisions: revisionsRouter,
  papers: papersRouter,
  paperLookup: paperLookupRouter,
  paperRevisions: paperRevisionsRouter,
  users: usersRouter,
  experiments: experimentsRouter,
  datasets: datasetsRouter,
  runs: runsRouter,
  comments: commentsRouter,
  evidence: evidenceRouter,
  compare: compareRouter,
  models: modelsRouter,
  crossModel: crossModelRouter,
  changes: changesRouter,
  steer: steerRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
