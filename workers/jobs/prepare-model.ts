import { eq } from "drizzle-orm";
import type { Database } from "~/db/client";
import { models } from "~/db/schema";
import type { PrepareModelPayload } from "~/server/jobs/queues";
import { loadHostedModel } from "../runtime/hosted-model";

/** The graph most probe jobs ask for first: every block's residual stream plus logits. */
export function standardGraphSpec(nLayers: number) {
  return {
    taps: Array.from({ length: nLayers }, (_, l) => `blocks.${l}.hook_resid_post`),
    logits: true,
    steeringBlocks: [],
    ablationBlocks: [],
  };
}

/**
 * Compiles a registered model's standard graph into the on-disk cache so the first experiment
 * does not pay for it. Idempotent: a rerun after a crash finds the cached graph and finishes.
 */
export async function prepareModel(db: Database, payload: PrepareModelPayload, options: { cacheDir?: string } = {}): Promise<"ready" | "skipped"> {
  const [model] = await db.select().from(models).where(eq(models.id, payload.modelId));
  if (!model) return "skipped"; // removed since the job was queued: nothing to do
  if (!model.localPath) {
    await db.update(models).set({ status: "failed", statusReason: "The model has no local weights; add it again with `npm run model -- add`.", updatedAt: new Date() }).where(eq(models.id, model.id));
    return "skipped";
  }
  await db.update(models).set({ status: "compiling", statusReason: null, updatedAt: new Date() }).where(eq(models.id, model.id));
  try {
    const hosted = await loadHostedModel(model.localPath, { name: model.name, cacheDir: options.cacheDir });
    await hosted.prepare(standardGraphSpec(hosted.config.nLayers));
    await db.update(models).set({ status: "ready", updatedAt: new Date() }).where(eq(models.id, model.id));
    return "ready";
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await db.update(models).set({ status: "failed", statusReason: `Compiling failed: ${reason}`, updatedAt: new Date() }).where(eq(models.id, model.id));
    throw error;
  }
}
