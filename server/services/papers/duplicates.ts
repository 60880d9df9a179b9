import { asc, eq, or, type SQL } from "drizzle-orm";
import { papers } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { DomainError } from "../../errors";
import { dedupeKey } from "./keys";

export interface DuplicateCandidate {
  id: number;
  title: string;
  authors: string[];
  year: number | null;
  venue: string | null;
}

/** The existing paper with the same arXiv id or DOI, if any: certainly the same paper. */
export async function findDuplicate(db: Queryable, ids: { arxivId: string | null; doi: string | null }) {
  const match: SQL[] = [];
  if (ids.arxivId) match.push(eq(papers.arxivId, ids.arxivId));
  if (ids.doi) match.push(eq(papers.doi, ids.doi));
  if (match.length === 0) return null;
  const [row] = await db.select({ id: papers.id, title: papers.title }).from(papers).where(or(...match)).limit(1);
  return row ?? null;
}

export function duplicateError(existing: { id: number; title: string }) {
  return new DomainError("CONFLICT", `This paper is already on MechMap: “${existing.title}” (/papers/${existing.id}).`, { existingPaperId: existing.id });
}

/**
 * Papers that are probably the same one: same normalised title, year and first author's surname
 * (see keys.ts). Papers whose arXiv ids (or DOIs) both exist and differ are different records and
 * are left out.
 */
export async function findDuplicateCandidates(
  db: Queryable,
  paper: { title: string; authors: readonly string[]; year: number | null; arxivId: string | null; doi: string | null },
): Promise<DuplicateCandidate[]> {
  const rows = await db
    .select({ id: papers.id, title: papers.title, authors: papers.authors, year: papers.year, venue: papers.venue, arxivId: papers.arxivId, doi: papers.doi })
    .from(papers)
    .where(eq(papers.dedupeKey, dedupeKey(paper)))
    .orderBy(asc(papers.id))
    .limit(10);
  return rows
    .filter((r) => !(paper.arxivId && r.arxivId && paper.arxivId !== r.arxivId) && !(paper.doi && r.doi && paper.doi !== r.doi))
    .map(({ arxivId: _a, doi: _d, ...candidate }) => candidate);
}

/** Refuses a paper that looks like one already on MechMap, until the person confirms it is another. */
export function possibleDuplicateError(candidates: DuplicateCandidate[]) {
  const first = candidates[0];
  const named = first ? `“${first.title}”${first.year ? ` (${first.year})` : ""}` : "a paper";
  return new DomainError(
    "CONFLICT",
    `This looks like ${named}, which is already on MechMap. Open it to check; if yours is a different paper, add it anyway.`,
    { possibleDuplicateIds: candidates.map((c) => c.id).join(",") },
  );
}
