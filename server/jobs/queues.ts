import { z } from "zod";

/**
 * Job queues shared by the web app (which enqueues) and workers (which take jobs).
 * Each queue names its payload schema; workers validate payloads before acting on them.
 */
export const QUEUES = {
  prepareModel: {
    name: "model.prepare",
    payload: z.object({ modelId: z.number().int().positive() }),
    /**
     * A worker that dies mid-job leaves it active; after this long it is handed to another worker.
     * Compiling a graph takes seconds to a minute or two, so a few minutes is a job that is lost.
     */
    expireInSeconds: 5 * 60,
    /** Tries after the first, 10 s apart then doubling; a model whose tries all fail is marked failed. */
    retryLimit: 3,
    retryDelaySeconds: 10,
  },
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES]["name"];
export type PrepareModelPayload = z.infer<typeof QUEUES.prepareModel.payload>;
