import type { Metadata } from "next";
import Link from "next/link";
import { cache } from "react";
import { api } from "~/server/trpc/server-caller";
import { CommentThread } from "../../../_components/comments/comment-thread";
import { PAPER_PROPOSAL_KIND_LABELS } from "../../paper-proposals";
import { PaperReviewActions } from "../../paper-review-actions";
import { PaperRevisionDiff } from "../../paper-revision-diff";
import { isStaff, loadProposalOr404, ProposalByline, ProposalDecision } from "../../proposal-page-parts";

interface Props {
  params: Promise<{ id: string }>;
}

/** One proposal per request (metadata and page). */
const loadProposal = cache(async (raw: string) => {
  const caller = await api();
  return loadProposalOr404(raw, (input) => caller.paperRevisions.byId(input));
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const proposal = await loadProposal((await params).id);
  return { title: `Paper proposal #${proposal.id}: ${proposal.view.headline}` };
}

/** A paper proposal's permalink: what it changes (word diff or link), its outcome or the review form, and its discussion. */
export default async function PaperProposalPage({ params }: Props) {
  const proposal = await loadProposal((await params).id);
  const me = await (await api()).users.me();
  const staff = isStaff(me);
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
      <ProposalByline proposal={proposal} label="Paper proposal" />
      <PaperRevisionDiff view={proposal.view} />
      <ProposalDecision
        proposal={proposal}
        reviewForm={staff ? <PaperReviewActions revisionId={proposal.id} paperId={proposal.paperId} ownProposal={proposal.authorId === me.id} /> : null}
        outcomeTestId="paper-proposal-outcome"
      />
      <CommentThread target="paper_revision" id={proposal.id} />
    </article>
  );
}
