import type PgBoss from "pg-boss";
import { QUEUES } from "./queues";

/** One prepare job per model at a time: a second request while one is queued is a no-op. */
export function enqueuePrepareModel(boss: PgBoss, modelId: number, options: { expireInSeconds?: number } = {}): Promise<string | null> {
  const payload = QUEUES.prepareModel.payload.parse({ modelId });
  return boss.send(QUEUES.prepareModel.name, payload, { singletonKey: `model-${modelId}`, ...options });
}
