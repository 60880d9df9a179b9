"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";
import { FocusedFormError } from "../_components/focused-form-error";
import { errorInfo } from "../_lib/errors";
import { useTRPC } from "../_trpc/client";

/** Accept / Reject with an optional comment for one pending proposal (of any kind). */
export function ReviewActions({ revisionId, slug, ownEdit }: { revisionId: number; slug: string; ownEdit: boolean }) {
  const trpc = useTRPC();
  const id = useId();
  const [comment, setComment] = useState("");
  // The reviewed item stays on screen with its outcome (no refresh), so the moderator sees what happened.
  const review = useMutation(trpc.revisions.review.mutationOptions());
  const err = review.error ? errorInfo(review.error) : null;

  if (review.data) {
    return (
      <div className={`notice ${review.data.status === "accepted" ? "notice--success" : ""}`} role="status" style={{ marginTop: "0.75rem" }}>
        Proposal #{review.data.id} {review.data.status}.{" "}
        {(review.data.slug || slug) && review.data.status === "accepted" && <Link href={`/techniques/${review.data.slug || slug}`}>Open the technique</Link>}
      </div>
    );
  }
  return (
    <form
      className="form"
      style={{ marginTop: "0.9rem" }}
      onSubmit={(e) => e.preventDefault()}
      aria-label={`Review proposal #${revisionId}`}
    >
      <FocusedFormError message={err?.message ?? null} attempt={review.error} />
      <div className="field">
        <label htmlFor={`${id}-comment`}>Comment for the author (optional)</label>
        <textarea id={`${id}-comment`} className="textarea" rows={2} value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)} />
      </div>
      {ownEdit && <p className="hint">This is your own proposal: another moderator has to accept it. You may still reject (withdraw) it.</p>}
      <div className="actions">
        <button
          type="button"
          className="button button--success"
          disabled={review.isPending || ownEdit}
          onClick={() => review.mutate({ revisionId, decision: "accept", comment })}
        >
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
