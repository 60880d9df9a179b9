import type PgBoss from "pg-boss";
import { z } from "zod";

/**
 * The queue of steered generations. The web app inserts the steer_results row first and sends a
 * job naming it; workers take them (workers/jobs/steer-generate.ts). A second job for the same row
 * is harmless: the worker stores one result under a row lock.
 */
export const STEER_QUEUE = {
  name: "steer.generate",
  payload: z.object({ resultId: z.number().int().positive() }),
  /** Seconds of work at most (64 tokens × 3 streams on a small model); a job whose worker died is handed out again after this. */
  expireInSeconds: 5 * 60,
  retryLimit: 2,
  retryDelaySeconds: 5,
} as const;

export type SteerJobPayload = z.infer<typeof STEER_QUEUE.payload>;

const created = new WeakSet<PgBoss>();

/** Creates the queue once per pg-boss (idempotent); sending to a queue that does not exist fails. */
export async function createSteerQueue(boss: PgBoss): Promise<void> {
  if (created.has(boss)) return;
  await boss.createQueue(STEER_QUEUE.name, {
    name: STEER_QUEUE.name,
    expireInSeconds: STEER_QUEUE.expireInSeconds,
    retryLimit: STEER_QUEUE.retryLimit,
    retryDelay: STEER_QUEUE.retryDelaySeconds,
    retryBackoff: true,
  });
  created.add(boss);
}

export async function enqueueSteer(boss: PgBoss, resultId: number): Promise<string | null> {
  await createSteerQueue(boss);
  return boss.send(STEER_QUEUE.name, STEER_QUEUE.payload.parse({ resultId }));
}
