"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";
import { FocusedFormError } from "../_components/focused-form-error";
import { errorInfo } from "../_lib/errors";
import { useTRPC } from "../_trpc/client";

/** Accept / Reject with an optional comment for one pending paper proposal. */
export function PaperReviewActions({ revisionId, paperId, ownProposal }: { revisionId: number; paperId: number; ownProposal: boolean }) {
  const trpc = useTRPC();
  const id = useId();
  const [comment, setComment] = useState("");
  // The reviewed item stays on screen with its outcome (no refresh), so the moderator sees what happened.
  const review = useMutation(trpc.paperRevisions.review.mutationOptions());
  const err = review.error ? errorInfo(review.error) : null;

  if (review.data) {
    return (
      <div className={`notice ${review.data.status === "accepted" ? "notice--success" : ""}`} role="status" style={{ marginTop: "0.75rem" }}>
        Paper proposal #{review.data.id} {review.data.status}. <Link href={`/papers/${paperId}`}>Open the paper</Link>
      </div>
    );
  }
  return (
    <form className="form" style={{ marginTop: "0.9rem" }} onSubmit={(e) => e.preventDefault()} aria-label={`Review paper proposal #${revisionId}`}>
      <FocusedFormError message={err?.message ?? null} attempt={review.error} />
      <div className="field">
        <label htmlFor={`${id}-comment`}>Comment for the author (optional)</label>
        <textarea id={`${id}-comment`} className="textarea" rows={2} value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)} />
      </div>
      {ownProposal && <p className="hint">This is your own proposal: another moderator has to accept it. You may still reject (withdraw) it.</p>}
      <div className="actions">
        <button type="button" className="button button--success" disabled={review.isPending || ownProposal} onClick={() => review.mutate({ revisionId, decision: "accept", comment })}>
          Accept
        </button>
        <button type="button" className="button button--danger" disabled={review.isPending} onClick={() => review.mutate({ revisionId, decision: "reject", comment })}>
          Reject
        </button>
        {review.isPending && <span className="muted">Saving…</span>}
      </div>
    </form>
  );
}
