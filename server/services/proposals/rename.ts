import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "~/db/client";
import { techniques, techniqueSlugRedirects } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { DomainError } from "../../errors";
import { slugSchema } from "../technique-input";
import { insertProposal } from "./pending";
import { assertSlugAvailable, lockSlug, requireTechnique, slugLockKey } from "./slugs";

export const storedRenameSchema = z.object({ name: z.string().optional(), slug: slugSchema.optional() });

/** A member proposes a new name and/or slug; the old slug keeps working as a redirect. */
export async function proposeRename(db: Database, input: { authorId: string; slug: string; name?: string; newSlug?: string; message: string }) {
  const technique = await requireTechnique(db, input.slug);
  const changes: { name?: string; slug?: string } = {};
  if (input.name !== undefined && input.name !== technique.name) changes.name = input.name;
  if (input.newSlug !== undefined && input.newSlug !== technique.slug) changes.slug = input.newSlug;
  if (Object.keys(changes).length === 0) throw new DomainError("BAD_REQUEST", "This rename changes nothing: the technique already has that name and slug.");
  const newSlug = changes.slug;
  if (newSlug) await assertSlugAvailable(db, newSlug, { forTechniqueId: technique.id });
  const row = await insertProposal(
    db,
    { kind: "rename", authorId: input.authorId, techniqueId: technique.id, message: input.message, changes, before: { name: technique.name, slug: technique.slug } },
    newSlug ? { lockKeys: [slugLockKey(newSlug)], check: (tx) => assertSlugAvailable(tx, newSlug, { forTechniqueId: technique.id }) } : {},
  );
  return { id: row.id };
}

/** Applies an accepted rename (inside the review's transaction); returns the technique's slug afterwards. */
export async function applyRename(tx: Queryable, revision: { id: number; techniqueId: number; changes: Record<string, unknown> }): Promise<string> {
  const changes = storedRenameSchema.parse(revision.changes);
  const [technique] = await tx.select({ id: techniques.id, slug: techniques.slug }).from(techniques).where(eq(techniques.id, revision.techniqueId)).for("update");
  if (!technique) throw new DomainError("CONFLICT", "The technique no longer exists; reject this proposal.");
  const newSlug = changes.slug !== undefined && changes.slug !== technique.slug ? changes.slug : undefined;
  if (newSlug) {
    await lockSlug(tx, newSlug);
    await assertSlugAvailable(tx, newSlug, { forTechniqueId: technique.id, exceptRevisionId: revision.id });
    // Taking back one of its own old slugs: that address is the technique's again, not a redirect.
    await tx.delete(techniqueSlugRedirects).where(eq(techniqueSlugRedirects.slug, newSlug));
    // Older redirects already point at the technique by id, so /old → /new is one hop however many renames.
    await tx.execute(sql`
      insert into technique_slug_redirects (slug, technique_id) values (${technique.slug}, ${technique.id})
      on conflict (slug) do update set technique_id = excluded.technique_id`);
  }
  await tx
    .update(techniques)
    .set({ ...(changes.name !== undefined ? { name: changes.name } : {}), ...(newSlug ? { slug: newSlug } : {}), updatedAt: new Date() })
    .where(eq(techniques.id, technique.id));
  return newSlug ?? technique.slug;
}
