import { runs } from "~/db/schema";

/** A run's status and live progress: what the experiment page shows per run and what polling returns. */
export const runProgressColumns = {
  id: runs.id,
  status: runs.status,
  stage: runs.stage,
  percent: runs.percent,
  examplesDone: runs.examplesDone,
  examplesTotal: runs.examplesTotal,
  currentLayer: runs.currentLayer,
  error: runs.error,
  cancelRequested: runs.cancelRequested,
  metricsSha256: runs.metricsSha256,
  startedAt: runs.startedAt,
  finishedAt: runs.finishedAt,
};
