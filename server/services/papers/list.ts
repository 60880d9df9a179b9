import { and, asc, count, desc, eq, gte, inArray, lte, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import type { Database } from "~/db/client";
import { paperTechniques, papers, techniques } from "~/db/schema";
import type { PaperRelation } from "~/db/seed/data/types";
import { paperListSchema, type PaperListInput, type PaperSort } from "../paper-input";
import { createReadCache } from "../read-cache";
import { paperQueryWords } from "../search-query";
import { paperSearchQuery } from "./search-terms";

/** A piece of an abstract snippet; `match` pieces are the searched words. */
export interface SnippetPart {
  text: string;
  match: boolean;
}

const SNIPPET_CHARS = 200;
// ts_headline marks matches with these private-use characters (stripped from the abstract first),
// so the snippet reaches the page as plain text pieces and never as HTML.
const START = "\uE000";
const STOP = "\uE001";

/**
 * Browse pages (no search text) are the same for every visitor and are served from a short-lived
 * cache; full-text searches always go to the database.
 */
const browseCache = createReadCache<Awaited<ReturnType<typeof queryPapers>>>({ ttlMs: 5_000, maxEntries: 200 });

export function listPapers(db: Database, rawInput: PaperListInput) {
  const input = paperListSchema.parse(rawInput);
  if (paperQueryWords(input.query).length > 0) return queryPapers(db, input);
  return browseCache.get(db, JSON.stringify(input), () => queryPapers(db, input));
}

export function invalidatePaperList(db: Database) {
  browseCache.invalidate(db);
}

function ordering(sort: PaperSort, rank: SQL<number> | null): SQL[] {
  const newest = [sql`${papers.year} desc nulls last`, asc(papers.title), asc(papers.id)];
  switch (sort) {
    case "relevance":
      return rank ? [desc(rank), ...newest] : newest;
    case "newest":
      return newest;
    case "oldest":
      return [sql`${papers.year} asc nulls last`, asc(papers.title), asc(papers.id)];
    case "title":
      return [sql`lower(${papers.title})`, sql`${papers.year} desc nulls last`, asc(papers.id)];
  }
}

async function queryPapers(db: Database, input: z.output<typeof paperListSchema>) {
  const q = await paperSearchQuery(db, input.query);
  const conditions: SQL[] = [];
  if (q) conditions.push(sql`${papers.search} @@ ${q}`);
  if (input.yearFrom) conditions.push(gte(papers.year, input.yearFrom));
  if (input.yearTo) conditions.push(lte(papers.year, input.yearTo));
  if (input.status) conditions.push(eq(papers.reviewStatus, input.status));
  if (input.technique) {
    conditions.push(sql`exists (select 1 from ${paperTechniques} pt join ${techniques} t on t.id = pt.technique_id where pt.paper_id = ${papers.id} and t.slug = ${input.technique})`);
  }
  const where = conditions.length ? and(...conditions) : undefined;
  // ts_rank, not ts_rank_cd: half the cost on broad queries, and the field weights still put title matches first.
  const rank = q ? sql<number>`ts_rank(${papers.search}, ${q})` : null;
  const sort: PaperSort = input.sort ?? (rank ? "relevance" : "newest");
  const [rows, totals] = await Promise.all([
    db
      .select({
        id: papers.id,
        title: papers.title,
        authors: papers.authors,
        year: papers.year,
        venue: papers.venue,
        arxivId: papers.arxivId,
        doi: papers.doi,
        url: papers.url,
        reviewStatus: papers.reviewStatus,
        // Enough for a browse snippet without shipping whole abstracts.
        abstractStart: sql<string>`left(${papers.abstract}, ${SNIPPET_CHARS + 40})`,
        rank: rank ?? sql<number>`0`,
      })
      .from(papers)
      .where(where)
      .orderBy(...ordering(sort, rank))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    db.select({ total: count() }).from(papers).where(where),
  ]);
  const ids = rows.map((r) => r.id);
  // Headlines and chips only for this page's rows: ts_headline re-parses each abstract, so it must never run over the whole result.
  const [headlines, chips] = await Promise.all([q ? headlinesFor(db, ids, q) : new Map<number, SnippetPart[]>(), techniqueChips(db, ids)]);
  const total = totals[0]?.total ?? 0;
  const items = rows.map(({ abstractStart, ...row }) => ({
    ...row,
    snippet: headlines.get(row.id) ?? leadingSnippet(abstractStart),
    techniques: chips.get(row.id) ?? [],
  }));
  return { items, total, page: input.page, pageSize: input.pageSize, pageCount: Math.max(1, Math.ceil(total / input.pageSize)), sort };
}

/** The abstract's first ~200 characters, cut at a word. */
export function leadingSnippet(abstract: string): SnippetPart[] {
  const text = abstract.replace(/\s+/g, " ").trim();
  if (text.length === 0) return [];
  if (text.length <= SNIPPET_CHARS) return [{ text, match: false }];
  const cut = text.lastIndexOf(" ", SNIPPET_CHARS);
  return [{ text: `${text.slice(0, cut > SNIPPET_CHARS / 2 ? cut : SNIPPET_CHARS).replace(/[\s,;:.]+$/, "")} …`, match: false }];
}

/** Splits ts_headline output into plain and matched pieces. */
export function headlineParts(headline: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  for (const piece of headline.split(START)) {
    const stop = piece.indexOf(STOP);
    if (stop < 0) {
      if (piece) parts.push({ text: piece, match: false });
      continue;
    }
    if (stop > 0) parts.push({ text: piece.slice(0, stop), match: true });
    const rest = piece.slice(stop + STOP.length);
    if (rest) parts.push({ text: rest, match: false });
  }
  return parts;
}

async function headlinesFor(db: Database, ids: number[], query: SQL): Promise<Map<number, SnippetPart[]>> {
  if (ids.length === 0) return new Map();
  const options = `StartSel=${START}, StopSel=${STOP}, MaxWords=32, MinWords=16, ShortWord=3, MaxFragments=2, FragmentDelimiter=" … "`;
  const rows = await db
    .select({
      id: papers.id,
      headline: sql<string>`ts_headline('english', translate(left(${papers.abstract}, 4000), ${START + STOP}, ''), ${query}, ${options})`,
      hasAbstract: sql<boolean>`${papers.abstract} <> ''`,
    })
    .from(papers)
    .where(inArray(papers.id, ids));
  const out = new Map<number, SnippetPart[]>();
  for (const row of rows) {
    if (!row.hasAbstract) continue;
    const parts = headlineParts(row.headline);
    // No matched word in the abstract (the title or an author matched): the plain opening reads better.
    if (parts.some((p) => p.match)) out.set(row.id, parts);
  }
  return out;
}

/** Each paper's techniques, one chip per technique (its relations together), by name. */
async function techniqueChips(db: Database, ids: number[]) {
  const out = new Map<number, Array<{ slug: string; name: string; relations: PaperRelation[] }>>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({ paperId: paperTechniques.paperId, slug: techniques.slug, name: techniques.name, relation: paperTechniques.relation })
    .from(paperTechniques)
    .innerJoin(techniques, eq(techniques.id, paperTechniques.techniqueId))
    .where(inArray(paperTechniques.paperId, ids))
    .orderBy(asc(techniques.name), asc(paperTechniques.relation));
  for (const row of rows) {
    const list = out.get(row.paperId) ?? [];
    const chip = list.find((c) => c.slug === row.slug);
    if (chip) chip.relations.push(row.relation);
    else list.push({ slug: row.slug, name: row.name, relations: [row.relation] });
    out.set(row.paperId, list);
  }
  return out;
}
