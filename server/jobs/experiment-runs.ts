import type PgBoss from "pg-boss";
import { z } from "zod";

/**
 * The queue of experiment runs. The web app enqueues one job per run row (runs are created first,
 * so a job always names a run that exists); workers take them (workers/jobs/run-experiment.ts).
 */
export const RUN_QUEUE = {
  name: "experiment.run",
  payload: z.object({ runId: z.number().int().positive() }),
  /** A job whose worker died is handed out again after this long; the worker's own time limit is shorter. */
  expireInSeconds: 20 * 60,
  /** Transient failures (a lost database connection, a crashed worker) are retried with backoff. */
  retryLimit: 3,
  retryDelaySeconds: 10,
} as const;

export type RunJobPayload = z.infer<typeof RUN_QUEUE.payload>;

/** Creates the queue (idempotent); call after boss.start(). */
export async function createRunQueue(boss: PgBoss): Promise<void> {
  await boss.createQueue(RUN_QUEUE.name, {
    name: RUN_QUEUE.name,
    expireInSeconds: RUN_QUEUE.expireInSeconds,
    retryLimit: RUN_QUEUE.retryLimit,
    retryDelay: RUN_QUEUE.retryDelaySeconds,
    retryBackoff: true,
  });
}

/**
 * Sends the job for one run. The queue's standard policy does not stop a second job for the same
 * run; that is harmless, because the worker skips runs that are already done or cancelled and
 * stores results under a row lock (workers/jobs/run-experiment.ts).
 */
export function enqueueRun(boss: PgBoss, runId: number): Promise<string | null> {
  const payload = RUN_QUEUE.payload.parse({ runId });
  return boss.send(RUN_QUEUE.name, payload);
}
