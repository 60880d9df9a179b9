"use client";

import { useEffect, useRef } from "react";
import { FormError } from "./form-bits";

/**
 * A form's error summary; it takes the focus when it appears (and again on every failed submit
 * when `attempt` changes, e.g. the mutation's error object), so an error off screen is still seen
 * and heard instead of the focus falling to the page's body.
 */
export function FocusedFormError({ message, attempt }: { message: string | null; attempt?: unknown }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message) ref.current?.focus();
  }, [message, attempt]);
  return (
    <div ref={ref} tabIndex={-1} className="form-error-anchor" data-testid="form-error-summary">
      <FormError message={message} />
    </div>
  );
}
