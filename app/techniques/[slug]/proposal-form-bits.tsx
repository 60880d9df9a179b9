"use client";

import Link from "next/link";
import { TECHNIQUE_LIMITS } from "~/server/services/technique-input";
import { FieldError, invalidProps } from "../../_components/form-bits";

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

/** Every proposal says why (the reviewer reads it first): a required text of at most TECHNIQUE_LIMITS.message characters. */
export function ReasonField({ id, label, value, onChange, error, rows = 2, required = false }: { id: string; label: string; value: string; onChange: (value: string) => void; error: string | undefined; rows?: number; required?: boolean }) {
  return (
    <div className="field">
      <label htmlFor={`${id}-message`}>{label}</label>
      <textarea
        id={`${id}-message`}
        className="textarea"
        rows={rows}
        required={required}
        maxLength={TECHNIQUE_LIMITS.message}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        {...invalidProps(`${id}-message-err`, error)}
      />
      <FieldError id={`${id}-message-err`} message={error} />
    </div>
  );
}
