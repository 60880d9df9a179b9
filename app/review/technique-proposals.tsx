import Link from "next/link";
import { RevisionDiff } from "../_components/revision-diff";
import { formatDateTime, plural } from "../_lib/format";
import type { PendingRevision } from "../_lib/types";
import { PROPOSAL_KIND_LABELS } from "./proposal-kind";
import { ReviewActions } from "./review-actions";

/** One page of the technique proposals waiting for review: each in words, with its diffs, preview, discussion link and the decision form. */
export function TechniqueProposals({ pending, viewerId }: { pending: PendingRevision[]; viewerId: string }) {
  if (pending.length === 0) {
    return (
      <p className="empty" data-testid="review-empty">
        No proposals are waiting for review.
      </p>
    );
  }
  return (
    <ol className="history" data-testid="review-queue">
      {pending.map((rev) => (
        <li key={rev.id} className="history__item history__item--pending card" data-testid="review-item" data-kind={rev.kind}>
          <h2 className="proposal__title">
            <span className="badge badge--kind">{PROPOSAL_KIND_LABELS[rev.kind]}</span>{" "}
            {rev.kind === "edit" && rev.slug ? <Link href={`/techniques/${rev.slug}`}>{rev.techniqueName}</Link> : rev.view.headline}{" "}
            <span className="muted">
              · <Link href={`/review/${rev.id}`}>proposal #{rev.id}</Link>
            </span>
          </h2>
          <div className="history__meta">
            <span>
              by <strong>{rev.authorName}</strong>, {formatDateTime(rev.createdAt)}
            </span>
            {rev.kind !== "edit" && rev.kind !== "create" && rev.slug && (
              <span>
                · from <Link href={`/techniques/${rev.slug}`}>{rev.techniqueName}</Link>
              </span>
            )}
          </div>
          <p className="history__message">
            <span className="muted">Message:</span> {rev.message}
          </p>
          <RevisionDiff view={rev.view} showPreview />
          <p className="proposal__discussion-link">
            <Link href={`/review/${rev.id}#discussion`}>{rev.comments === 0 ? "Discuss this proposal" : `Discussion (${plural(rev.comments, "comment")})`}</Link>
          </p>
          <ReviewActions revisionId={rev.id} slug={rev.slug ?? ""} ownEdit={rev.authorId === viewerId} />
        </li>
      ))}
    </ol>
  );
}
