/** Small pieces shared by forms: an error line tied to its field, and a form-level message. */

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error">
      {message}
    </p>
  );
}

export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div className="notice notice--error" role="alert">
      {message}
    </div>
  );
}

/** Props for an input that may carry an error: aria-invalid plus aria-describedby pointing at the error line. */
export function invalidProps(errorId: string, message: string | undefined, hintId?: string) {
  const describedBy = [message ? errorId : null, hintId ?? null].filter(Boolean).join(" ");
  return { "aria-invalid": message ? true : undefined, "aria-describedby": describedBy || undefined };
}
