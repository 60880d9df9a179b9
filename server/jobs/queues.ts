import { z } from "zod";

/**
 * Job queues shared by the web app (which enqueues) and workers (which take jobs).
 * Each queue names its payload schema; workers validate payloads before acting on them.
 */
export const QUEUES = {
  prepareModel: {
    name: "model.prepare",
    payload: z.object({ modelId: z.number().int().positive() }),
    /** A worker that dies mid-job leaves it active; after this long it is handed to another worker. */
    expireInSeconds: 30 * 60,
    retryLimit: 3,
  },
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES]["name"];
export type PrepareModelPayload = z.infer<typeof QUEUES.prepareModel.payload>;
