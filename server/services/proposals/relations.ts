import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "~/db/client";
import { techniqueRelations, techniques, type TechniqueRelationKind } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { DomainError } from "../../errors";
import { addRelation } from "../taxonomy-graph";
import { relationKindSchema, type RelationRef } from "./input";
import { insertProposal } from "./pending";
import { requireTechnique } from "./slugs";

/** A relation as stored in a proposal: by id, so renames do not break it. */
export const storedRelationSchema = z.object({ fromId: z.number().int(), toId: z.number().int(), kind: relationKindSchema });
export type StoredRelation = z.infer<typeof storedRelationSchema>;
export const storedRelationChangesSchema = z.object({ add: z.array(storedRelationSchema).default([]), remove: z.array(storedRelationSchema).default([]) });

/** How a relation reads in a sentence; kind_of runs from parent to child, so it reads backwards. */
export function relationSentence(from: string, to: string, kind: TechniqueRelationKind): string {
  switch (kind) {
    case "kind_of":
      return `‘${to}’ is a kind of ‘${from}’`;
    case "uses":
      return `‘${from}’ uses ‘${to}’`;
    case "alternative_to":
      return `‘${from}’ is an alternative to ‘${to}’`;
    case "evaluates":
      return `‘${from}’ evaluates ‘${to}’`;
    case "refines":
      return `‘${from}’ refines ‘${to}’`;
  }
}

const keyOf = (r: StoredRelation) => `${r.fromId}>${r.toId}:${r.kind}`;

/** Thrown to roll back a dry run once its checks passed. */
class DryRun extends Error {}

/** Applies removals, then additions (kind_of additions checked for cycles, naming the cycle). Call inside a transaction. */
async function applyRelationChanges(tx: Queryable, changes: { add: StoredRelation[]; remove: StoredRelation[] }): Promise<void> {
  // Serialise hierarchy edits: two concurrent changes could each pass the cycle check and together close a cycle.
  await tx.execute(sql`select pg_advisory_xact_lock(424242)`);
  const ids = [...new Set([...changes.add, ...changes.remove].flatMap((r) => [r.fromId, r.toId]))];
  const present = new Set(ids.length ? (await tx.select({ id: techniques.id }).from(techniques).where(inArray(techniques.id, ids))).map((r) => r.id) : []);
  if (ids.some((id) => !present.has(id))) {
    throw new DomainError("CONFLICT", "A technique in this proposal no longer exists (it was merged or removed); reject it, and the author can propose the relations again.");
  }
  for (const r of changes.remove) {
    await tx.delete(techniqueRelations).where(and(eq(techniqueRelations.fromId, r.fromId), eq(techniqueRelations.toId, r.toId), eq(techniqueRelations.kind, r.kind)));
  }
  for (const r of changes.add) await addRelation(tx, r.fromId, r.toId, r.kind);
}

/** A member proposes to add and/or remove relations between techniques (several in one proposal). */
export async function proposeRelations(db: Database, input: { authorId: string; add: RelationRef[]; remove: RelationRef[]; subject?: string; message: string }) {
  const names = new Map<number, { slug: string; name: string }>();
  const resolve = async (ref: RelationRef): Promise<StoredRelation> => {
    const from = await requireTechnique(db, ref.from);
    const to = await requireTechnique(db, ref.to);
    names.set(from.id, { slug: from.slug, name: from.name });
    names.set(to.id, { slug: to.slug, name: to.name });
    if (from.id === to.id) throw new DomainError("BAD_REQUEST", `A technique cannot be related to itself (‘${from.name}’).`);
    return { fromId: from.id, toId: to.id, kind: ref.kind };
  };
  const dedupe = (list: StoredRelation[]) => [...new Map(list.map((r) => [keyOf(r), r])).values()];
  const add = dedupe(await Promise.all(input.add.map(resolve)));
  const remove = dedupe(await Promise.all(input.remove.map(resolve)));
  const sentence = (r: StoredRelation) => relationSentence(names.get(r.fromId)?.name ?? "?", names.get(r.toId)?.name ?? "?", r.kind);
  const removing = new Set(remove.map(keyOf));
  const both = add.find((r) => removing.has(keyOf(r)));
  if (both) throw new DomainError("BAD_REQUEST", `This proposal both adds and removes “${sentence(both)}”.`);

  const existing = new Set(
    (
      await db
        .select({ fromId: techniqueRelations.fromId, toId: techniqueRelations.toId, kind: techniqueRelations.kind })
        .from(techniqueRelations)
        .where(inArray(techniqueRelations.fromId, [...names.keys()]))
    ).map(keyOf),
  );
  const already = add.find((r) => existing.has(keyOf(r)));
  if (already) throw new DomainError("BAD_REQUEST", `The map already says “${sentence(already)}”.`);
  const absent = remove.find((r) => !existing.has(keyOf(r)));
  if (absent) throw new DomainError("BAD_REQUEST", `There is no relation “${sentence(absent)}” to remove.`);

  // Check now, on today's map, so the author hears about a cycle at once (review checks again).
  await db
    .transaction(async (tx) => {
      await applyRelationChanges(tx, { add, remove });
      throw new DryRun();
    })
    .catch((error: unknown) => {
      if (!(error instanceof DryRun)) throw error;
    });

  const involved = [...names.keys()];
  let subjectId: number;
  if (input.subject) {
    const subject = await requireTechnique(db, input.subject);
    if (!involved.includes(subject.id)) throw new DomainError("BAD_REQUEST", `None of these relations involves ‘${subject.name}’.`);
    subjectId = subject.id;
  } else {
    // The child of a kind_of, otherwise the technique the relation starts from.
    const first = add[0] ?? remove[0]!;
    subjectId = first.kind === "kind_of" ? first.toId : first.fromId;
  }
  const before = { techniques: Object.fromEntries([...names].map(([id, t]) => [String(id), t])) };
  const row = await insertProposal(db, { kind: "relations", authorId: input.authorId, techniqueId: subjectId, message: input.message, changes: { add, remove }, before });
  return { id: row.id };
}

/** Applies an accepted relations proposal (inside the review's transaction). */
export async function applyRelations(tx: Queryable, revision: { changes: Record<string, unknown> }): Promise<void> {
  await applyRelationChanges(tx, storedRelationChangesSchema.parse(revision.changes));
}
