import Link from "next/link";
import { Pagination } from "../_components/pagination";
import { formatDateTime, plural } from "../_lib/format";
import type { RouterOutputs } from "../_lib/types";
import { PaperReviewActions } from "./paper-review-actions";
import { PaperRevisionDiff } from "./paper-revision-diff";

type PendingPaperProposal = RouterOutputs["paperRevisions"]["pending"][number];

export const PAPER_PROPOSAL_KIND_LABELS = { metadata: "Correction", link: "Link", unlink: "Unlink" } as const;

/** The paper proposals waiting for review (corrections, links, unlinks), oldest first, with their own pages. */
export function PaperProposals({
  pending,
  total,
  page,
  pageCount,
  href,
  viewerId,
}: {
  pending: PendingPaperProposal[];
  total: number;
  page: number;
  pageCount: number;
  href: (page: number) => string;
  viewerId: string;
}) {
  return (
    <section aria-labelledby="review-paper-proposals" className="review-papers" data-testid="review-paper-proposals">
      <h2 id="review-paper-proposals">Paper proposals ({total})</h2>
      {pending.length === 0 ? (
        <p className="empty">No correction or link of a paper is waiting for review.</p>
      ) : (
        <>
          <p className="muted">Corrections of papers’ details and links between papers and techniques, oldest first{pageCount > 1 ? ` (page ${page} of ${pageCount})` : ""}.</p>
          <ol className="history" data-testid="paper-review-queue">
            {pending.map((rev) => (
              <li key={rev.id} className="history__item history__item--pending card" data-testid="paper-review-item" data-kind={rev.kind}>
                <h3 className="proposal__title">
                  <span className="badge badge--kind">{PAPER_PROPOSAL_KIND_LABELS[rev.kind]}</span> {rev.view.headline}{" "}
                  <span className="muted">
                    · <Link href={`/review/papers/${rev.id}`}>paper proposal #{rev.id}</Link>
                  </span>
                </h3>
                <div className="history__meta">
                  <span>
                    on <Link href={`/papers/${rev.paperId}`}>{rev.paperTitle}</Link>, by <strong>{rev.authorName}</strong>, {formatDateTime(rev.createdAt)}
                  </span>
                </div>
                <p className="history__message">
                  <span className="muted">Message:</span> {rev.message}
                </p>
                <PaperRevisionDiff view={rev.view} />
                <p className="proposal__discussion-link">
                  <Link href={`/review/papers/${rev.id}#discussion`}>{rev.comments === 0 ? "Discuss this proposal" : `Discussion (${plural(rev.comments, "comment")})`}</Link>
                </p>
                <PaperReviewActions revisionId={rev.id} paperId={rev.paperId} ownProposal={rev.authorId === viewerId} />
              </li>
            ))}
          </ol>
          <Pagination page={page} pageCount={pageCount} href={href} label="Pages of paper proposals" />
        </>
      )}
    </section>
  );
}
