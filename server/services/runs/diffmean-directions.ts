import { and, eq, sql } from "drizzle-orm";
import type { Database } from "~/db/client";
import { runArtifacts } from "~/db/schema";
import { ARTIFACT } from "./artifact-names";

/** Steering adds to the residual stream after a block, so only directions read there (blocks.{L}.hook_resid_post) apply. */
export const residPostArtifact = sql`${runArtifacts.hook} = 'blocks.' || ${runArtifacts.layer} || '.hook_resid_post'`;

/** The layers, ascending, at which a run stored a diffmean direction of the residual stream (the ones steering can use). */
export async function diffmeanResidLayers(db: Database, runId: number): Promise<number[]> {
  const rows = await db
    .selectDistinct({ layer: runArtifacts.layer })
    .from(runArtifacts)
    .where(and(eq(runArtifacts.runId, runId), eq(runArtifacts.name, ARTIFACT.diffmeanDirection), residPostArtifact));
  return rows.flatMap((r) => (r.layer === null ? [] : [r.layer])).sort((a, b) => a - b);
}
