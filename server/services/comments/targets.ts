import { eq, or } from "drizzle-orm";
import type { CommentTarget } from "~/db/schema";
import { experiments, experimentVersions, paperRevisions, papers, runs, techniqueRevisions, techniques } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { notFound } from "../../errors";
import type { SessionUser } from "../../trpc/context";
import { canView } from "../experiments/permissions";
import { canSeeProposal } from "../proposals/visibility";

/** What a comment may be attached to, resolved to the id stored in `comments.target_id`. */
export interface ResolvedTarget {
  type: CommentTarget;
  /** Canonical: numeric ids as text (techniques by id, so a renamed slug keeps its discussion). */
  targetId: string;
}

const LABEL: Record<CommentTarget, string> = { experiment: "Experiment", run: "Run", technique: "Technique", paper: "Paper", revision: "Proposal", paper_revision: "Paper proposal" };

function numericId(raw: string | number): number | null {
  const s = String(raw);
  if (!/^[1-9]\d{0,9}$/.test(s)) return null;
  const n = Number(s);
  return n <= 2_147_483_647 ? n : null;
}

/**
 * The target if it exists and the viewer may see it; otherwise NOT_FOUND (a draft's discussion is
 * as private as the draft, and its existence too).
 */
export async function resolveTarget(db: Queryable, viewer: SessionUser | null, type: CommentTarget, raw: string | number): Promise<ResolvedTarget> {
  const missing = () => notFound(`${LABEL[type]} ${String(raw).slice(0, 80)}`);
  const id = numericId(raw);
  if (type === "technique") {
    const slug = String(raw);
    const [row] = await db
      .select({ id: techniques.id })
      .from(techniques)
      .where(id === null ? eq(techniques.slug, slug) : or(eq(techniques.id, id), eq(techniques.slug, slug)))
      .limit(1);
    if (!row) throw missing();
    return { type, targetId: String(row.id) };
  }
  if (id === null) throw missing();
  if (type === "paper") {
    const [row] = await db.select({ id: papers.id }).from(papers).where(eq(papers.id, id));
    if (!row) throw missing();
  } else if (type === "revision") {
    // A proposal's discussion is as visible as the proposal (a new technique not yet accepted: its author and moderators).
    const [row] = await db.select({ techniqueId: techniqueRevisions.techniqueId, authorId: techniqueRevisions.authorId }).from(techniqueRevisions).where(eq(techniqueRevisions.id, id));
    if (!row || !canSeeProposal(viewer, row)) throw missing();
  } else if (type === "paper_revision") {
    // Paper proposals are public, like papers.
    const [row] = await db.select({ id: paperRevisions.id }).from(paperRevisions).where(eq(paperRevisions.id, id));
    if (!row) throw missing();
  } else if (type === "experiment") {
    const [row] = await db.select({ ownerId: experiments.ownerId, state: experiments.state }).from(experiments).where(eq(experiments.id, id));
    if (!row || !canView(viewer, row)) throw missing();
  } else {
    const [row] = await db
      .select({ ownerId: experiments.ownerId, state: experiments.state })
      .from(runs)
      .innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId))
      .innerJoin(experiments, eq(experiments.id, experimentVersions.experimentId))
      .where(eq(runs.id, id));
    if (!row || !canView(viewer, row)) throw missing();
  }
  return { type, targetId: String(id) };
}
