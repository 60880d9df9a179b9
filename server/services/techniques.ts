import { asc, desc, eq, inArray, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "~/db/client";
import { paperTechniques, papers, techniqueRelations, techniqueRevisions, techniques, users } from "~/db/schema";
import { notFound } from "../errors";
import { toPrefixTsQuery } from "./search-query";

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

export async function searchTechniques(db: Database, query: string, limit = 10) {
  const tsQuery = toPrefixTsQuery(query);
  if (!tsQuery) return [];
  const q = sql`to_tsquery('english', ${tsQuery})`;
  const simple = sql`to_tsquery('simple', ${tsQuery})`;
  const rank = sql<number>`ts_rank_cd(${techniques.search}, ${q})`;
  return db
    .select({ id: techniques.id, slug: techniques.slug, name: techniques.name, summary: techniques.summary, rank })
    .from(techniques)
    // 'simple' catches prefixes that English stemming would cut (e.g. "attrib").
    .where(or(sql`${techniques.search} @@ ${q}`, sql`${techniques.search} @@ ${simple}`))
    .orderBy(desc(rank), asc(techniques.name))
    .limit(limit);
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

export async function getTechniqueBySlug(db: Database, slug: string) {
  const [technique] = await db.select().from(techniques).where(eq(techniques.slug, slug));
  if (!technique) throw notFound(`The technique “${slug}”`);
  const { search: _search, ...fields } = technique;

  const [outgoing, incoming] = await Promise.all([relatedTechniques(db, technique.id, "outgoing"), relatedTechniques(db, technique.id, "incoming")]);

  const linkedPapers = await db
    .select({ id: papers.id, title: papers.title, authors: papers.authors, year: papers.year, venue: papers.venue, relation: paperTechniques.relation, note: paperTechniques.note })
    .from(paperTechniques)
    .innerJoin(papers, eq(papers.id, paperTechniques.paperId))
    .where(eq(paperTechniques.techniqueId, technique.id))
    .orderBy(asc(papers.year), asc(papers.title));

  const author = alias(users, "author");
  const reviewer = alias(users, "reviewer");
  const history = await db
    .select({
      id: techniqueRevisions.id,
      status: techniqueRevisions.status,
      message: techniqueRevisions.message,
      changes: techniqueRevisions.changes,
      before: techniqueRevisions.before,
      reviewComment: techniqueRevisions.reviewComment,
      createdAt: techniqueRevisions.createdAt,
      reviewedAt: techniqueRevisions.reviewedAt,
      authorName: sql<string>`coalesce(${author.name}, ${author.email})`,
      reviewerName: sql<string | null>`coalesce(${reviewer.name}, ${reviewer.email})`,
    })
    .from(techniqueRevisions)
    .innerJoin(author, eq(author.id, techniqueRevisions.authorId))
    .leftJoin(reviewer, eq(reviewer.id, techniqueRevisions.reviewerId))
    .where(eq(techniqueRevisions.techniqueId, technique.id))
    .orderBy(desc(techniqueRevisions.createdAt), desc(techniqueRevisions.id));

  return {
    technique: fields,
    parents: incoming.filter((r) => r.kind === "kind_of").map(({ slug, name }) => ({ slug, name })),
    children: outgoing.filter((r) => r.kind === "kind_of").map(({ slug, name }) => ({ slug, name })),
    related: [
      ...outgoing.filter((r) => r.kind !== "kind_of").map((r) => ({ ...r, direction: "outgoing" as const })),
      ...incoming.filter((r) => r.kind !== "kind_of").map((r) => ({ ...r, direction: "incoming" as const })),
    ],
    papers: linkedPapers,
    history,
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

