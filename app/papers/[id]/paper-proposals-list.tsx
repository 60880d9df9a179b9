import Link from "next/link";
import { Pagination } from "../../_components/pagination";
import { formatDateTime } from "../../_lib/format";
import type { RouterOutputs } from "../../_lib/types";

type ProposalsOfPaper = RouterOutputs["paperRevisions"]["ofPaper"];

/** This paper's proposed changes: those waiting first, then the reviewed ones, each with its page. */
export function PaperProposalsList({ proposals, href }: { proposals: ProposalsOfPaper; href: (page: number) => string }) {
  return (
    <section aria-labelledby="paper-proposals" data-testid="paper-proposals">
      <h2 id="paper-proposals">Proposed changes ({proposals.pending} waiting)</h2>
      {proposals.total === 0 ? (
        <p className="empty">Nobody has proposed a change to this paper yet.</p>
      ) : (
        <>
          <ol className="history">
            {proposals.items.map((p) => (
              <li key={p.id} className={`history__item history__item--${p.status}`} data-testid="paper-proposal" data-status={p.status}>
                <div className="history__meta">
                  <span className={`badge badge--${p.status}`}>{p.status}</span>
                  <Link href={`/review/papers/${p.id}`}>
                    #{p.id} {p.view.headline}
                  </Link>
                  <span>
                    by <strong>{p.authorName}</strong>, {formatDateTime(p.createdAt)}
                  </span>
                </div>
                <p className="history__message">
                  {p.view.summary} <span className="muted">Why: {p.message}</span>
                </p>
                {p.reviewComment && <p className="review-comment">Reviewer: “{p.reviewComment}”</p>}
              </li>
            ))}
          </ol>
          <Pagination page={proposals.page} pageCount={proposals.pageCount} href={href} label="Pages of proposed changes" />
        </>
      )}
    </section>
  );
}
