import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

/** The users table or an alias of it (author, reviewer). */
interface UserColumns {
  id: AnyPgColumn;
  name: AnyPgColumn;
}

/**
 * How a person is shown on public pages: their name, or else a stable handle derived from their
 * id ("member-3f2a9c1b"). Never the email: it is private to the person and the admins.
 */
export function publicName(user: UserColumns): SQL<string> {
  return sql<string>`coalesce(nullif(btrim(${user.name}), ''), 'member-' || left(md5(${user.id}), 8))`;
}

/** The same for a left-joined user that may be absent (e.g. the reviewer of a pending edit). */
export function optionalPublicName(user: UserColumns): SQL<string | null> {
  return sql<string | null>`case when ${user.id} is null then null else coalesce(nullif(btrim(${user.name}), ''), 'member-' || left(md5(${user.id}), 8)) end`;
}
