import { and, asc, count, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "~/db/client";
import { comments, paperRevisions, papers, techniques, users, type PaperRevisionKind, type RevisionStatus } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { notFound } from "../../errors";
import { optionalPublicName, publicName } from "../display-name";
import { wordDiff, type TextDiff } from "../proposals/word-diff";
import { PAPER_FIELD_LABELS, PAPER_METADATA_FIELDS } from "./paper-revisions-input";

/** Paper proposals are as public as papers: anyone may read them, their history and their discussion. */

export const PAPER_REVIEW_PAGE_SIZE = 20;

export interface PaperFieldChange {
  field: string;
  label: string;
  /** The value as text (authors one per line; empty for none), and the word diff between them. */
  before: string;
  after: string;
  diff: TextDiff;
}

export interface PaperProposalView {
  kind: PaperRevisionKind;
  /** "Correct the details", "Link to ‘CAA’ (introduces)", … */
  headline: string;
  /** What accepting does (or did), in one sentence. */
  summary: string;
  fields: PaperFieldChange[];
  link: { action: "link" | "unlink"; technique: { slug: string | null; name: string }; relation: string; note: string | null } | null;
}

interface ViewRow {
  id: number;
  kind: PaperRevisionKind;
  status: RevisionStatus;
  changes: Record<string, unknown>;
  before: Record<string, unknown>;
}

const asText = (value: unknown): string => {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(String).join("\n");
  return String(value);
};
const str = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/** Puts paper proposals in words and diffs; reads the techniques they name in one query. */
export async function paperProposalViews(db: Queryable, rows: ViewRow[]): Promise<Map<number, PaperProposalView>> {
  const ids = [...new Set(rows.flatMap((r) => (typeof r.changes.techniqueId === "number" ? [r.changes.techniqueId] : [])))];
  const current = new Map(
    ids.length ? (await db.select({ id: techniques.id, slug: techniques.slug, name: techniques.name }).from(techniques).where(inArray(techniques.id, ids))).map((t) => [t.id, t]) : [],
  );
  const views = new Map<number, PaperProposalView>();
  for (const row of rows) {
    const done = row.status === "accepted";
    if (row.kind === "metadata") {
      const fields = PAPER_METADATA_FIELDS.filter((f) => f in row.changes).map((field) => {
        const before = asText(row.before[field]);
        const after = asText(row.changes[field]);
        return { field, label: PAPER_FIELD_LABELS[field], before, after, diff: wordDiff(before, after) };
      });
      const list = fields.map((f) => f.label.charAt(0).toLowerCase() + f.label.slice(1)).join(", ");
      views.set(row.id, { kind: row.kind, headline: "Correct the details", summary: `${done ? "Corrected" : "Corrects"} the paper’s ${list}.`, fields, link: null });
      continue;
    }
    const techniqueId = typeof row.changes.techniqueId === "number" ? row.changes.techniqueId : null;
    const now = techniqueId === null ? undefined : current.get(techniqueId);
    const technique = now ? { slug: now.slug, name: now.name } : { slug: null, name: str(row.before.techniqueName) ?? "a technique that no longer exists" };
    const relation = str(row.changes.relation) ?? "";
    const note = row.kind === "link" ? str(row.changes.note) : str(row.before.note);
    const action = row.kind === "link" ? ("link" as const) : ("unlink" as const);
    const headline = action === "link" ? `Link to ‘${technique.name}’ (${relation})` : `Unlink from ‘${technique.name}’ (${relation})`;
    const summary =
      action === "link"
        ? `${done ? "Linked" : "Links"} the paper to ‘${technique.name}’: the paper ${relation} it.`
        : `${done ? "Removed" : "Removes"} the “${relation}” link between the paper and ‘${technique.name}’.`;
    views.set(row.id, { kind: row.kind, headline, summary, fields: [], link: { action, technique, relation, note } });
  }
  return views;
}

/** Visible comments on each paper proposal's discussion. */
async function commentCounts(db: Database, ids: number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: comments.targetId, n: count() })
    .from(comments)
    .where(and(eq(comments.targetType, "paper_revision"), inArray(comments.targetId, ids.map(String)), isNull(comments.deletedAt), eq(comments.hidden, false)))
    .groupBy(comments.targetId);
  return new Map(rows.map((r) => [Number(r.id), r.n]));
}

const author = alias(users, "author");
const reviewer = alias(users, "reviewer");

const columns = {
  id: paperRevisions.id,
  kind: paperRevisions.kind,
  status: paperRevisions.status,
  paperId: paperRevisions.paperId,
  paperTitle: papers.title,
  message: paperRevisions.message,
  changes: paperRevisions.changes,
  before: paperRevisions.before,
  createdAt: paperRevisions.createdAt,
  authorId: paperRevisions.authorId,
  authorName: publicName(author),
  reviewerName: optionalPublicName(reviewer),
  reviewComment: paperRevisions.reviewComment,
  reviewedAt: paperRevisions.reviewedAt,
};

function baseQuery(db: Database) {
  return db
    .select(columns)
    .from(paperRevisions)
    .innerJoin(papers, eq(papers.id, paperRevisions.paperId))
    .innerJoin(author, eq(author.id, paperRevisions.authorId))
    .leftJoin(reviewer, eq(reviewer.id, paperRevisions.reviewerId));
}

async function withViews<T extends ViewRow>(db: Database, rows: T[]) {
  const [views, discussion] = await Promise.all([paperProposalViews(db, rows), commentCounts(db, rows.map((r) => r.id))]);
  return rows.map((row) => ({ ...row, view: views.get(row.id)!, comments: discussion.get(row.id) ?? 0 }));
}

/** How many paper proposals wait for review, and how many a page shows. */
export async function countPendingPaperRevisions(db: Database) {
  const [row] = await db.select({ total: count() }).from(paperRevisions).where(eq(paperRevisions.status, "pending"));
  const total = row?.total ?? 0;
  return { total, pageSize: PAPER_REVIEW_PAGE_SIZE, pageCount: Math.max(1, Math.ceil(total / PAPER_REVIEW_PAGE_SIZE)) };
}

/** One page of the paper proposals waiting for review, oldest first (empty past the end). */
export async function listPendingPaperRevisions(db: Database, input: { page: number }) {
  const rows = await baseQuery(db)
    .where(eq(paperRevisions.status, "pending"))
    .orderBy(asc(paperRevisions.createdAt), asc(paperRevisions.id))
    .limit(PAPER_REVIEW_PAGE_SIZE)
    .offset((input.page - 1) * PAPER_REVIEW_PAGE_SIZE);
  return withViews(db, rows);
}

/** One paper proposal with its words and diffs (its permalink page). */
export async function getPaperRevision(db: Database, id: number) {
  const [row] = await baseQuery(db).where(eq(paperRevisions.id, id));
  if (!row) throw notFound(`Paper proposal #${id}`);
  const [withView] = await withViews(db, [row]);
  return withView!;
}

/** A paper's proposals: those waiting first, then the reviewed ones, newest first; paginated. */
export async function paperRevisionsOfPaper(db: Database, input: { paperId: number; page: number }) {
  const [paper] = await db.select({ id: papers.id }).from(papers).where(eq(papers.id, input.paperId));
  if (!paper) throw notFound(`Paper #${input.paperId}`);
  const [rows, totals] = await Promise.all([
    baseQuery(db)
      .where(eq(paperRevisions.paperId, input.paperId))
      .orderBy(sql`(${paperRevisions.status} = 'pending') desc`, desc(paperRevisions.createdAt), desc(paperRevisions.id))
      .limit(PAPER_REVIEW_PAGE_SIZE)
      .offset((input.page - 1) * PAPER_REVIEW_PAGE_SIZE),
    db
      .select({ total: count(), pending: sql<number>`count(*) filter (where ${paperRevisions.status} = 'pending')::int` })
      .from(paperRevisions)
      .where(eq(paperRevisions.paperId, input.paperId)),
  ]);
  const total = totals[0]?.total ?? 0;
  return {
    items: await withViews(db, rows),
    total,
    pending: Number(totals[0]?.pending ?? 0),
    page: input.page,
    pageCount: Math.max(1, Math.ceil(total / PAPER_REVIEW_PAGE_SIZE)),
  };
}
