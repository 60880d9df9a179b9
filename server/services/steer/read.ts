import { eq } from "drizzle-orm";
import type { Database } from "~/db/client";
import { experiments, experimentVersions, runs, steerResults } from "~/db/schema";
import { notFound } from "../../errors";
import { steerParamsSchema, steerPartialSchema, steerResultSchema } from "./params";

/**
 * One steered generation for its permalink (anyone with the link may read it; its direction comes
 * from a published experiment or from prompts in its own parameters). Also what the page polls
 * while it runs: the row is small (at most 3 × 64 tokens).
 */
export async function getSteerResult(db: Database, id: number) {
  const [row] = await db.select().from(steerResults).where(eq(steerResults.id, id));
  if (!row) throw notFound(`Steered generation #${id}`);
  const params = steerParamsSchema.parse(row.params);
  const partial = row.status === "running" || row.status === "queued" ? (steerPartialSchema.safeParse(row.partial).data ?? null) : null;
  const result = row.status === "done" ? steerResultSchema.parse(row.result) : null;
  let source: { runId: number; experimentId: number; title: string; version: number } | null = null;
  if (params.direction.kind === "run") {
    const [run] = await db
      .select({ runId: runs.id, experimentId: experiments.id, title: experimentVersions.title, version: experimentVersions.version })
      .from(runs)
      .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
      .innerJoin(experiments, eq(experiments.id, experimentVersions.experimentId))
      .where(eq(runs.id, params.direction.runId));
    source = run ?? null;
  }
  return {
    id: row.id,
    status: row.status,
    params,
    /** The run the direction came from (null for inline prompts, or a run deleted since). */
    source,
    partial,
    result,
    error: row.status === "failed" ? (row.error ?? "The generation failed; no reason was recorded.") : null,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

export type SteerView = Awaited<ReturnType<typeof getSteerResult>>;
