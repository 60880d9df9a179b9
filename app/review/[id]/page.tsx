import type { Metadata } from "next";
import Link from "next/link";
import { cache } from "react";
import { api } from "~/server/trpc/server-caller";
import { CommentThread } from "../../_components/comments/comment-thread";
import { RevisionDiff } from "../../_components/revision-diff";
import { PROPOSAL_KIND_LABELS } from "../proposal-kind";
import { isStaff, loadProposalOr404, ProposalByline, ProposalDecision } from "../proposal-page-parts";
import { ReviewActions } from "../review-actions";

interface Props {
  params: Promise<{ id: string }>;
}

/** One proposal per request (metadata and page); another author's proposal is a 404 for non-staff. */
const loadProposal = cache(async (raw: string) => {
  const caller = await api();
  return loadProposalOr404(raw, (input) => caller.revisions.byId(input));
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
  const staff = isStaff(me);
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
      <ProposalByline proposal={proposal} label="Proposal" />
      <RevisionDiff view={proposal.view} showPreview />
      <ProposalDecision proposal={proposal} reviewForm={staff ? <ReviewActions revisionId={proposal.id} slug={proposal.slug ?? ""} ownEdit={proposal.authorId === me.id} /> : null} />
      <CommentThread target="revision" id={proposal.id} />
    </article>
  );
}
