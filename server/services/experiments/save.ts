import { and, eq } from "drizzle-orm";
import type PgBoss from "pg-boss";
import type { Database } from "~/db/client";
import { experimentVersionPapers, experimentVersionTechniques, experiments, experimentVersions } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { DomainError, notFound } from "../../errors";
import type { SessionUser } from "../../trpc/context";
import { enqueueRuns } from "../runs/queue";
import { insertLinks, type ResolvedContent, resolveContent, versionColumns } from "./content";
import type { ExperimentContent, UpdateExperimentInput } from "./input";
import { assertCanEdit } from "./permissions";
import { createRunsForVersion } from "./publish";

/**
 * Writing experiments. A draft has one version, edited in place. Editing a published experiment
 * adds version N+1, published at once with its runs queued; earlier versions and their runs stay.
 */

/** JSON with sorted keys: jsonb does not keep the key order it was given. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));
}

/** True when the latest version already holds exactly this content (a published edit must change something). */
async function unchanged(tx: Queryable, experimentId: number, number: number, c: ResolvedContent): Promise<boolean> {
  const [current] = await tx.select().from(experimentVersions).where(and(eq(experimentVersions.experimentId, experimentId), eq(experimentVersions.version, number)));
  if (!current) return false;
  const [tRows, pRows] = await Promise.all([
    tx.select({ id: experimentVersionTechniques.techniqueId }).from(experimentVersionTechniques).where(eq(experimentVersionTechniques.versionId, current.id)),
    tx.select({ id: experimentVersionPapers.paperId }).from(experimentVersionPapers).where(eq(experimentVersionPapers.versionId, current.id)),
  ]);
  const ids = (rows: Array<{ id: number }>) => rows.map((r) => r.id).sort((a, b) => a - b);
  const next = versionColumns(c);
  return (
    current.title === next.title &&
    current.question === next.question &&
    current.datasetId === next.datasetId &&
    canonical(current.spec) === canonical(next.spec) &&
    canonical(current.claims) === canonical(next.claims) &&
    canonical(ids(tRows)) === canonical([...c.techniqueIds].sort((a, b) => a - b)) &&
    canonical(ids(pRows)) === canonical([...c.paperIds].sort((a, b) => a - b))
  );
}

export async function createDraft(db: Database, user: SessionUser, content: ExperimentContent) {
  const resolved = await resolveContent(db, content);
  return db.transaction(async (tx) => {
    const [experiment] = await tx.insert(experiments).values({ ownerId: user.id, state: "draft", latestVersion: 1 }).returning({ id: experiments.id });
    if (!experiment) throw new Error("insert returned no row");
    const [version] = await tx
      .insert(experimentVersions)
      .values({ experimentId: experiment.id, version: 1, authorId: user.id, ...versionColumns(resolved) })
      .returning({ id: experimentVersions.id });
    if (!version) throw new Error("insert returned no row");
    await insertLinks(tx, version.id, resolved);
    return { id: experiment.id, version: 1, state: "draft" as const };
  });
}

/** `getBoss` is called only when the edit queues runs (a published experiment), before anything is written. */
export async function updateExperiment(db: Database, getBoss: () => Promise<PgBoss>, user: SessionUser, input: UpdateExperimentInput) {
  const [found] = await db.select({ ownerId: experiments.ownerId, state: experiments.state }).from(experiments).where(eq(experiments.id, input.id));
  if (!found) throw notFound(`Experiment #${input.id}`);
  assertCanEdit(user, found);
  const boss = found.state === "published" ? await getBoss() : null;
  // Resolve (and render) outside the transaction: it may take up to the render budget.
  const resolved = await resolveContent(db, input);
  const result = await db.transaction(async (tx) => {
    const [experiment] = await tx.select().from(experiments).where(eq(experiments.id, input.id)).for("update");
    if (!experiment) throw notFound(`Experiment #${input.id}`);
    const now = new Date();
    if (experiment.state === "draft") {
      const [version] = await tx
        .update(experimentVersions)
        .set({ ...versionColumns(resolved), changeNote: input.changeNote, createdAt: now })
        .where(and(eq(experimentVersions.experimentId, experiment.id), eq(experimentVersions.version, experiment.latestVersion)))
        .returning({ id: experimentVersions.id });
      if (!version) throw new Error(`experiment ${experiment.id} has no version ${experiment.latestVersion}`);
      await tx.delete(experimentVersionTechniques).where(eq(experimentVersionTechniques.versionId, version.id));
      await tx.delete(experimentVersionPapers).where(eq(experimentVersionPapers.versionId, version.id));
      await insertLinks(tx, version.id, resolved);
      await tx.update(experiments).set({ updatedAt: now }).where(eq(experiments.id, experiment.id));
      return { id: experiment.id, version: experiment.latestVersion, state: "draft" as const, runIds: [] as number[] };
    }
    if (await unchanged(tx, experiment.id, experiment.latestVersion, resolved)) {
      throw new DomainError("BAD_REQUEST", `This edit changes nothing: version ${experiment.latestVersion} already says exactly this, so no new version (and no new runs) were made.`);
    }
    const number = experiment.latestVersion + 1;
    const [version] = await tx
      .insert(experimentVersions)
      .values({ experimentId: experiment.id, version: number, authorId: user.id, ...versionColumns(resolved), changeNote: input.changeNote, publishedAt: now })
      .returning({ id: experimentVersions.id });
    if (!version) throw new Error("insert returned no row");
    await insertLinks(tx, version.id, resolved);
    await tx.update(experiments).set({ latestVersion: number, updatedAt: now }).where(eq(experiments.id, experiment.id));
    const runIds = await createRunsForVersion(tx, version.id, experiment.ownerId);
    return { id: experiment.id, version: number, state: "published" as const, runIds };
  });
  if (result.runIds.length > 0) await enqueueRuns(db, boss ?? (await getBoss()), result.runIds);
  return { id: result.id, version: result.version, state: result.state, runsQueued: result.runIds.length };
}
