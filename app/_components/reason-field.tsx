"use client";

import { TECHNIQUE_LIMITS } from "~/server/services/technique-input";
import { FieldError, invalidProps } from "./form-bits";

/** Every proposal (technique or paper) says why, as the reviewer reads it first: a required text of at most TECHNIQUE_LIMITS.message characters. */
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
