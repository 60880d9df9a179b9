import "server-only";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { formatDateTime } from "../_lib/format";
import { hasTrpcCode } from "../_lib/server-errors";

/**
 * The proposal a permalink names (technique or paper proposal, by `byId`); unknown or malformed
 * ids, and ones the viewer may not see, are 404s.
 */
export async function loadProposalOr404<T>(raw: string, byId: (input: { id: number }) => Promise<T>): Promise<T> {
  if (!/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) notFound();
  try {
    return await byId({ id: Number(raw) });
  } catch (error) {
    if (hasTrpcCode(error, "NOT_FOUND") || hasTrpcCode(error, "BAD_REQUEST")) notFound();
    throw error;
  }
}

/** Moderators and admins review proposals. */
export function isStaff<U extends { role: string }>(me: U | null): me is U {
  return me !== null && (me.role === "moderator" || me.role === "admin");
}

interface ProposalRecord {
  id: number;
  status: string;
  authorName: string;
  createdAt: Date | string;
  message: string;
  reviewerName: string | null;
  reviewedAt: Date | string | null;
  reviewComment: string | null;
}

/** Status, "<Label> #id by author, date" and the author's message, under the proposal's heading. */
export function ProposalByline({ proposal, label }: { proposal: ProposalRecord; label: string }) {
  return (
    <>
      <div className="history__meta">
        <span className={`badge badge--${proposal.status}`}>{proposal.status}</span>
        <span>
          {label} #{proposal.id} by <strong>{proposal.authorName}</strong>, {formatDateTime(proposal.createdAt)}
        </span>
      </div>
      <p className="history__message">
        <span className="muted">Message:</span> {proposal.message}
      </p>
    </>
  );
}

/** Below the diff: the review form for staff (or a waiting note) while pending, the review's outcome after. */
export function ProposalDecision({ proposal, reviewForm, outcomeTestId }: { proposal: ProposalRecord; reviewForm: ReactNode | null; outcomeTestId?: string }) {
  if (proposal.status === "pending") return reviewForm ?? <p className="notice notice--info">Waiting for a moderator’s review.</p>;
  return (
    <p className="review-comment" data-testid={outcomeTestId}>
      {proposal.status === "accepted" ? "Accepted" : "Rejected"}
      {proposal.reviewerName && ` by ${proposal.reviewerName}`}
      {proposal.reviewedAt && `, ${formatDateTime(proposal.reviewedAt)}`}
      {proposal.reviewComment ? `: “${proposal.reviewComment}”` : "."}
    </p>
  );
}
