"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "../_trpc/client";
import { ReviewDecisionForm } from "./review-decision-form";

/** Accept / Reject with an optional comment for one pending proposal (of any kind). */
export function ReviewActions({ revisionId, slug, ownEdit }: { revisionId: number; slug: string; ownEdit: boolean }) {
  const trpc = useTRPC();
  const review = useMutation(trpc.revisions.review.mutationOptions());
  return (
    <ReviewDecisionForm
      revisionId={revisionId}
      what="proposal"
      ownProposal={ownEdit}
      review={review}
      openLink={(outcome) => (outcome.slug || slug) && outcome.status === "accepted" && <Link href={`/techniques/${outcome.slug || slug}`}>Open the technique</Link>}
    />
  );
}
