import { and, asc, eq, inArray, ne, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "~/db/client";
import { techniqueRelations, techniqueRevisions, techniques } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { DomainError } from "../../errors";
import { findKindOfPath } from "../taxonomy-graph";
import { cleanAliases } from "./create";
import { insertProposal } from "./pending";
import { relationSentence } from "./relations";
import { requireTechnique } from "./slugs";

export const storedMergeSchema = z.object({ sourceId: z.number().int(), targetId: z.number().int() });

/** What moves when one technique is merged into another. */
export interface MergeImpact {
  papers: number;
  experiments: number;
  edits: number;
  comments: number;
  watchers: number;
  relations: number;
}

/** A member proposes to merge `source` into `target`. */
export async function proposeMerge(db: Database, input: { authorId: string; source: string; target: string; message: string }) {
  const source = await requireTechnique(db, input.source);
  const target = await requireTechnique(db, input.target);
  if (source.id === target.id) throw new DomainError("BAD_REQUEST", "A technique cannot be merged into itself.");
  const row = await insertProposal(db, {
    kind: "merge",
    authorId: input.authorId,
    techniqueId: source.id,
    message: input.message,
    changes: { sourceId: source.id, targetId: target.id },
    before: { source: { id: source.id, slug: source.slug, name: source.name }, target: { id: target.id, slug: target.slug, name: target.name } },
  });
  return { id: row.id };
}

const int = (value: unknown) => Number(value ?? 0);

/** Counts what a merge of `sourceId` moves (for the review summary); `exceptRevisionId` is the merge proposal itself. */
export async function mergeImpact(db: Queryable, sourceId: number, exceptRevisionId?: number): Promise<MergeImpact> {
  const rows = await db.execute<Record<keyof MergeImpact, number>>(sql`
    select
      (select count(distinct paper_id) from paper_techniques where technique_id = ${sourceId}) as papers,
      (select count(distinct v.experiment_id) from experiment_version_techniques evt join experiment_versions v on v.id = evt.version_id where evt.technique_id = ${sourceId}) as experiments,
      (select count(*) from technique_revisions where technique_id = ${sourceId} and id <> ${exceptRevisionId ?? 0}) as edits,
      (select count(*) from comments where target_type = 'technique' and target_id = ${String(sourceId)}) as comments,
      (select count(*) from technique_watches where technique_id = ${sourceId}) as watchers,
      (select count(*) from technique_relations where from_id = ${sourceId} or to_id = ${sourceId}) as relations`);
  const r = rows[0];
  return { papers: int(r?.papers), experiments: int(r?.experiments), edits: int(r?.edits), comments: int(r?.comments), watchers: int(r?.watchers), relations: int(r?.relations) };
}

export interface MergeResult {
  target: { id: number; slug: string; name: string };
  moved: MergeImpact;
  /** Relations not carried over, in words: they would have been loops or made the hierarchy circular. */
  leftOut: string[];
}

/**
 * Merges one technique into another inside the review's transaction: aliases (and the old name),
 * paper links, experiment links, relations (re-pointed, without duplicates, loops or cycles),
 * comments, watches and history move to the target; the source is deleted and its slug (and
 * its own old slugs) redirect to the target.
 */
export async function applyMerge(tx: Queryable, revision: { id: number; changes: Record<string, unknown> }, reviewerId: string): Promise<MergeResult> {
  const { sourceId, targetId } = storedMergeSchema.parse(revision.changes);
  await tx.execute(sql`select pg_advisory_xact_lock(424242)`);
  const [source] = await tx.select().from(techniques).where(eq(techniques.id, sourceId)).for("update");
  const [target] = await tx.select().from(techniques).where(eq(techniques.id, targetId)).for("update");
  if (!source || !target) throw new DomainError("CONFLICT", "One of the two techniques no longer exists (merged or removed meanwhile); reject this proposal.");
  if (source.id === target.id) throw new DomainError("BAD_REQUEST", "A technique cannot be merged into itself.");
  const moved = await mergeImpact(tx, sourceId, revision.id);

  // Relations: every edge of the source is re-pointed to the target, in the order they were made.
  const edges = await tx
    .select()
    .from(techniqueRelations)
    .where(or(eq(techniqueRelations.fromId, sourceId), eq(techniqueRelations.toId, sourceId)))
    .orderBy(asc(techniqueRelations.id));
  await tx.delete(techniqueRelations).where(or(eq(techniqueRelations.fromId, sourceId), eq(techniqueRelations.toId, sourceId)));
  const neighbours = [...new Set(edges.flatMap((e) => [e.fromId, e.toId]))];
  const names = new Map(neighbours.length ? (await tx.select({ id: techniques.id, name: techniques.name }).from(techniques).where(inArray(techniques.id, neighbours))).map((t) => [t.id, t.name]) : []);
  names.set(sourceId, source.name);
  names.set(targetId, target.name);
  const leftOut: string[] = [];
  for (const edge of edges) {
    const fromId = edge.fromId === sourceId ? targetId : edge.fromId;
    const toId = edge.toId === sourceId ? targetId : edge.toId;
    // Told as the relation was before the merge, with the reason it does not carry over.
    const words = relationSentence(names.get(edge.fromId) ?? "?", names.get(edge.toId) ?? "?", edge.kind);
    if (fromId === toId) {
      leftOut.push(`${words} (it would relate ‘${target.name}’ to itself)`);
      continue;
    }
    // Merging into an ancestor or a descendant: an edge that would close a cycle is dropped, the rest of the hierarchy stays.
    if (edge.kind === "kind_of" && (await findKindOfPath(tx, toId, fromId))) {
      leftOut.push(`${words} (it would make the hierarchy circular)`);
      continue;
    }
    await tx.insert(techniqueRelations).values({ fromId, toId, kind: edge.kind }).onConflictDoNothing();
  }

  await tx.execute(sql`
    insert into paper_techniques (paper_id, technique_id, relation, note, created_at)
    select paper_id, ${targetId}, relation, note, created_at from paper_techniques where technique_id = ${sourceId}
    on conflict do nothing`);
  await tx.execute(sql`
    insert into experiment_version_techniques (version_id, technique_id)
    select version_id, ${targetId} from experiment_version_techniques where technique_id = ${sourceId}
    on conflict do nothing`);
  await tx.execute(sql`update comments set target_id = ${String(targetId)} where target_type = 'technique' and target_id = ${String(sourceId)}`);
  await tx.execute(sql`
    insert into technique_watches (user_id, technique_id, last_seen_at, created_at)
    select user_id, ${targetId}, last_seen_at, created_at from technique_watches where technique_id = ${sourceId}
    on conflict do nothing`);
  // Proposals still waiting on the source cannot apply to another technique: they are closed, with the reason.
  await tx
    .update(techniqueRevisions)
    .set({ status: "rejected", reviewerId, reviewedAt: new Date(), reviewComment: `Closed: ‘${source.name}’ was merged into ‘${target.name}’ (proposal #${revision.id}).` })
    .where(and(eq(techniqueRevisions.techniqueId, sourceId), eq(techniqueRevisions.status, "pending"), ne(techniqueRevisions.id, revision.id)));
  await tx.update(techniqueRevisions).set({ techniqueId: targetId }).where(eq(techniqueRevisions.techniqueId, sourceId));
  // Paper proposals that link the source now link the target.
  await tx.execute(sql`
    update paper_revisions set changes = jsonb_set(changes, '{techniqueId}', to_jsonb(${targetId}::int))
    where status = 'pending' and changes->>'techniqueId' = ${String(sourceId)}`);
  await tx.execute(sql`
    update paper_revisions set changes = jsonb_set(changes, '{technique}', to_jsonb(${target.slug}::text))
    where status = 'pending' and changes->>'technique' = ${source.slug}`);
  await tx.execute(sql`update technique_slug_redirects set technique_id = ${targetId} where technique_id = ${sourceId}`);
  await tx.execute(sql`
    insert into technique_slug_redirects (slug, technique_id) values (${source.slug}, ${targetId})
    on conflict (slug) do update set technique_id = excluded.technique_id`);
  await tx
    .update(techniques)
    .set({ aliases: cleanAliases(target.aliases, target.name, [source.name, ...source.aliases]), updatedAt: new Date() })
    .where(eq(techniques.id, targetId));
  await tx.delete(techniques).where(eq(techniques.id, sourceId));
  return { target: { id: target.id, slug: target.slug, name: target.name }, moved, leftOut };
}
