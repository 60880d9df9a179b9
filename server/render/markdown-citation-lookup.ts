import { inArray } from "drizzle-orm";
import type { Queryable } from "~/db/transaction";
import { papers } from "~/db/schema";
import { MAX_CITATION_KEYS, type CitationResolver, type Citations } from "./markdown-citations";

/** Resolves `[@key]` citations against `papers.cite_key` (one query, at most MAX_CITATION_KEYS keys). */
export function citationsFromDatabase(db: Queryable): CitationResolver {
  return async (keys) => {
    const wanted = [...new Set(keys)].slice(0, MAX_CITATION_KEYS);
    if (wanted.length === 0) return {};
    const rows = await db
      .select({ id: papers.id, title: papers.title, authors: papers.authors, year: papers.year, citeKey: papers.citeKey })
      .from(papers)
      .where(inArray(papers.citeKey, wanted));
    const out: Citations = {};
    for (const row of rows) {
      if (row.citeKey) out[row.citeKey] = { id: row.id, title: row.title, authors: row.authors, year: row.year };
    }
    return out;
  };
}
