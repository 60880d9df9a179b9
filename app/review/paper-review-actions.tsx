"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "../_trpc/client";
import { ReviewDecisionForm } from "./review-decision-form";

/** Accept / Reject with an optional comment for one pending paper proposal. */
export function PaperReviewActions({ revisionId, paperId, ownProposal }: { revisionId: number; paperId: number; ownProposal: boolean }) {
  const trpc = useTRPC();
  const review = useMutation(trpc.paperRevisions.review.mutationOptions());
  return <ReviewDecisionForm revisionId={revisionId} what="paper proposal" ownProposal={ownProposal} review={review} openLink={() => <Link href={`/papers/${paperId}`}>Open the paper</Link>} />;
}
