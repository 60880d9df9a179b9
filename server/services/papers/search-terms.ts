import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "~/db/transaction";
import { paperQueryWords, tsQueryAlternatives } from "../search-query";

/**
 * What a paper search looks for: the query's words accent-folded by PostgreSQL's unaccent (the
 * same folding as the `papers.search` column, so "Günther" and "Gunther" meet), plus, for every
 * author alias the words name, the same words with the other name ("Panickssery" also searches
 * "Rimsky"). Returns a tsquery expression, or null when nothing searchable is left.
 */
export async function paperSearchQuery(db: Queryable, query: string): Promise<SQL | null> {
  const words = paperQueryWords(query);
  if (words.length === 0) return null;
  const [row] = await db.execute<{ words: string[] | null; pairs: Array<[string, string]> | null }>(sql`
    with q as (
      select array_agg(lower(mechmap_unaccent(w)) order by i) as words
      from jsonb_array_elements_text(${JSON.stringify(words)}::jsonb) with ordinality as t(w, i)
    )
    select q.words,
      (select jsonb_agg(jsonb_build_array(lower(mechmap_unaccent(a.name)), lower(mechmap_unaccent(a.alias))))
         from (select name, alias from author_aliases a
               where exists (select 1 from unnest(q.words) w where length(w) >= 2 and strpos(lower(mechmap_unaccent(a.name || ' ' || a.alias)), w) > 0)
               limit 200) a) as pairs
    from q`);
  const folded = row?.words ?? words;
  const pairs = (row?.pairs ?? []).map(([name, alias]) => [paperQueryWords(name), paperQueryWords(alias)] as const);
  return tsQueryFor(tsQueryAlternatives(aliasAlternatives(folded, pairs)));
}

/**
 * Every word but English stop words matches through either configuration: 'english' stems title and abstract words
 * ("steering" → "steer"), 'simple' keeps names as written (authors are indexed that way) and
 * catches prefixes stemming would cut. Per word, so "rimsky steering" finds an author and a title
 * word together.
 */
function tsQueryFor(alternatives: string[][]): SQL | null {
  if (alternatives.length === 0) return null;
  // An English stop word ("with", "of") is dropped, as in the indexed title and abstract: kept as a
  // 'simple' term it could only match an author, so "Probes with Control Tasks" found nothing.
  const term = (t: string) =>
    sql`(case when numnode(to_tsquery('english', ${t})) = 0 then to_tsquery('english', ${t}) else (to_tsquery('english', ${t}) || to_tsquery('simple', ${t})) end)`;
  const all = (terms: string[]) => sql`(${sql.join(terms.map(term), sql` && `)})`;
  return sql`(${sql.join(alternatives.map(all), sql` || `)})`;
}

const MAX_ALTERNATIVES = 8;

function indexOfRun(words: readonly string[], run: readonly string[]): number {
  if (run.length === 0) return -1;
  for (let i = 0; i + run.length <= words.length; i++) if (run.every((w, k) => words[i + k] === w)) return i;
  return -1;
}

/**
 * The query's words, then the same words with each matched author name replaced by its alias
 * (both directions). A name matches by all its words in order ("nina rimsky"), or by its surname
 * alone ("rimsky"; while typing, the last word may be a prefix of at least 3 letters: "panick").
 * All words are folded already.
 */
export function aliasAlternatives(query: readonly string[], pairs: ReadonlyArray<readonly [readonly string[], readonly string[]]>): string[][] {
  const out: string[][] = [[...query]];
  const seen = new Set([query.join(" ")]);
  const add = (words: string[]) => {
    const key = words.join(" ");
    if (seen.has(key) || out.length >= MAX_ALTERNATIVES) return;
    seen.add(key);
    out.push(words);
  };
  for (const [a, b] of pairs) {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const at = indexOfRun(query, from);
      if (at >= 0) {
        add([...query.slice(0, at), ...to, ...query.slice(at + from.length)]);
        continue;
      }
      const surname = from[from.length - 1];
      const other = to[to.length - 1];
      if (!surname || !other || surname === other) continue;
      const last = query.length - 1;
      const j = query.findIndex((w, i) => w === surname || (i === last && w.length >= 3 && surname.startsWith(w)));
      if (j >= 0) add(query.map((w, i) => (i === j ? other : w)));
    }
  }
  return out;
}
