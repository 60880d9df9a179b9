import { sql } from "drizzle-orm";
import { authorAliases } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { DomainError } from "../../errors";
import { foldAccents } from "./keys";

/**
 * Records that one person published under two names ("Nina Rimsky" ↔ "Nina Panickssery"). One row
 * serves both directions; a pair already known in either direction (compared accent- and
 * case-insensitively) is not added again.
 */
export async function addAuthorAlias(db: Queryable, input: { name: string; alias: string }, createdById: string | null) {
  if (foldAccents(input.name).replace(/\s+/g, " ") === foldAccents(input.alias).replace(/\s+/g, " ")) {
    throw new DomainError("BAD_REQUEST", "The two names are the same; give the other name the author published under.");
  }
  const existing = await db.execute<{ id: number; name: string; alias: string }>(sql`
    select id, name, alias from author_aliases
    where (lower(mechmap_unaccent(name)) = lower(mechmap_unaccent(${input.name})) and lower(mechmap_unaccent(alias)) = lower(mechmap_unaccent(${input.alias})))
       or (lower(mechmap_unaccent(name)) = lower(mechmap_unaccent(${input.alias})) and lower(mechmap_unaccent(alias)) = lower(mechmap_unaccent(${input.name})))
    limit 1`);
  const found = existing[0];
  if (found) return { id: found.id, name: found.name, alias: found.alias, created: false };
  const [row] = await db
    .insert(authorAliases)
    .values({ name: input.name, alias: input.alias, createdById })
    .onConflictDoNothing()
    .returning({ id: authorAliases.id, name: authorAliases.name, alias: authorAliases.alias });
  if (!row) return addAuthorAlias(db, input, createdById); // inserted concurrently: answer with that row
  return { ...row, created: true };
}

/** For each of these authors, the other names they published under (accent- and case-insensitive match). */
export async function otherNamesOf(db: Queryable, authors: readonly string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  if (authors.length === 0) return result;
  const rows = await db.execute<{ author: string; other: string }>(sql`
    with a as (select x as author, lower(mechmap_unaccent(x)) as folded from jsonb_array_elements_text(${JSON.stringify(authors)}::jsonb) as t(x))
    select a.author, case when lower(mechmap_unaccent(al.name)) = a.folded then al.alias else al.name end as other
    from a join author_aliases al on lower(mechmap_unaccent(al.name)) = a.folded or lower(mechmap_unaccent(al.alias)) = a.folded
    order by al.id`);
  for (const { author, other } of rows) {
    const list = result.get(author) ?? [];
    if (!list.includes(other) && other !== author) list.push(other);
    result.set(author, list);
  }
  return result;
}
