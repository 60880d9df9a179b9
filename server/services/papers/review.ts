import { and, asc, count, eq, sql } from "drizzle-orm";
import type { Database } from "~/db/client";
import { papers, users, type UserRole } from "~/db/schema";
import { notFound } from "../../errors";
import { invalidatePaperList } from "./list";

/** Papers added by members wait for a moderator; moderators' (and the seed's) are approved at once. */
export function initialReviewStatus(role: UserRole | null) {
  return role === "moderator" || role === "admin" ? ("approved" as const) : ("unreviewed" as const);
}

/** Approves a member-added paper. Approving an approved paper changes nothing. */
export async function approvePaper(db: Database, paperId: number, moderatorId: string) {
  const [updated] = await db
    .update(papers)
    .set({ reviewStatus: "approved", reviewedById: moderatorId, reviewedAt: sql`now()` })
    .where(and(eq(papers.id, paperId), eq(papers.reviewStatus, "unreviewed")))
    .returning({ id: papers.id });
  if (updated) {
    invalidatePaperList(db); // the "Unreviewed" badge on cached browse pages
    return { id: updated.id, reviewStatus: "approved" as const, changed: true };
  }
  const [existing] = await db.select({ id: papers.id, reviewStatus: papers.reviewStatus }).from(papers).where(eq(papers.id, paperId));
  if (!existing) throw notFound(`Paper #${paperId}`);
  return { id: existing.id, reviewStatus: existing.reviewStatus, changed: false };
}

export const UNREVIEWED_PAGE_SIZE = 20;

/** The papers waiting for review, oldest first, with who added them. */
export async function unreviewedPapers(db: Database, page: number) {
  const [rows, totals] = await Promise.all([
    db
      .select({ id: papers.id, title: papers.title, authors: papers.authors, year: papers.year, venue: papers.venue, arxivId: papers.arxivId, doi: papers.doi, createdAt: papers.createdAt, addedBy: users.name })
      .from(papers)
      .leftJoin(users, eq(users.id, papers.createdById))
      .where(eq(papers.reviewStatus, "unreviewed"))
      .orderBy(asc(papers.createdAt), asc(papers.id))
      .limit(UNREVIEWED_PAGE_SIZE)
      .offset((page - 1) * UNREVIEWED_PAGE_SIZE),
    db.select({ total: count() }).from(papers).where(eq(papers.reviewStatus, "unreviewed")),
  ]);
  const total = totals[0]?.total ?? 0;
  return { items: rows, total, page, pageCount: Math.max(1, Math.ceil(total / UNREVIEWED_PAGE_SIZE)) };
}
