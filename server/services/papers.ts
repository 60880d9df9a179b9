import { and, asc, count, desc, eq, gte, lte, or, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import type { Database } from "~/db/client";
import { paperTechniques, papers, techniques } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { DomainError, notFound } from "../errors";
import { readBibtex } from "./bibtex";
import { createReadCache } from "./read-cache";
import { invalidateTaxonomy } from "./taxonomy-cache";
import { paperListSchema, type NewPaper, type PaperListInput } from "./paper-input";
import { toPrefixTsQuery } from "./search-query";
import { techniqueIdsBySlug } from "./techniques";

/**
 * Browse pages (no search text) are the same for every visitor and are served from a short-lived
 * cache; full-text searches always go to the database.
 */
const browseCache = createReadCache<Awaited<ReturnType<typeof queryPapers>>>({ ttlMs: 5_000, maxEntries: 200 });

export function listPapers(db: Database, rawInput: PaperListInput) {
  const input = paperListSchema.parse(rawInput);
  if (toPrefixTsQuery(input.query)) return queryPapers(db, input);
  return browseCache.get(db, JSON.stringify(input), () => queryPapers(db, input));
}

function invalidatePaperCaches(db: Database) {
  browseCache.invalidate(db);
  invalidateTaxonomy(db); // paper counts on the map
}

async function queryPapers(db: Database, input: z.output<typeof paperListSchema>) {
  const tsQuery = toPrefixTsQuery(input.query);
  const q = tsQuery ? sql`to_tsquery('english', ${tsQuery})` : null;
  const conditions: SQL[] = [];
  if (q && tsQuery) conditions.push(or(sql`${papers.search} @@ ${q}`, sql`${papers.search} @@ to_tsquery('simple', ${tsQuery})`) as SQL);
  if (input.yearFrom) conditions.push(gte(papers.year, input.yearFrom));
  if (input.yearTo) conditions.push(lte(papers.year, input.yearTo));
  if (input.technique) {
    conditions.push(sql`exists (select 1 from ${paperTechniques} pt join ${techniques} t on t.id = pt.technique_id where pt.paper_id = ${papers.id} and t.slug = ${input.technique})`);
  }
  const where = conditions.length ? and(...conditions) : undefined;
  // ts_rank, not ts_rank_cd: half the cost on broad queries, and the field weights still put title matches first.
  const rank = q ? sql<number>`ts_rank(${papers.search}, ${q})` : sql<number>`0`;
  const [rows, totals] = await Promise.all([
    db
      .select({ id: papers.id, title: papers.title, authors: papers.authors, year: papers.year, venue: papers.venue, arxivId: papers.arxivId, rank })
      .from(papers)
      .where(where)
      .orderBy(...(q ? [desc(rank)] : []), sql`${papers.year} desc nulls last`, asc(papers.title), asc(papers.id))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    db.select({ total: count() }).from(papers).where(where),
  ]);
  const total = totals[0]?.total ?? 0;
  return { items: rows, total, page: input.page, pageSize: input.pageSize, pageCount: Math.max(1, Math.ceil(total / input.pageSize)) };
}

export async function getPaper(db: Database, id: number) {
  const [paper] = await db.select().from(papers).where(eq(papers.id, id));
  if (!paper) throw notFound(`Paper #${id}`);
  const { search: _search, ...fields } = paper;
  const links = await db
    .select({ slug: techniques.slug, name: techniques.name, relation: paperTechniques.relation, note: paperTechniques.note })
    .from(paperTechniques)
    .innerJoin(techniques, eq(techniques.id, paperTechniques.techniqueId))
    .where(eq(paperTechniques.paperId, id))
    .orderBy(asc(techniques.name));
  return { paper: fields, links };
}

/** The existing paper with the same arXiv id or DOI, if any. */
export async function findDuplicate(db: Queryable, ids: { arxivId: string | null; doi: string | null }) {
  const match: SQL[] = [];
  if (ids.arxivId) match.push(eq(papers.arxivId, ids.arxivId));
  if (ids.doi) match.push(eq(papers.doi, ids.doi));
  if (match.length === 0) return null;
  const [row] = await db.select({ id: papers.id, title: papers.title }).from(papers).where(or(...match)).limit(1);
  return row ?? null;
}

function duplicateError(existing: { id: number; title: string }) {
  return new DomainError("CONFLICT", `This paper is already on MechMap: “${existing.title}” (/papers/${existing.id}).`, { existingPaperId: existing.id });
}

async function insertPaper(tx: Queryable, paper: NewPaper, createdById: string | null, techniqueIds: Map<string, number>) {
  const existing = await findDuplicate(tx, paper);
  if (existing) throw duplicateError(existing);
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
      createdById,
    })
    .returning({ id: papers.id });
  if (!row) throw new Error("insert returned no row");
  for (const link of paper.links) {
    const techniqueId = techniqueIds.get(link.technique);
    if (techniqueId === undefined) throw new DomainError("BAD_REQUEST", `Unknown technique “${link.technique}”.`);
    await tx.insert(paperTechniques).values({ paperId: row.id, techniqueId, relation: link.relation, note: link.note }).onConflictDoNothing();
  }
  return row.id;
}

async function resolveLinks(db: Database, paper: Pick<NewPaper, "links">) {
  const ids = await techniqueIdsBySlug(db, paper.links.map((l) => l.technique));
  const missing = paper.links.filter((l) => !ids.has(l.technique)).map((l) => l.technique);
  if (missing.length) throw new DomainError("BAD_REQUEST", `Unknown technique: ${[...new Set(missing)].join(", ")}.`);
  return ids;
}

export async function createPaper(db: Database, paper: NewPaper, createdById: string | null): Promise<{ id: number }> {
  const ids = await resolveLinks(db, paper);
  try {
    const id = await db.transaction((tx) => insertPaper(tx, paper, createdById, ids));
    invalidatePaperCaches(db);
    return { id };
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

/** Imports every entry of a BibTeX text; entries already on MechMap are reported, not added again. */
export async function importBibtex(db: Database, input: { bibtex: string; links: NewPaper["links"] }, createdById: string) {
  const entries = await readBibtex(input.bibtex);
  const ids = await resolveLinks(db, input);
  const created: Array<{ id: number; title: string }> = [];
  const duplicates: Array<{ id: number; title: string; key: string }> = [];
  await db.transaction(async (tx) => {
    for (const entry of entries) {
      const existing = await findDuplicate(tx, entry);
      if (existing) {
        duplicates.push({ ...existing, key: entry.key });
        continue;
      }
      const id = await insertPaper(tx, { ...entry, links: input.links }, createdById, ids);
      created.push({ id, title: entry.title });
    }
  });
  if (created.length) invalidatePaperCaches(db);
  return { created, duplicates };
}

export async function linkPaperToTechnique(db: Database, input: { paperId: number; technique: string; relation: NewPaper["links"][number]["relation"]; note: string | null }) {
  const [paper] = await db.select({ id: papers.id }).from(papers).where(eq(papers.id, input.paperId));
  if (!paper) throw notFound(`Paper #${input.paperId}`);
  const ids = await techniqueIdsBySlug(db, [input.technique]);
  const techniqueId = ids.get(input.technique);
  if (techniqueId === undefined) throw notFound(`The technique “${input.technique}”`);
  await db.insert(paperTechniques).values({ paperId: paper.id, techniqueId, relation: input.relation, note: input.note }).onConflictDoNothing();
  invalidatePaperCaches(db);
  return { paperId: paper.id, technique: input.technique, relation: input.relation };
}
