import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { api } from "~/server/trpc/server-caller";
import { CommentThread } from "../../../_components/comments/comment-thread";
import { formatDateTime } from "../../../_lib/format";
import { hasTrpcCode } from "../../../_lib/server-errors";
import { PAPER_PROPOSAL_KIND_LABELS } from "../../paper-proposals";
import { PaperReviewActions } from "../../paper-review-actions";
import { PaperRevisionDiff } from "../../paper-revision-diff";

interface Props {
  params: Promise<{ id: string }>;
}

/** One proposal per request (metadata and page); unknown or malformed ids are 404s. */
const loadProposal = cache(async (raw: string) => {
  if (!/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) notFound();
  const caller = await api();
  try {
    return await caller.paperRevisions.byId({ id: Number(raw) });
  } catch (error) {
    if (hasTrpcCode(error, "NOT_FOUND") || hasTrpcCode(error, "BAD_REQUEST")) notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const proposal = await loadProposal((await params).id);
  return { title: `Paper proposal #${proposal.id}: ${proposal.view.headline}` };
}

/** A paper proposal's permalink: what it changes (word diff or link), its outcome or the review form, and its discussion. */
export default async function PaperProposalPage({ params }: Props) {
  const proposal = await loadProposal((await params).id);
  const me = await (await api()).users.me();
  const staff = me !== null && (me.role === "moderator" || me.role === "admin");
  return (
    <article className="page page--narrow proposal-page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        {staff ? <Link href="/review">Review</Link> : <Link href="/papers">Papers</Link>}
        {" / "}
        <Link href={`/papers/${proposal.paperId}`}>{proposal.paperTitle}</Link>
      </nav>
      <h1>
        <span className="badge badge--kind">{PAPER_PROPOSAL_KIND_LABELS[proposal.kind]}</span> {proposal.view.headline}
      </h1>
      <div className="history__meta">
        <span className={`badge badge--${proposal.status}`}>{proposal.status}</span>
        <span>
          Paper proposal #{proposal.id} by <strong>{proposal.authorName}</strong>, {formatDateTime(proposal.createdAt)}
        </span>
      </div>
      <p className="history__message">
        <span className="muted">Message:</span> {proposal.message}
      </p>
      <PaperRevisionDiff view={proposal.view} />
      {proposal.status === "pending" ? (
        staff ? (
          <PaperReviewActions revisionId={proposal.id} paperId={proposal.paperId} ownProposal={proposal.authorId === me.id} />
        ) : (
          <p className="notice notice--info">Waiting for a moderator’s review.</p>
        )
      ) : (
        <p className="review-comment" data-testid="paper-proposal-outcome">
          {proposal.status === "accepted" ? "Accepted" : "Rejected"}
          {proposal.reviewerName && ` by ${proposal.reviewerName}`}
          {proposal.reviewedAt && `, ${formatDateTime(proposal.reviewedAt)}`}
          {proposal.reviewComment ? `: “${proposal.reviewComment}”` : "."}
        </p>
      )}
      <CommentThread target="paper_revision" id={proposal.id} />
    </article>
  );
}
