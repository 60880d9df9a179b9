import { citationsFromDatabase } from "../render/markdown-citation-lookup";
import { and, asc, count, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "~/db/client";
import { paperTechniques, papers, techniqueRelations, techniqueRevisions, techniques, users } from "~/db/schema";
import { notFound } from "../errors";
import { renderedDescription, type StoredRendering } from "../render/description";
import { optionalPublicName, publicName } from "./display-name";

/** Everything the map needs in two queries: nodes with paper counts, and all edges. */
export async function getTaxonomy(db: Database) {
  const paperCount = sql<number>`(select count(*)::int from ${paperTechniques} pt where pt.technique_id = ${techniques.id})`;
  const nodes = await db
    .select({
      id: techniques.id,
      slug: techniques.slug,
      name: techniques.name,
      summary: techniques.summary,
      approach: techniques.approach,
      direction: techniques.direction,
      unit: techniques.unit,
      paperCount,
    })
    .from(techniques)
    .orderBy(asc(techniques.name));
  const edges = await db
    .select({ from: techniqueRelations.fromId, to: techniqueRelations.toId, kind: techniqueRelations.kind })
    .from(techniqueRelations)
    .orderBy(asc(techniqueRelations.id));
  return { nodes, edges };
}

/** The techniques at the other end of this technique's relations, in one direction. */
function relatedTechniques(db: Database, id: number, direction: "outgoing" | "incoming") {
  const other = alias(techniques, "other");
  const [self, far] = direction === "outgoing" ? [techniqueRelations.fromId, techniqueRelations.toId] : [techniqueRelations.toId, techniqueRelations.fromId];
  return db
    .select({ kind: techniqueRelations.kind, slug: other.slug, name: other.name })
    .from(techniqueRelations)
    .innerJoin(other, eq(other.id, far))
    .where(eq(self, id))
    .orderBy(asc(other.name));
}

export const HISTORY_PAGE_SIZE = 20;

/**
 * Rows from before descriptions were rendered on acceptance have neither HTML nor an error: render
 * once now and store it, unless the description changed meanwhile.
 */
async function ensureRendered(db: Database, technique: { id: number; description: string } & StoredRendering): Promise<StoredRendering> {
  if (technique.descriptionHtml !== null || technique.descriptionRenderError !== null) return technique;
  const rendered = await renderedDescription(technique.description, citationsFromDatabase(db));
  if (rendered.descriptionHtml === null && rendered.descriptionRenderError === null) return rendered;
  await db
    .update(techniques)
    .set(rendered)
    .where(and(eq(techniques.id, technique.id), eq(techniques.description, technique.description), isNull(techniques.descriptionHtml), isNull(techniques.descriptionRenderError)));
  return rendered;
}

export async function getTechniqueBySlug(db: Database, slug: string, historyPage = 1) {
  const [technique] = await db.select().from(techniques).where(eq(techniques.slug, slug));
  if (!technique) throw notFound(`The technique “${slug}”`);
  const { search: _search, ...stored } = technique;
  const fields = { ...stored, ...(await ensureRendered(db, stored)) };

  const [outgoing, incoming] = await Promise.all([relatedTechniques(db, technique.id, "outgoing"), relatedTechniques(db, technique.id, "incoming")]);

  const linkedPapers = await db
    .select({ id: papers.id, title: papers.title, authors: papers.authors, year: papers.year, venue: papers.venue, relation: paperTechniques.relation, note: paperTechniques.note })
    .from(paperTechniques)
    .innerJoin(papers, eq(papers.id, paperTechniques.paperId))
    .where(eq(paperTechniques.techniqueId, technique.id))
    .orderBy(asc(papers.year), asc(papers.title));

  const author = alias(users, "author");
  const reviewer = alias(users, "reviewer");
  const [counts] = await db
    .select({ total: count(), pending: sql<number>`count(*) filter (where ${techniqueRevisions.status} = 'pending')::int` })
    .from(techniqueRevisions)
    .where(eq(techniqueRevisions.techniqueId, technique.id));
  const total = counts?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / HISTORY_PAGE_SIZE));
  const page = Math.min(historyPage, pageCount);
  const items = await db
    .select({
      id: techniqueRevisions.id,
      status: techniqueRevisions.status,
      message: techniqueRevisions.message,
      changes: techniqueRevisions.changes,
      before: techniqueRevisions.before,
      reviewComment: techniqueRevisions.reviewComment,
      createdAt: techniqueRevisions.createdAt,
      reviewedAt: techniqueRevisions.reviewedAt,
      authorName: publicName(author),
      reviewerName: optionalPublicName(reviewer),
    })
    .from(techniqueRevisions)
    .innerJoin(author, eq(author.id, techniqueRevisions.authorId))
    .leftJoin(reviewer, eq(reviewer.id, techniqueRevisions.reviewerId))
    .where(eq(techniqueRevisions.techniqueId, technique.id))
    .orderBy(desc(techniqueRevisions.createdAt), desc(techniqueRevisions.id))
    .limit(HISTORY_PAGE_SIZE)
    .offset((page - 1) * HISTORY_PAGE_SIZE);

  return {
    technique: fields,
    parents: incoming.filter((r) => r.kind === "kind_of").map(({ slug, name }) => ({ slug, name })),
    children: outgoing.filter((r) => r.kind === "kind_of").map(({ slug, name }) => ({ slug, name })),
    related: [
      ...outgoing.filter((r) => r.kind !== "kind_of").map((r) => ({ ...r, direction: "outgoing" as const })),
      ...incoming.filter((r) => r.kind !== "kind_of").map((r) => ({ ...r, direction: "incoming" as const })),
    ],
    papers: linkedPapers,
    /** One page of the revision history, newest first; `historyPaging` says which. */
    history: items,
    historyPaging: { total, pending: counts?.pending ?? 0, page, pageCount, pageSize: HISTORY_PAGE_SIZE },
  };
}

export async function listTechniqueOptions(db: Database) {
  return db.select({ slug: techniques.slug, name: techniques.name }).from(techniques).orderBy(asc(techniques.name));
}

export async function techniqueIdsBySlug(db: Database, slugs: string[]) {
  if (slugs.length === 0) return new Map<string, number>();
  const rows = await db.select({ id: techniques.id, slug: techniques.slug }).from(techniques).where(inArray(techniques.slug, slugs));
  return new Map(rows.map((r) => [r.slug, r.id]));
}

