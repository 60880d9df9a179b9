"use client";

import Link from "next/link";
import { useEffect, useRef } from "react";
import { FormError } from "../../_components/form-bits";

/** The form's error summary; it takes the focus when it appears, so an error off screen is still heard and seen. */
export function FocusedFormError({ message }: { message: string | null }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message) ref.current?.focus();
  }, [message]);
  return (
    <div ref={ref} tabIndex={-1} className="form-error-anchor">
      <FormError message={message} />
    </div>
  );
}

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
