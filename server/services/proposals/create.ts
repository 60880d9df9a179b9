import { inArray } from "drizzle-orm";
import type { Database } from "~/db/client";
import { paperTechniques, papers, techniques } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { DomainError } from "../../errors";
import type { StoredRendering } from "../../render/description";
import { setParents } from "../taxonomy-graph";
import { newTechniqueSchema, type NewTechnique } from "./input";
import { insertProposal } from "./pending";
import { assertSlugAvailable, lockSlug, resolveTechniqueSlug, slugLockKey } from "./slugs";

/** Aliases once each (case-insensitively), never the name itself. */
export function cleanAliases(aliases: string[], name: string, also: string[] = []): string[] {
  const seen = new Set([name.trim().toLocaleLowerCase("en")]);
  const out: string[] = [];
  for (const alias of [...aliases, ...also]) {
    const key = alias.trim().toLocaleLowerCase("en");
    if (key === "" || seen.has(key)) continue;
    seen.add(key);
    out.push(alias.trim());
  }
  return out;
}

/** A paper and relation once each. */
function uniquePapers(list: NewTechnique["papers"]): NewTechnique["papers"] {
  const seen = new Set<string>();
  return list.filter((p) => {
    const key = `${p.paperId}:${p.relation}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The parents as current slugs (an old slug that redirects counts as its technique); unknown ones are an error. */
async function currentParentSlugs(db: Queryable, parents: string[], when: "propose" | "accept"): Promise<string[]> {
  const out: string[] = [];
  const missing: string[] = [];
  for (const slug of [...new Set(parents)]) {
    const found = await resolveTechniqueSlug(db, slug);
    if (found) out.push(found.slug);
    else missing.push(slug);
  }
  if (missing.length) {
    throw new DomainError(
      when === "propose" ? "BAD_REQUEST" : "CONFLICT",
      when === "propose" ? `Unknown parent technique: ${missing.join(", ")}.` : `The parent technique ${missing.join(", ")} no longer exists; reject this proposal (the author can propose it again).`,
    );
  }
  return [...new Set(out)];
}

async function assertPapersExist(db: Queryable, list: NewTechnique["papers"], when: "propose" | "accept"): Promise<void> {
  const ids = [...new Set(list.map((p) => p.paperId))];
  if (ids.length === 0) return;
  const found = new Set((await db.select({ id: papers.id }).from(papers).where(inArray(papers.id, ids))).map((r) => r.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) {
    throw new DomainError(
      when === "propose" ? "BAD_REQUEST" : "CONFLICT",
      when === "propose" ? `Unknown paper: #${missing.join(", #")}. Choose papers from the list.` : `The paper #${missing.join(", #")} no longer exists; reject this proposal (the author can propose it again).`,
    );
  }
}

/** The new technique as it will be stored, checked against the database (slug free, parents and papers exist). */
export async function checkedNewTechnique(db: Queryable, input: NewTechnique): Promise<NewTechnique> {
  const technique: NewTechnique = {
    ...input,
    aliases: cleanAliases(input.aliases, input.name),
    papers: uniquePapers(input.papers),
    parents: await currentParentSlugs(db, input.parents, "propose"),
  };
  await assertSlugAvailable(db, technique.slug);
  await assertPapersExist(db, technique.papers, "propose");
  return technique;
}

/** A member proposes a new technique; it exists only once a moderator accepts it. */
export async function proposeCreate(db: Database, input: { authorId: string; technique: NewTechnique; message: string }) {
  const technique = await checkedNewTechnique(db, input.technique);
  const row = await insertProposal(
    db,
    { kind: "create", authorId: input.authorId, techniqueId: null, message: input.message, changes: technique, before: {} },
    // Two people asking for one slug at the same moment: the second one hears it is taken.
    { lockKeys: [slugLockKey(technique.slug)], check: (tx) => assertSlugAvailable(tx, technique.slug) },
  );
  return { id: row.id, slug: technique.slug };
}

/** Creates the proposed technique (inside the review's transaction); returns its id and slug. */
export async function applyCreate(tx: Queryable, revision: { id: number; changes: Record<string, unknown> }, rendered: StoredRendering | null) {
  const technique = newTechniqueSchema.parse(revision.changes);
  await lockSlug(tx, technique.slug);
  await assertSlugAvailable(tx, technique.slug, { exceptRevisionId: revision.id });
  const parents = await currentParentSlugs(tx, technique.parents, "accept");
  await assertPapersExist(tx, technique.papers, "accept");
  const [created] = await tx
    .insert(techniques)
    .values({
      slug: technique.slug,
      name: technique.name,
      summary: technique.summary,
      description: technique.description,
      ...(rendered ?? { descriptionHtml: null, descriptionRenderError: null }),
      aliases: technique.aliases,
      approach: technique.approach,
      direction: technique.direction,
      unit: technique.unit,
    })
    .returning({ id: techniques.id, slug: techniques.slug });
  if (!created) throw new Error("insert returned no row");
  if (parents.length) await setParents(tx, created.id, parents);
  if (technique.papers.length) {
    await tx
      .insert(paperTechniques)
      .values(technique.papers.map((p) => ({ paperId: p.paperId, techniqueId: created.id, relation: p.relation })))
      .onConflictDoNothing();
  }
  return created;
}
