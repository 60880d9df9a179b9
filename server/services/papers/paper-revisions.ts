import { and, count, eq, ne, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "~/db/client";
import { paperRevisions, papers, paperTechniques, techniques, type PaperRevisionKind } from "~/db/schema";
import { PAPER_RELATIONS } from "~/db/seed/data/types";
import type { Queryable } from "~/db/transaction";
import { DomainError, notFound } from "../../errors";
import { MAX_PENDING_PER_TECHNIQUE, MAX_PENDING_PER_USER } from "../proposals/pending";
import { invalidateTaxonomy } from "../taxonomy-cache";
import { lockPaperKeys } from "./cite-keys";
import { dedupeKey } from "./keys";
import { invalidatePaperList } from "./list";
import { PAPER_FIELD_LABELS, PAPER_METADATA_FIELDS, type PaperMetadataChanges, type PaperMetadataField } from "./paper-revisions-input";

/**
 * Proposed changes to a paper, reviewed like technique edits: a metadata correction, or linking /
 * unlinking the paper and a technique. Stored shapes (read by the changes feed, see changes-feed.ts):
 *   metadata  changes { field: value } (only fields that change), before { field: old value }
 *   link      changes { techniqueId, technique (slug), relation, note }, before { techniqueName }
 *   unlink    changes { techniqueId, technique, relation }, before { techniqueId, technique, relation, note, techniqueName }
 * A merge of techniques rewrites `changes.techniqueId` / `changes.technique` of pending proposals
 * (proposals/merge.ts), so what is applied always names the technique as it is now.
 */

/** Same limits as technique proposals: per author overall, and per paper. */
export const MAX_PENDING_PAPER_PROPOSALS_PER_USER = MAX_PENDING_PER_USER;
export const MAX_PENDING_PER_PAPER = MAX_PENDING_PER_TECHNIQUE;

type PaperRow = typeof papers.$inferSelect;
type Relation = (typeof PAPER_RELATIONS)[number];

const storedLinkSchema = z.object({ techniqueId: z.number().int().positive(), technique: z.string(), relation: z.enum(PAPER_RELATIONS), note: z.string().nullish() });

const FIELD_WORDS: Record<PaperMetadataField, string> = {
  title: "title",
  authors: "authors",
  year: "year",
  venue: "venue",
  abstract: "abstract",
  arxivId: "arXiv id",
  doi: "DOI",
  url: "URL",
  bibtex: "BibTeX",
};

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

async function findPaper(db: Queryable, paperId: number, options: { lock?: boolean } = {}): Promise<PaperRow> {
  const query = db.select().from(papers).where(eq(papers.id, paperId));
  const [paper] = options.lock ? await query.for("update") : await query;
  if (!paper) throw notFound(`Paper #${paperId}`);
  return paper;
}

async function findTechnique(db: Queryable, where: SQL): Promise<{ id: number; slug: string; name: string } | undefined> {
  const [row] = await db.select({ id: techniques.id, slug: techniques.slug, name: techniques.name }).from(techniques).where(where);
  return row;
}

async function techniqueBySlug(db: Queryable, slug: string) {
  const technique = await findTechnique(db, eq(techniques.slug, slug));
  if (!technique) throw notFound(`The technique “${slug}”`);
  return technique;
}

async function linkExists(db: Queryable, paperId: number, techniqueId: number, relation: Relation) {
  const [row] = await db
    .select({ note: paperTechniques.note })
    .from(paperTechniques)
    .where(and(eq(paperTechniques.paperId, paperId), eq(paperTechniques.techniqueId, techniqueId), eq(paperTechniques.relation, relation)));
  return row ?? null;
}

const short = (title: string) => (title.length > 120 ? `${title.slice(0, 119)}…` : title);

/** Another paper already carrying this arXiv id or DOI: the unique index would refuse the change. */
async function assertIdentifiersFree(db: Queryable, paperId: number, changes: PaperMetadataChanges) {
  const clashes: SQL[] = [];
  if (changes.arxivId) clashes.push(eq(papers.arxivId, changes.arxivId));
  if (changes.doi) clashes.push(eq(papers.doi, changes.doi));
  if (clashes.length === 0) return;
  const [other] = await db
    .select({ id: papers.id, title: papers.title, arxivId: papers.arxivId })
    .from(papers)
    .where(and(ne(papers.id, paperId), or(...clashes)));
  if (!other) return;
  const what = changes.arxivId && other.arxivId === changes.arxivId ? `arXiv id ${changes.arxivId}` : `DOI ${changes.doi ?? ""}`;
  throw new DomainError("CONFLICT", `Paper #${other.id} (‘${short(other.title)}’) already has the ${what}. If they are the same paper, say so in the discussion of either.`, {
    existingPaperId: other.id,
  });
}

interface NewPaperProposal {
  kind: PaperRevisionKind;
  paperId: number;
  authorId: string;
  message: string;
  changes: Record<string, unknown>;
  before: Record<string, unknown>;
}

/** Refuses a new proposal when its author already has too many waiting (overall, or on this paper). */
async function assertPendingAllowed(tx: Queryable, authorId: string, paperId: number) {
  const [row] = await tx
    .select({ total: count(), here: sql<number>`count(*) filter (where ${paperRevisions.paperId} = ${paperId})::int` })
    .from(paperRevisions)
    .where(and(eq(paperRevisions.authorId, authorId), eq(paperRevisions.status, "pending")));
  if (Number(row?.here ?? 0) >= MAX_PENDING_PER_PAPER) {
    throw new DomainError("TOO_MANY_REQUESTS", `You already have ${MAX_PENDING_PER_PAPER} proposals about this paper waiting for review; wait until a moderator has reviewed them.`);
  }
  if ((row?.total ?? 0) >= MAX_PENDING_PAPER_PROPOSALS_PER_USER) {
    throw new DomainError("TOO_MANY_REQUESTS", `You already have ${MAX_PENDING_PAPER_PROPOSALS_PER_USER} paper proposals waiting for review; wait until a moderator has reviewed some of them.`);
  }
}

/** The same link or unlink already waiting for review (by anyone): discuss that one instead of queueing a twin. */
async function assertNotAlreadyProposed(tx: Queryable, kind: "link" | "unlink", paperId: number, techniqueId: number, relation: Relation) {
  const [twin] = await tx
    .select({ id: paperRevisions.id })
    .from(paperRevisions)
    .where(
      and(
        eq(paperRevisions.paperId, paperId),
        eq(paperRevisions.kind, kind),
        eq(paperRevisions.status, "pending"),
        sql`${paperRevisions.changes}->>'techniqueId' = ${String(techniqueId)}`,
        sql`${paperRevisions.changes}->>'relation' = ${relation}`,
      ),
    )
    .limit(1);
  if (twin) throw new DomainError("CONFLICT", `Proposal #${twin.id} already proposes this and is waiting for review; add your reasons to its discussion.`, { existingProposalId: twin.id });
}

/** Records a proposal within the author's limits; `check` runs after the author's lock, inside the same transaction. */
async function insertPaperProposal(db: Database, proposal: NewPaperProposal, check?: (tx: Queryable) => Promise<void>) {
  const row = await db.transaction(async (tx) => {
    // One proposal per author at a time, so parallel requests cannot pass the limits together.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('paper-revisions:' || ${proposal.authorId}))`);
    await assertPendingAllowed(tx, proposal.authorId, proposal.paperId);
    await check?.(tx);
    const [inserted] = await tx.insert(paperRevisions).values(proposal).returning({ id: paperRevisions.id });
    return inserted;
  });
  if (!row) throw new Error("insert returned no row");
  return row;
}

/** The proposed fields that really change, and their current values. */
function effectiveMetadata(paper: PaperRow, proposed: PaperMetadataChanges) {
  const changes: Record<string, unknown> = {};
  const before: Record<string, unknown> = {};
  for (const field of PAPER_METADATA_FIELDS) {
    const value = proposed[field];
    if (value === undefined || sameValue(value, paper[field])) continue;
    changes[field] = value;
    before[field] = paper[field];
  }
  return { changes, before };
}

/** A correction of the paper's details (title, authors, year, venue, abstract, identifiers, URL, BibTeX). */
export async function proposePaperMetadata(db: Database, input: { authorId: string; paperId: number; changes: PaperMetadataChanges; message: string }) {
  const paper = await findPaper(db, input.paperId);
  const { changes, before } = effectiveMetadata(paper, input.changes);
  if (Object.keys(changes).length === 0) throw new DomainError("BAD_REQUEST", "This correction changes nothing: every field already has the value you proposed.");
  // Tell the author now when an identifier belongs to another paper (checked again at review).
  await assertIdentifiersFree(db, paper.id, changes as PaperMetadataChanges);
  const row = await insertPaperProposal(db, { kind: "metadata", paperId: paper.id, authorId: input.authorId, message: input.message, changes, before });
  return { id: row.id, paperId: paper.id, changes };
}

/** Link the paper to a technique, with the relation the person chose. */
export async function proposePaperLink(db: Database, input: { authorId: string; paperId: number; technique: string; relation: Relation; note: string | null; message: string }) {
  const paper = await findPaper(db, input.paperId);
  const technique = await techniqueBySlug(db, input.technique);
  const row = await insertPaperProposal(
    db,
    {
      kind: "link",
      paperId: paper.id,
      authorId: input.authorId,
      message: input.message,
      changes: { techniqueId: technique.id, technique: technique.slug, relation: input.relation, note: input.note },
      before: { techniqueName: technique.name },
    },
    async (tx) => {
      if (await linkExists(tx, paper.id, technique.id, input.relation)) {
        throw new DomainError("CONFLICT", `This paper is already linked to ‘${technique.name}’ as “${input.relation}”.`);
      }
      await assertNotAlreadyProposed(tx, "link", paper.id, technique.id, input.relation);
    },
  );
  return { id: row.id, paperId: paper.id };
}

/** Remove one existing link of the paper. */
export async function proposePaperUnlink(db: Database, input: { authorId: string; paperId: number; technique: string; relation: Relation; message: string }) {
  const paper = await findPaper(db, input.paperId);
  const technique = await techniqueBySlug(db, input.technique);
  const link = await linkExists(db, paper.id, technique.id, input.relation);
  if (!link) throw notFound(`A “${input.relation}” link between this paper and ‘${technique.name}’`);
  const row = await insertPaperProposal(
    db,
    {
      kind: "unlink",
      paperId: paper.id,
      authorId: input.authorId,
      message: input.message,
      changes: { techniqueId: technique.id, technique: technique.slug, relation: input.relation },
      before: { techniqueId: technique.id, technique: technique.slug, relation: input.relation, note: link.note, techniqueName: technique.name },
    },
    (tx) => assertNotAlreadyProposed(tx, "unlink", paper.id, technique.id, input.relation),
  );
  return { id: row.id, paperId: paper.id };
}

const STALE_HINT = "Reject it (saying why), and propose again from the paper as it is now if the change is still right.";

/** Applies a correction if the paper still has the values the proposal was made against. */
async function applyMetadata(tx: Queryable, paperId: number, changes: Record<string, unknown>, before: Record<string, unknown>) {
  const paper = await findPaper(tx, paperId, { lock: true });
  const fields = PAPER_METADATA_FIELDS.filter((f) => f in changes);
  const changed = fields.filter((f) => !sameValue(paper[f], before[f]));
  if (changed.length > 0) {
    throw new DomainError("CONFLICT", `The paper’s ${changed.map((f) => FIELD_WORDS[f]).join(", ")} changed since this proposal was made. ${STALE_HINT}`);
  }
  const update = Object.fromEntries(fields.map((f) => [f, changes[f]])) as PaperMetadataChanges;
  if (update.arxivId || update.doi) {
    // The same lock as paper inserts, so a paper added meanwhile with this identifier is seen.
    await lockPaperKeys(tx);
    await assertIdentifiersFree(tx, paperId, update);
  }
  const next = { ...paper, ...update };
  // The cite key stays: Markdown already cites the paper by it.
  const keyChanges = "title" in update || "authors" in update || "year" in update ? { dedupeKey: dedupeKey(next) } : {};
  await tx
    .update(papers)
    .set({ ...update, ...keyChanges })
    .where(eq(papers.id, paperId));
}

async function applyLink(tx: Queryable, paperId: number, kind: "link" | "unlink", raw: Record<string, unknown>) {
  const parsed = storedLinkSchema.safeParse(raw);
  if (!parsed.success) throw new DomainError("BAD_REQUEST", "This proposal is damaged and cannot be applied; reject it.");
  const { techniqueId, relation, note } = parsed.data;
  const technique = await findTechnique(tx, eq(techniques.id, techniqueId));
  if (!technique) throw new DomainError("CONFLICT", `The technique this proposal names no longer exists. ${STALE_HINT}`);
  if (kind === "link") {
    if (await linkExists(tx, paperId, techniqueId, relation)) throw new DomainError("CONFLICT", `The paper is already linked to ‘${technique.name}’ as “${relation}”. ${STALE_HINT}`);
    await tx.insert(paperTechniques).values({ paperId, techniqueId, relation, note: note ?? null });
  } else {
    const removed = await tx
      .delete(paperTechniques)
      .where(and(eq(paperTechniques.paperId, paperId), eq(paperTechniques.techniqueId, techniqueId), eq(paperTechniques.relation, relation)))
      .returning({ paperId: paperTechniques.paperId });
    if (removed.length === 0) throw new DomainError("CONFLICT", `The paper is no longer linked to ‘${technique.name}’ as “${relation}”. ${STALE_HINT}`);
  }
}

/**
 * A moderator's decision. Accepting applies the change in the same transaction that records it, so
 * a stale proposal (the paper changed since, the link already there or already gone) is refused
 * with CONFLICT and everything stays as it was. Nobody accepts their own proposal.
 */
export async function reviewPaperRevision(db: Database, input: { reviewerId: string; revisionId: number; decision: "accept" | "reject"; comment: string }) {
  const result = await db.transaction(async (tx) => {
    const [revision] = await tx.select().from(paperRevisions).where(eq(paperRevisions.id, input.revisionId)).for("update");
    if (!revision) throw notFound(`Paper proposal #${input.revisionId}`);
    if (revision.status !== "pending") throw new DomainError("CONFLICT", `Paper proposal #${revision.id} was already ${revision.status}.`);
    if (revision.authorId === input.reviewerId && input.decision === "accept") {
      throw new DomainError("FORBIDDEN", "You cannot accept your own proposal; another moderator must review it.");
    }
    if (input.decision === "accept") {
      if (revision.kind === "metadata") await applyMetadata(tx, revision.paperId, revision.changes, revision.before);
      else await applyLink(tx, revision.paperId, revision.kind, revision.changes);
    }
    const status = input.decision === "accept" ? ("accepted" as const) : ("rejected" as const);
    await tx
      .update(paperRevisions)
      .set({ status, reviewerId: input.reviewerId, reviewComment: input.comment || null, reviewedAt: new Date() })
      .where(eq(paperRevisions.id, revision.id));
    return { id: revision.id, kind: revision.kind, status, paperId: revision.paperId };
  });
  if (result.status === "accepted") {
    invalidatePaperList(db); // titles, authors and technique chips on cached browse pages
    invalidateTaxonomy(db); // paper counts and panels on the map
  }
  return result;
}

/** A short label for a field, for messages and diffs. */
export const paperFieldLabel = (field: string) => PAPER_FIELD_LABELS[field as PaperMetadataField] ?? field;
