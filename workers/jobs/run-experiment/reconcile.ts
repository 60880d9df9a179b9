/**
 * Runs whose job has ended without them: a worker killed on the job's last attempt leaves the run
 * `running` while pg-boss, after the job expires, marks it failed for good and never delivers it
 * again. Workers sweep for such runs now and then and fail them with a reason.
 */
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type PgBoss from "pg-boss";
import type { Database } from "~/db/client";
import { runs } from "~/db/schema";
import { RUN_QUEUE } from "~/server/jobs/experiment-runs";

const ENDED = new Set(["completed", "failed", "cancelled"]);

export async function reconcileOrphanedRuns(boss: PgBoss, db: Database): Promise<number[]> {
  const open = await db
    .select({ id: runs.id, status: runs.status, jobId: runs.jobId })
    .from(runs)
    .where(and(inArray(runs.status, ["queued", "running"]), isNotNull(runs.jobId)));
  const failed: number[] = [];
  for (const run of open) {
    const job = await boss.getJobById(RUN_QUEUE.name, run.jobId!);
    if (job && !ENDED.has(job.state)) continue;
    const reason =
      job?.state === "cancelled"
        ? "the run's job was cancelled in the queue"
        : "the worker computing it stopped responding and its retries are used up — rerun the experiment";
    // Conditional on the row being as read: a run finished meanwhile by its worker is left alone.
    const [row] = await db
      .update(runs)
      .set({ status: "failed", error: reason, stage: null, finishedAt: new Date() })
      .where(and(eq(runs.id, run.id), eq(runs.status, run.status), eq(runs.jobId, run.jobId!)))
      .returning({ id: runs.id });
    if (row) failed.push(row.id);
  }
  return failed;
}
