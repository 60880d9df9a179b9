import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { z } from "zod";
import type { Database } from "~/db/client";
import { models } from "~/db/schema";
import { enqueuePrepareModel } from "~/server/jobs/enqueue";
import { QUEUES } from "~/server/jobs/queues";

const jobRow = z.object({ state: z.string(), retry_count: z.coerce.number() });

/**
 * A model left `compiling` by a worker that died, whose job is no longer in hand (gone, expired
 * out of its tries, or finished without the status being written), is put right: queued again
 * when there is no failed job for it, or marked failed with the reason when its tries ran out.
 * Models whose job is still queued, retrying or active are left to pg-boss.
 */
export async function recoverStuckModels(db: Database, boss: PgBoss, options: { staleSeconds?: number } = {}): Promise<{ requeued: number[]; failed: number[] }> {
  const stale = options.staleSeconds ?? 30;
  const stuck = await db
    .select({ id: models.id })
    .from(models)
    .where(and(inArray(models.status, ["compiling"]), lt(models.updatedAt, sql`now() - make_interval(secs => ${stale})`)));
  const requeued: number[] = [];
  const failed: number[] = [];
  for (const { id } of stuck) {
    const rows = await db.execute(
      sql`select state, retry_count from pgboss.job where name = ${QUEUES.prepareModel.name} and singleton_key = ${`model-${id}`} order by created_on desc limit 1`,
    );
    const job = rows[0] === undefined ? null : jobRow.parse(rows[0]);
    if (job && ["created", "retry", "active"].includes(job.state)) continue;
    if (job?.state === "failed") {
      await db
        .update(models)
        .set({ status: "failed", statusReason: `Preparing the model was interrupted ${job.retry_count + 1} times (the worker stopped or ran out of time); add it again to retry.`, updatedAt: new Date() })
        .where(and(eq(models.id, id), eq(models.status, "compiling")));
      failed.push(id);
    } else {
      await enqueuePrepareModel(boss, id);
      requeued.push(id);
    }
  }
  return { requeued, failed };
}
