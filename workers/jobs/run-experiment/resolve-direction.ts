/**
 * A stored run's diffmean direction at one layer, for steered generation's `direction: { kind:
 * "artifact", runId, layer }`: the unit direction that run stored as the float32 artifact
 * "diffmean.direction" at blocks.{layer}.hook_resid_post (the hook steering adds to). When the run
 * has several diffmean methods, the first one's. Only finished runs that the experiment's owner could
 * see are used: published experiments, or another run of the same owner. Missing or unusable
 * directions are refused with a message the researcher can act on (the run fails at once).
 */
import { and, asc, eq } from "drizzle-orm";
import type { Database } from "~/db/client";
import { experiments, experimentVersions, runArtifacts, runs } from "~/db/schema";
import { float32FromBytes } from "~/server/artifacts/tensor-files";
import { ARTIFACT } from "~/server/services/runs/artifact-names";
import { diffmeanResidLayers } from "~/server/services/runs/diffmean-directions";
import { RunInputError } from "./errors";

export interface DirectionReader {
  /** The experiment owner on whose behalf directions are read (their drafts are visible to them). */
  ownerId: string | null;
}

export async function readRunDirection(db: Database, runId: number, layer: number, reader: DirectionReader): Promise<Float32Array> {
  const [source] = await db
    .select({ status: runs.status, ownerId: experiments.ownerId, state: experiments.state })
    .from(runs)
    .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
    .innerJoin(experiments, eq(experiments.id, experimentVersions.experimentId))
    .where(eq(runs.id, runId));
  if (!source || (source.state !== "published" && source.ownerId !== reader.ownerId)) {
    throw new RunInputError(`direction.runId: run ${runId} does not exist (or is not public) — choose a finished run that has a diffmean direction`);
  }
  if (source.status !== "done") throw new RunInputError(`direction.runId: run ${runId} is ${source.status}, not finished — wait for it to finish or choose another run`);
  const hook = `blocks.${layer}.hook_resid_post`;
  const [row] = await db
    .select({ shape: runArtifacts.shape, data: runArtifacts.data })
    .from(runArtifacts)
    .where(and(eq(runArtifacts.runId, runId), eq(runArtifacts.name, ARTIFACT.diffmeanDirection), eq(runArtifacts.hook, hook), eq(runArtifacts.layer, layer)))
    .orderBy(asc(runArtifacts.methodIndex))
    .limit(1);
  if (!row) {
    const layers = await diffmeanResidLayers(db, runId);
    throw new RunInputError(
      layers.length > 0
        ? `direction: run ${runId} has no diffmean direction at ${hook} — it has directions at layer${layers.length === 1 ? "" : "s"} ${layers.join(", ")}; set direction.layer to one of them`
        : `direction: run ${runId} stored no diffmean direction of the residual stream (blocks.{L}.hook_resid_post) — choose a run whose experiment includes the diffmean method`,
    );
  }
  const values = float32FromBytes(row.data);
  if (row.shape.length !== 1 || row.shape[0] !== values.length) throw new Error(`run ${runId}: the stored direction at ${hook} has shape [${row.shape.join(", ")}] for ${values.length} values`);
  return values;
}

/** resolveDirection for one run being computed: directions are read on behalf of its experiment's owner. */
export function runDirectionResolver(db: Database, runId: number): (sourceRunId: number, layer: number) => Promise<Float32Array> {
  let owner: Promise<string | null> | null = null;
  return async (sourceRunId, layer) => {
    owner ??= db
      .select({ ownerId: experiments.ownerId })
      .from(runs)
      .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
      .innerJoin(experiments, eq(experiments.id, experimentVersions.experimentId))
      .where(eq(runs.id, runId))
      .then(([row]) => row?.ownerId ?? null);
    return readRunDirection(db, sourceRunId, layer, { ownerId: await owner });
  };
}
