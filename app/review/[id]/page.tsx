import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { api } from "~/server/trpc/server-caller";
import { CommentThread } from "../../_components/comments/comment-thread";
import { RevisionDiff } from "../../_components/revision-diff";
import { formatDateTime } from "../../_lib/format";
import { hasTrpcCode } from "../../_lib/server-errors";
import { PROPOSAL_KIND_LABELS } from "../proposal-kind";
import { ReviewActions } from "../review-actions";

interface Props {
  params: Promise<{ id: string }>;
}

/** One proposal per request (metadata and page); unknown, malformed or not-yours ids are 404s. */
const loadProposal = cache(async (raw: string) => {
  if (!/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) notFound();
  const caller = await api();
  try {
    return await caller.revisions.byId({ id: Number(raw) });
  } catch (error) {
    if (hasTrpcCode(error, "NOT_FOUND") || hasTrpcCode(error, "BAD_REQUEST")) notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const proposal = await loadProposal((await params).id);
  return { title: `Proposal #${proposal.id}: ${proposal.view.headline}` };
}

/** A proposal's permalink: what it changes (diffs, preview), its outcome or the review form, and its discussion. */
export default async function ProposalPage({ params }: Props) {
  const proposal = await loadProposal((await params).id);
  const caller = await api();
  const me = await caller.users.me();
  const staff = me !== null && (me.role === "moderator" || me.role === "admin");
  return (
    <article className="page page--narrow proposal-page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        {staff ? <Link href="/review">Review</Link> : <Link href="/">Map</Link>}
        {proposal.slug && (
          <>
            {" / "}
            <Link href={`/techniques/${proposal.slug}`}>{proposal.techniqueName}</Link>
          </>
        )}
      </nav>
      <h1>
        <span className="badge badge--kind">{PROPOSAL_KIND_LABELS[proposal.kind]}</span> {proposal.kind === "edit" && proposal.techniqueName ? `Edit of ‘${proposal.techniqueName}’` : proposal.view.headline}
      </h1>
      <div className="history__meta">
        <span className={`badge badge--${proposal.status}`}>{proposal.status}</span>
        <span>
          Proposal #{proposal.id} by <strong>{proposal.authorName}</strong>, {formatDateTime(proposal.createdAt)}
        </span>
      </div>
      <p className="history__message">
        <span className="muted">Message:</span> {proposal.message}
      </p>
      <RevisionDiff view={proposal.view} showPreview />
      {proposal.status === "pending" ? (
        staff ? (
          <ReviewActions revisionId={proposal.id} slug={proposal.slug ?? ""} ownEdit={proposal.authorId === me.id} />
        ) : (
          <p className="notice notice--info">Waiting for a moderator’s review.</p>
        )
      ) : (
        <p className="review-comment">
          {proposal.status === "accepted" ? "Accepted" : "Rejected"}
          {proposal.reviewerName && ` by ${proposal.reviewerName}`}
          {proposal.reviewedAt && `, ${formatDateTime(proposal.reviewedAt)}`}
          {proposal.reviewComment ? `: “${proposal.reviewComment}”` : "."}
        </p>
      )}
      <CommentThread target="revision" id={proposal.id} />
    </article>
  );
}
