import type { Metadata } from "next";
import Link from "next/link";
import { api } from "~/server/trpc/server-caller";
import { Pagination } from "../_components/pagination";
import { formatAuthors, formatDateTime, plural } from "../_lib/format";
import { ApprovePaperButton } from "../papers/[id]/approve-paper";
import { PaperProposals } from "./paper-proposals";
import { TechniqueProposals } from "./technique-proposals";

export const metadata: Metadata = { title: "Review edits" };

type SearchParams = Record<string, string | string[] | undefined>;

/** ?page=N from the URL; anything malformed is page 1. */
function pageParam(raw: string | string[] | undefined): number {
  const value = Array.isArray(raw) ? raw[0] : raw;
  const n = value && /^\d{1,5}$/.test(value) ? Number(value) : 1;
  return n >= 1 ? Math.min(n, 10_000) : 1;
}

export default async function ReviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const caller = await api();
  const me = await caller.users.me();
  if (!me) {
    return (
      <div className="page page--narrow">
        <h1>Review edits</h1>
        <p className="notice notice--info">
          Only moderators can review edits. <Link href="/signin?callbackUrl=%2Freview">Sign in</Link> if you are one.
        </p>
      </div>
    );
  }
  if (me.role !== "moderator" && me.role !== "admin") {
    return (
      <div className="page page--narrow">
        <h1>Review edits</h1>
        <p className="notice" data-testid="review-forbidden">
          Only moderators can review edits. Your proposals appear in each technique’s revision history while they wait.
        </p>
      </div>
    );
  }
  const counts = await caller.revisions.pendingCount();
  // A page past the end (the queue shrank meanwhile) shows the last one.
  const params = await searchParams;
  const page = Math.min(pageParam(params.page), counts.pageCount);
  const firstPapers = await caller.papers.unreviewed({ page: 1 });
  // The papers section pages on its own (?papersPage=N); past the end shows the last page, like the queue.
  const papersPage = Math.min(pageParam(params.papersPage), firstPapers.pageCount);
  const [pending, unreviewed] = await Promise.all([caller.revisions.pending({ page }), papersPage === 1 ? firstPapers : caller.papers.unreviewed({ page: papersPage })]);
  const queue = { ...counts, page };
  // Each list pages on its own; a link to one list's page keeps the others where they are.
  const reviewHref = (pages: { page: number; papersPage: number; paperProposalsPage: number }): string => {
    const query = new URLSearchParams(Object.entries(pages).filter(([, n]) => n > 1).map(([k, n]) => [k, String(n)])).toString();
    return query === "" ? "/review" : `/review?${query}`;
  };
  const current = { page, papersPage, paperProposalsPage: 1 };
  const href = (p: number) => reviewHref({ ...current, page: p });
  const papersHref = (p: number) => reviewHref({ ...current, papersPage: p });
  // Paper proposals (corrections, links) page on their own too (?paperProposalsPage=N).
  const paperCounts = await caller.paperRevisions.pendingCount();
  const paperProposalsPage = Math.min(pageParam(params.paperProposalsPage), paperCounts.pageCount);
  const paperPending = await caller.paperRevisions.pending({ page: paperProposalsPage });
  current.paperProposalsPage = paperProposalsPage;
  const paperProposalsHref = (p: number) => reviewHref({ ...current, paperProposalsPage: p });
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Review edits</h1>
          <p className="lede">
            {queue.total + paperCounts.total + unreviewed.total === 0
              ? "Nothing to review."
              : `${waitingSummary([
                  [queue.total, "technique proposal"],
                  [paperCounts.total, "paper proposal"],
                  [unreviewed.total, "new paper"],
                ])} waiting, oldest first.`} Accepting applies the change at once (a new technique, relations,
            a merge or a rename included); rejecting keeps it in the history with your comment.
          </p>
        </div>
      </div>
      <TechniqueProposals pending={pending} viewerId={me.id} />
      <Pagination page={queue.page} pageCount={queue.pageCount} href={href} label="Pages of proposals" />
      <PaperProposals pending={paperPending} total={paperCounts.total} page={paperProposalsPage} pageCount={paperCounts.pageCount} href={paperProposalsHref} viewerId={me.id} />

      <section aria-labelledby="review-papers" className="review-papers" data-testid="review-papers">
        <h2 id="review-papers">Papers waiting for review ({unreviewed.total})</h2>
        {unreviewed.total === 0 ? (
          <p className="empty">No member-added paper is waiting for review.</p>
        ) : (
          <>
            <p className="muted">
              Added by members, oldest first. Check the details on the paper’s page (and that it is not already on MechMap), then approve it.
              {unreviewed.pageCount > 1 && (
                <>
                  {" "}
                  <Link href="/papers?status=unreviewed">See all {unreviewed.total}</Link> in the papers list.
                </>
              )}
            </p>
            <ul className="paper-list">
              {unreviewed.items.map((p) => (
                <li key={p.id} className="paper-item review-papers__item" data-testid="review-paper">
                  <div>
                    <Link href={`/papers/${p.id}`} className="paper-item__title">
                      {p.title}
                    </Link>
                    <p className="paper-item__meta">
                      {formatAuthors(p.authors)}
                      {p.year !== null && ` · ${p.year}`}
                      {p.venue && ` · ${p.venue}`} · added by {p.addedBy ?? "a former member"}, {formatDateTime(p.createdAt)}
                    </p>
                  </div>
                  <ApprovePaperButton paperId={p.id} title={p.title} />
                </li>
              ))}
            </ul>
            <Pagination page={papersPage} pageCount={unreviewed.pageCount} href={papersHref} label="Pages of papers waiting for review" />
          </>
        )}
      </section>
    </div>
  );
}

/** "2 technique proposals and 1 new paper": the non-empty parts of the queue. */
function waitingSummary(parts: Array<[number, string]>): string {
  const named = parts.filter(([n]) => n > 0).map(([n, what]) => plural(n, what));
  return named.length <= 1 ? named.join("") : `${named.slice(0, -1).join(", ")} and ${named.at(-1)}`;
}
