"use client";

import { useId, useState, type FormEvent, type KeyboardEvent } from "react";
import { FocusedFormError } from "../focused-form-error";
import { FieldError, invalidProps } from "../form-bits";
import { errorInfo } from "../../_lib/errors";

interface Props {
  /** Visible label of the text box, e.g. "Your comment" or "Reply to Ada". */
  label: string;
  submitLabel: string;
  initial?: string;
  maxChars: number;
  pending: boolean;
  error: unknown;
  onSubmit: (body: string) => Promise<unknown>;
  onCancel?: () => void;
  autoFocus?: boolean;
  testId?: string;
}

/** A comment box: markdown with $maths$, a character count, Ctrl+Enter sends, Escape cancels. */
export function CommentForm({ label, submitLabel, initial = "", maxChars, pending, error, onSubmit, onCancel, autoFocus, testId }: Props) {
  const id = useId();
  const [body, setBody] = useState(initial);
  const err = error ? errorInfo(error) : null;
  const fieldError = err?.fieldErrors.body;
  const over = body.length > maxChars;
  // A text longer than the limit can only come from `initial`; the box refuses more typing.
  const localError = over ? `At most ${maxChars.toLocaleString("en")} characters.` : undefined;

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (pending || over || body.trim() === "") return;
    try {
      await onSubmit(body);
      setBody("");
    } catch {
      // Shown through `error`; the text stays so nothing typed is lost.
    }
  }

  function onKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    } else if (e.key === "Escape" && onCancel) {
      e.preventDefault();
      onCancel();
    }
  }

  return (
    <form className="comment-form" onSubmit={(e) => void submit(e)} data-testid={testId}>
      <label htmlFor={`${id}-body`} className="label">
        {label}
      </label>
      <textarea
        id={`${id}-body`}
        className="input comment-form__text"
        rows={4}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={onKey}
        autoFocus={autoFocus}
        required
        maxLength={Math.max(maxChars, initial.length)}
        {...invalidProps(`${id}-error`, localError, `${id}-hint`)}
        aria-invalid={localError || fieldError ? true : undefined}
      />
      <p id={`${id}-hint`} className="hint">
        Markdown and $maths$. Ctrl+Enter sends{onCancel ? ", Escape cancels" : ""}.{" "}
        <span className={over ? "field-error" : undefined}>
          {body.length.toLocaleString("en")} / {maxChars.toLocaleString("en")}
        </span>
      </p>
      <FieldError id={`${id}-error`} message={localError} />
      {/* The server's refusal takes the focus, so it is heard even when the box is the last thing on screen. */}
      <FocusedFormError message={err ? (fieldError ?? err.message) : null} attempt={error} />
      <div className="comment-form__actions">
        <button type="submit" className="button button--small" disabled={pending || over || body.trim() === ""}>
          {pending ? "Sending…" : submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="button button--small button--ghost" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
