"use client";

import Link from "next/link";

/** "Proposal #12 is waiting for review", with its permalink (where it can be discussed). */
export function ProposalSent({ id, what }: { id: number; what: string }) {
  return (
    <div className="notice notice--success" role="status" data-testid="proposal-sent">
      Your {what} is waiting for review: <Link href={`/review/${id}`}>proposal #{id}</Link>. It is listed as pending in the revision history, and you can discuss it on its page.
    </div>
  );
}

/** The first message among field errors whose path starts with `prefix` (e.g. "add.0."). */
export function firstFieldError(fieldErrors: Record<string, string>, prefix: string): string | undefined {
  return Object.entries(fieldErrors).find(([k]) => k === prefix || k.startsWith(`${prefix}.`))?.[1];
}

// Shared with the paper proposal forms.
export { ReasonField } from "../../_components/reason-field";
