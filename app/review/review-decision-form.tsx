"use client";

import { useId, useState, type ReactNode } from "react";
import { FocusedFormError } from "../_components/focused-form-error";
import { errorInfo } from "../_lib/errors";

export interface ReviewDecision {
  revisionId: number;
  decision: "accept" | "reject";
  comment: string;
}

/** What the form needs of a review mutation (technique or paper proposals: both take a ReviewDecision). */
interface ReviewMutation<TData> {
  data: TData | undefined;
  error: unknown;
  isPending: boolean;
  mutate: (input: ReviewDecision) => void;
}

/**
 * Accept / Reject with an optional comment for one pending proposal; `what` names the proposal
 * ("proposal", "paper proposal") and `openLink` points to what the outcome changed.
 */
export function ReviewDecisionForm<TData extends { id: number; status: string }>({
  revisionId,
  what,
  ownProposal,
  review,
  openLink,
}: {
  revisionId: number;
  what: string;
  ownProposal: boolean;
  review: ReviewMutation<TData>;
  openLink: (outcome: TData) => ReactNode;
}) {
  const id = useId();
  const [comment, setComment] = useState("");
  const err = review.error ? errorInfo(review.error) : null;

  // The reviewed item stays on screen with its outcome (no refresh), so the moderator sees what happened.
  if (review.data) {
    return (
      <div className={`notice ${review.data.status === "accepted" ? "notice--success" : ""}`} role="status" style={{ marginTop: "0.75rem" }}>
        {what.charAt(0).toUpperCase() + what.slice(1)} #{review.data.id} {review.data.status}.{" "}
        {openLink(review.data)}
      </div>
    );
  }
  return (
    <form className="form" style={{ marginTop: "0.9rem" }} onSubmit={(e) => e.preventDefault()} aria-label={`Review ${what} #${revisionId}`}>
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
