import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { techniqueRevisions, techniques, techniqueSlugRedirects } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { DomainError } from "../../errors";

/** A technique found by its current slug, or by an old one (renamed or merged away). */
export interface ResolvedSlug {
  id: number;
  slug: string;
  name: string;
  /** True when `slug` was an old address that now redirects here. */
  redirected: boolean;
}

/** The technique a slug names: its own, or the one an old slug redirects to (one hop: redirects store the id). */
export async function resolveTechniqueSlug(db: Queryable, slug: string): Promise<ResolvedSlug | null> {
  const [own] = await db.select({ id: techniques.id, slug: techniques.slug, name: techniques.name }).from(techniques).where(eq(techniques.slug, slug));
  if (own) return { ...own, redirected: false };
  const [moved] = await db
    .select({ id: techniques.id, slug: techniques.slug, name: techniques.name })
    .from(techniqueSlugRedirects)
    .innerJoin(techniques, eq(techniques.id, techniqueSlugRedirects.techniqueId))
    .where(eq(techniqueSlugRedirects.slug, slug));
  return moved ? { ...moved, redirected: true } : null;
}

/** Like resolveTechniqueSlug, but an unknown slug is a clear error. */
export async function requireTechnique(db: Queryable, slug: string): Promise<ResolvedSlug> {
  const found = await resolveTechniqueSlug(db, slug);
  if (!found) throw new DomainError("NOT_FOUND", `There is no technique at /techniques/${slug}.`);
  return found;
}

/** Addresses under /techniques/ that are pages, not techniques. */
const RESERVED_SLUGS = new Set(["new"]);

/** Serialises everything that claims this slug (new techniques, renames), inside a transaction. */
export const slugLockKey = (slug: string) => `technique-slug:${slug}`;
export async function lockSlug(tx: Queryable, slug: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${slugLockKey(slug)}))`);
}

/**
 * Refuses a slug that is in use: by a technique, as an old address that redirects (unless it is an
 * old address of `forTechniqueId` itself, which may take it back), or by another proposal waiting
 * for review that asks for it (other than `exceptRevisionId`).
 */
export async function assertSlugAvailable(db: Queryable, slug: string, options: { forTechniqueId?: number; exceptRevisionId?: number } = {}): Promise<void> {
  if (RESERVED_SLUGS.has(slug)) throw new DomainError("CONFLICT", `The slug “${slug}” names a page of MechMap (/techniques/${slug}). Choose another one.`);
  const [technique] = await db.select({ id: techniques.id, name: techniques.name }).from(techniques).where(eq(techniques.slug, slug));
  if (technique && technique.id !== options.forTechniqueId) {
    throw new DomainError("CONFLICT", `The slug “${slug}” is taken by the technique “${technique.name}”. Choose another one.`);
  }
  const [redirect] = await db
    .select({ techniqueId: techniqueSlugRedirects.techniqueId, name: techniques.name })
    .from(techniqueSlugRedirects)
    .innerJoin(techniques, eq(techniques.id, techniqueSlugRedirects.techniqueId))
    .where(eq(techniqueSlugRedirects.slug, slug));
  if (redirect && redirect.techniqueId !== options.forTechniqueId) {
    throw new DomainError("CONFLICT", `The slug “${slug}” is an old address of “${redirect.name}” and redirects there. Choose another one.`);
  }
  const [pending] = await db
    .select({ id: techniqueRevisions.id })
    .from(techniqueRevisions)
    .where(
      and(
        eq(techniqueRevisions.status, "pending"),
        inArray(techniqueRevisions.kind, ["create", "rename"]),
        sql`${techniqueRevisions.changes}->>'slug' = ${slug}`,
        options.exceptRevisionId === undefined ? undefined : ne(techniqueRevisions.id, options.exceptRevisionId),
      ),
    )
    .limit(1);
  if (pending) {
    throw new DomainError("CONFLICT", `The slug “${slug}” is asked for by another proposal waiting for review (#${pending.id}). Choose another one.`);
  }
}
