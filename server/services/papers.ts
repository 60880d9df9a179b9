import { asc, eq } from "drizzle-orm";
import type { Database } from "~/db/client";
import { paperTechniques, papers, techniques, type UserRole } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { DomainError, notFound } from "../errors";
import { readBibtex } from "./bibtex";
import type { NewPaper } from "./paper-input";
import { otherNamesOf } from "./papers/author-aliases";
import { lockPaperKeys, nextCiteKey } from "./papers/cite-keys";
import { duplicateError, findDuplicate, findDuplicateCandidates, possibleDuplicateError, type DuplicateCandidate } from "./papers/duplicates";
import { dedupeKey } from "./papers/keys";
import { invalidatePaperList } from "./papers/list";
import { initialReviewStatus } from "./papers/review";
import { invalidateTaxonomy } from "./taxonomy-cache";
import { techniqueIdsBySlug } from "./techniques";

export { addAuthorAlias } from "./papers/author-aliases";
export { backfillPaperKeys } from "./papers/backfill";
export { findDuplicate, findDuplicateCandidates } from "./papers/duplicates";
export { listPapers } from "./papers/list";
export { approvePaper, unreviewedPapers } from "./papers/review";

/** Who adds a paper: their role decides whether it waits for review. */
export interface PaperCreator {
  id: string;
  role: UserRole;
}

function invalidatePaperCaches(db: Database) {
  invalidatePaperList(db);
  invalidateTaxonomy(db); // paper counts on the map
}

export async function getPaper(db: Database, id: number) {
  const [paper] = await db.select().from(papers).where(eq(papers.id, id));
  if (!paper) throw notFound(`Paper #${id}`);
  const { search: _search, dedupeKey: _dedupeKey, ...fields } = paper;
  const [links, otherNames] = await Promise.all([
    db
      .select({ slug: techniques.slug, name: techniques.name, relation: paperTechniques.relation, note: paperTechniques.note })
      .from(paperTechniques)
      .innerJoin(techniques, eq(techniques.id, paperTechniques.techniqueId))
      .where(eq(paperTechniques.paperId, id))
      .orderBy(asc(techniques.name)),
    otherNamesOf(db, paper.authors),
  ]);
  // "also published as …", per author in the paper's order.
  const authorAliases = paper.authors.map((author) => ({ author, otherNames: otherNames.get(author) ?? [] })).filter((a) => a.otherNames.length > 0);
  return { paper: fields, links, authorAliases };
}

type PaperToInsert = Omit<NewPaper, "links" | "confirmNotDuplicate">;

/**
 * Inserts one paper with its links, after the duplicate checks: the same arXiv id or DOI is
 * refused; the same title, year and first author (see papers/keys.ts) is refused until the person
 * confirms it is another paper. Runs in a transaction with the paper-keys lock, so the checks and
 * the cite key see every other insert.
 */
async function insertPaper(
  tx: Queryable,
  paper: PaperToInsert,
  options: { creator: PaperCreator | null; confirmNotDuplicate: boolean; links: NewPaper["links"]; techniqueIds: Map<string, number> },
): Promise<{ id: number } | { candidates: DuplicateCandidate[] }> {
  await lockPaperKeys(tx);
  const existing = await findDuplicate(tx, paper);
  if (existing) throw duplicateError(existing);
  if (!options.confirmNotDuplicate) {
    const candidates = await findDuplicateCandidates(tx, paper);
    if (candidates.length) return { candidates };
  }
  const status = initialReviewStatus(options.creator?.role ?? null);
  const [row] = await tx
    .insert(papers)
    .values({
      title: paper.title,
      authors: paper.authors,
      year: paper.year,
      venue: paper.venue,
      abstract: paper.abstract,
      arxivId: paper.arxivId,
      doi: paper.doi,
      url: paper.url,
      bibtex: paper.bibtex,
      citeKey: await nextCiteKey(tx, paper),
      dedupeKey: dedupeKey(paper),
      reviewStatus: status,
      // A moderator's own paper counts as reviewed by them.
      reviewedById: status === "approved" ? (options.creator?.id ?? null) : null,
      reviewedAt: status === "approved" && options.creator ? new Date() : null,
      createdById: options.creator?.id ?? null,
    })
    .returning({ id: papers.id });
  if (!row) throw new Error("insert returned no row");
  for (const link of options.links) {
    const techniqueId = options.techniqueIds.get(link.technique);
    if (techniqueId === undefined) throw new DomainError("BAD_REQUEST", `Unknown technique “${link.technique}”.`);
    await tx.insert(paperTechniques).values({ paperId: row.id, techniqueId, relation: link.relation, note: link.note }).onConflictDoNothing();
  }
  return { id: row.id };
}

async function resolveLinks(db: Database, paper: Pick<NewPaper, "links">) {
  const ids = await techniqueIdsBySlug(db, paper.links.map((l) => l.technique));
  const missing = paper.links.filter((l) => !ids.has(l.technique)).map((l) => l.technique);
  if (missing.length) throw new DomainError("BAD_REQUEST", `Unknown technique: ${[...new Set(missing)].join(", ")}.`);
  return ids;
}

/**
 * Adds a paper. A possible duplicate (same title, year and first author) is refused with CONFLICT
 * and `possibleDuplicateIds`; `possibleDuplicates` lists them, and the form resends with
 * `confirmNotDuplicate: true` when the person says it is another paper.
 */
export async function createPaper(db: Database, paper: NewPaper, creator: PaperCreator | null): Promise<{ id: number }> {
  const techniqueIds = await resolveLinks(db, paper);
  const { links, confirmNotDuplicate, ...fields } = paper;
  try {
    const result = await db.transaction((tx) => insertPaper(tx, fields, { creator, confirmNotDuplicate, links, techniqueIds }));
    if ("candidates" in result) throw possibleDuplicateError(result.candidates);
    invalidatePaperCaches(db);
    return { id: result.id };
  } catch (error) {
    // Two people adding the same paper at once: the unique index decides, and we answer as for any duplicate.
    const constraint = (error as { cause?: { constraint_name?: string } }).cause?.constraint_name;
    if (constraint === "papers_arxiv_id_uq" || constraint === "papers_doi_uq") {
      const existing = await findDuplicate(db, paper);
      if (existing) throw duplicateError(existing);
    }
    throw error;
  }
}

/** The papers a new paper with these fields would be asked about ("Is this the same paper?"). */
export function possibleDuplicates(db: Database, paper: Pick<NewPaper, "title" | "authors" | "year" | "arxivId" | "doi">) {
  return findDuplicateCandidates(db, paper);
}

/**
 * Imports every entry of a BibTeX text. Entries already on MechMap (same arXiv id or DOI) are
 * reported, not added again; entries that look like a paper already there (same title, year and
 * first author) are returned with their candidates and their BibTeX, for the person to confirm
 * one by one (`confirmNotDuplicate` with that entry alone).
 */
export async function importBibtex(db: Database, input: { bibtex: string; links: NewPaper["links"]; confirmNotDuplicate?: boolean }, creator: PaperCreator) {
  const entries = await readBibtex(input.bibtex);
  const techniqueIds = await resolveLinks(db, input);
  const created: Array<{ id: number; title: string }> = [];
  const duplicates: Array<{ id: number; title: string; key: string }> = [];
  const possibleDuplicates: Array<{ key: string; title: string; bibtex: string; candidates: DuplicateCandidate[] }> = [];
  await db.transaction(async (tx) => {
    await lockPaperKeys(tx);
    for (const entry of entries) {
      const { key, ...fields } = entry;
      const existing = await findDuplicate(tx, fields);
      if (existing) {
        duplicates.push({ ...existing, key });
        continue;
      }
      const result = await insertPaper(tx, fields, { creator, confirmNotDuplicate: input.confirmNotDuplicate ?? false, links: input.links, techniqueIds });
      if ("candidates" in result) possibleDuplicates.push({ key, title: entry.title, bibtex: entry.bibtex, candidates: result.candidates });
      else created.push({ id: result.id, title: entry.title });
    }
  });
  if (created.length) invalidatePaperCaches(db);
  return { created, duplicates, possibleDuplicates };
}
