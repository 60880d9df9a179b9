import { asc, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "~/db/client";
import { paperTechniques, papers, techniques } from "~/db/schema";
import { errorResponse, fileResponse, jsonResponse } from "../datasets/http-responses";
import { slugSchema } from "../technique-input";
import { bibtexForMany } from "./bibtex-export";

/** Most papers in one .bib download. */
export const MAX_BIBTEX_PAPERS = 500;

const columns = { title: papers.title, authors: papers.authors, year: papers.year, venue: papers.venue, arxivId: papers.arxivId, doi: papers.doi, url: papers.url, citeKey: papers.citeKey };
const order = [sql`${papers.year} asc nulls last`, asc(papers.title), asc(papers.id)];

/** The papers with these ids, as one BibTeX file (generated entries: one style, keys from cite_key). */
export async function bibtexForPaperIds(db: Database, ids: readonly number[]): Promise<string> {
  if (ids.length === 0) return "";
  const rows = await db.select(columns).from(papers).where(inArray(papers.id, [...ids])).orderBy(...order);
  return bibtexForMany(rows);
}

/** Every paper linked to a technique (any relation), as one BibTeX file; null for an unknown technique. */
export async function bibtexForTechnique(db: Database, slug: string): Promise<string | null> {
  const [technique] = await db.select({ id: techniques.id }).from(techniques).where(eq(techniques.slug, slug));
  if (!technique) return null;
  const rows = await db
    .selectDistinct({ ...columns, id: papers.id })
    .from(papers)
    .innerJoin(paperTechniques, eq(paperTechniques.paperId, papers.id))
    .where(eq(paperTechniques.techniqueId, technique.id))
    .orderBy(...order)
    .limit(MAX_BIBTEX_PAPERS);
  return bibtexForMany(rows);
}

const bibFile = (name: string, body: string) => fileResponse({ fileName: `${name}.bib`, contentType: "application/x-bibtex; charset=utf-8", body: body ? `${body}\n` : "" });

/** GET /api/papers/bibtex?ids=1,2,3 or ?technique=slug: a .bib download. */
export async function handlePapersBibtex(req: Request, db: Database): Promise<Response> {
  try {
    const params = new URL(req.url).searchParams;
    const technique = params.get("technique");
    if (technique !== null) {
      const slug = slugSchema.safeParse(technique);
      if (!slug.success) return jsonResponse(400, { error: "That is not a technique's slug." });
      const body = await bibtexForTechnique(db, slug.data);
      return body === null ? jsonResponse(404, { error: `No technique is called “${slug.data}”.` }) : bibFile(slug.data, body);
    }
    const raw = (params.get("ids") ?? "").split(",").filter((s) => s.trim() !== "");
    const ids = [...new Set(raw.map((s) => (/^\d{1,9}$/.test(s.trim()) ? Number(s.trim()) : Number.NaN)))];
    if (ids.length === 0 || ids.some((id) => !Number.isInteger(id) || id < 1)) {
      return jsonResponse(400, { error: "List the papers as ?ids=1,2,3 (positive whole numbers), or name a technique with ?technique=slug." });
    }
    if (ids.length > MAX_BIBTEX_PAPERS) return jsonResponse(400, { error: `At most ${MAX_BIBTEX_PAPERS} papers in one download.` });
    return bibFile("mechmap-papers", await bibtexForPaperIds(db, ids));
  } catch (error) {
    return errorResponse(error, "GET /api/papers/bibtex");
  }
}
