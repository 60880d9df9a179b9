import { sql, type SQL } from "drizzle-orm";
import type { Database } from "~/db/client";

/** How a technique matched, best first: what a person typing a name expects to see on top. */
export const MATCH_TIERS = ["exact", "prefix", "name", "body"] as const;
export type MatchTier = (typeof MATCH_TIERS)[number];

export interface TechniqueHit {
  id: number;
  slug: string;
  name: string;
  summary: string;
  /** Why it matched; results are ordered by tier, then by `rank` within the tier. */
  match: MatchTier;
  rank: number;
}

/**
 * Text folded the same way on both sides of a comparison: accents removed (mechmap_unaccent, the
 * same unaccent dictionary the paper search uses), lower case, punctuation and runs of spaces
 * turned into one space, so "Logit-lens", "logit lens" and "LOGIT  lens!" are equal.
 */
const folded = (text: SQL) => sql`btrim(regexp_replace(lower(mechmap_unaccent(${text})), '[[:space:][:punct:]]+', ' ', 'g'))`;

/**
 * Searches technique names, aliases and text. Ranking, in tiers:
 *   1. exact: the query is a name or an alias ("SAE", "Causal tracing");
 *   2. prefix: a name or alias starts with the query ("refusal" → "refusal direction"), the one the
 *      query covers most first (a short alias beats a long name that merely starts the same way);
 *   3. name: every word appears in a name or alias (stemmed; the last word may be a prefix);
 *   4. body: every word appears in the summary or description (summary weighs more).
 * Names count with and without a trailing parenthesis ("Sparse autoencoders (SAEs)" is also
 * "Sparse autoencoders"). Accents are folded on both sides ("Günther" = "Gunther").
 *
 * Texts are folded per query rather than read from the stored `search` column: that column is not
 * accent-folded and leaves out descriptions. The taxonomy has hundreds of rows at most, so this
 * stays a few milliseconds (see bench if it grows).
 */
export async function searchTechniques(db: Database, query: string, limit = 10): Promise<TechniqueHit[]> {
  const text = query.normalize("NFKC").slice(0, 200);
  if (!/[\p{L}\p{N}]/u.test(text)) return [];
  const rows = await db.execute<{ id: number; slug: string; name: string; summary: string; tier: number; rank: number }>(sql`
    with q as (
      select ${folded(sql`${text}::text`)} as text
    ), words as (
      select array_agg(w order by i) as list from q, unnest(string_to_array(q.text, ' ')) with ordinality as t(w, i) where w <> ''
    ), tsq as (
      -- Every word must match, the last one as a prefix (results appear while typing). Words hold no
      -- tsquery syntax: folding turned every ASCII punctuation character into a space.
      select to_tsquery('english', s) as english, to_tsquery('simple', s) as simple
      from (select array_to_string(list[1:cardinality(list) - 1] || (list[cardinality(list)] || ':*'), ' & ') as s from words where cardinality(list) > 0) x
    ), labelled as (
      select t.id, l.label
      from techniques t
      cross join lateral (
        select distinct ${folded(sql`x`)} as label
        from unnest(array[t.name, regexp_replace(t.name, '\\s*\\([^)]*\\)\\s*$', '')] || t.aliases) as x
      ) l
      where l.label <> ''
    ), best_label as (
      -- Exact (0) or prefix (1) through one label; for prefixes, the share of the label the query covers.
      select id, min(case when label = q.text then 0 else 1 end) as tier,
             max(length(q.text)::real / greatest(length(label), 1)) as coverage
      from labelled, q
      where q.text <> '' and starts_with(label, q.text)
      group by id
    ), scored as (
      select t.id, t.slug, t.name, t.summary,
        names.vector as names_vector,
        setweight(to_tsvector('english', mechmap_unaccent(t.summary)), 'A') || setweight(to_tsvector('english', mechmap_unaccent(t.description)), 'B') as body_vector,
        b.tier as label_tier, b.coverage
      from techniques t
      left join best_label b on b.id = t.id
      cross join lateral (
        select to_tsvector('english', string_agg(l.label, ' ')) || to_tsvector('simple', string_agg(l.label, ' ')) as vector
        from labelled l where l.id = t.id
      ) names
    )
    select s.id, s.slug, s.name, s.summary,
      case
        when s.label_tier is not null then s.label_tier
        when s.names_vector @@ tsq.english or s.names_vector @@ tsq.simple then 2
        else 3
      end as tier,
      case
        when s.label_tier = 1 then s.coverage
        when s.label_tier is not null then 1
        when s.names_vector @@ tsq.english or s.names_vector @@ tsq.simple then ts_rank(s.names_vector, tsq.english || tsq.simple)
        else ts_rank_cd(s.body_vector, tsq.english)
      end::real as rank
    from scored s, tsq
    where s.label_tier is not null
       or s.names_vector @@ tsq.english or s.names_vector @@ tsq.simple
       or s.body_vector @@ tsq.english or s.body_vector @@ tsq.simple
    order by tier, rank desc, s.name
    limit ${limit}`);
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    name: r.name,
    summary: r.summary,
    match: MATCH_TIERS[r.tier] ?? "body",
    rank: Number(r.rank),
  }));
}
