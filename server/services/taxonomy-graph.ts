import { and, eq, inArray, sql } from "drizzle-orm";
import { techniqueRelations, techniques, type TechniqueRelationKind } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { DomainError } from "../errors";

/**
 * The "kind of" hierarchy is a DAG. Before adding parent → child we look for an existing path
 * child → … → parent; if there is one, the new edge would close a cycle and is refused.
 */
export async function findKindOfPath(db: Queryable, fromId: number, toId: number): Promise<number[] | null> {
  if (fromId === toId) return [fromId];
  const rows = await db.execute<{ path: number[] }>(sql`
    with recursive walk(node, path) as (
      select ${fromId}::int, array[${fromId}::int]
      union all
      select r.to_id, walk.path || r.to_id
      from walk join ${techniqueRelations} r on r.from_id = walk.node and r.kind = 'kind_of'
      where not r.to_id = any(walk.path)
    )
    select path from walk where node = ${toId} limit 1`);
  return rows[0]?.path ?? null;
}

async function slugsOf(db: Queryable, ids: number[]): Promise<string[]> {
  const rows = await db.select({ id: techniques.id, slug: techniques.slug }).from(techniques).where(inArray(techniques.id, ids));
  const byId = new Map(rows.map((r) => [r.id, r.slug]));
  return ids.map((id) => byId.get(id) ?? String(id));
}

/** Adds one relation; refuses self-loops and, for kind_of, cycles, naming the cycle. Idempotent. */
export async function addRelation(db: Queryable, fromId: number, toId: number, kind: TechniqueRelationKind): Promise<void> {
  if (fromId === toId) throw new DomainError("BAD_REQUEST", "A technique cannot be related to itself.");
  if (kind === "kind_of") await assertNoCycle(db, fromId, toId);
  await db.insert(techniqueRelations).values({ fromId, toId, kind }).onConflictDoNothing();
}

async function assertNoCycle(db: Queryable, parentId: number, childId: number): Promise<void> {
  const path = await findKindOfPath(db, childId, parentId);
  if (path) {
    const names = await slugsOf(db, [...path, childId]);
    throw new DomainError("CONFLICT", `That would make the hierarchy circular: ${names.join(" → ")}. A technique cannot be a kind of its own descendant.`);
  }
}

/** Checks, without writing, that these parents exist and none of them descends from the child. */
export async function assertParentsAllowed(db: Queryable, childId: number, parentSlugs: string[]): Promise<Array<{ id: number; slug: string }>> {
  const unique = [...new Set(parentSlugs)];
  const parents = unique.length ? await db.select({ id: techniques.id, slug: techniques.slug }).from(techniques).where(inArray(techniques.slug, unique)) : [];
  const missing = unique.filter((s) => !parents.some((p) => p.slug === s));
  if (missing.length) throw new DomainError("BAD_REQUEST", `Unknown parent technique: ${missing.join(", ")}.`);
  for (const parent of parents) await assertNoCycle(db, parent.id, childId);
  return parents;
}

/** Replaces a technique's parents; call inside a transaction so a refused edge changes nothing. */
export async function setParents(db: Queryable, childId: number, parentSlugs: string[]): Promise<void> {
  // Serialise hierarchy edits: two concurrent edits could each pass the cycle check and together close a cycle.
  await db.execute(sql`select pg_advisory_xact_lock(424242)`);
  const parents = await assertParentsAllowed(db, childId, parentSlugs);
  await db.delete(techniqueRelations).where(and(eq(techniqueRelations.toId, childId), eq(techniqueRelations.kind, "kind_of")));
  for (const parent of parents) await db.insert(techniqueRelations).values({ fromId: parent.id, toId: childId, kind: "kind_of" });
}
