"use client";

import { useEffect, useId, useState, type ReactNode } from "react";
import { getAt, issuesAt, type Json, type Path, type SpecIssue } from "./spec-draft";
import { isTypedNumber, numberOrText } from "./typed-number";

/** Inputs bound to one path of the spec draft, each showing the engine's messages for that path beside it. */
export interface Bound {
  draft: Json;
  issues: readonly SpecIssue[];
  set: (path: Path, value: Json | undefined) => void;
}

export function IssueLines({ id, messages }: { id: string; messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <ul id={id} className="field-error spec-issues" data-testid="spec-field-error">
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

/** aria-invalid and aria-describedby for a field with these messages (and hint). */
export function described(errorId: string, messages: string[], hintId?: string) {
  const ids = [messages.length > 0 ? errorId : null, hintId ?? null].filter(Boolean).join(" ");
  return { "aria-invalid": messages.length > 0 ? true : undefined, "aria-describedby": ids || undefined };
}

/** Below a field: its hint, then the engine's messages for it (ids match `described`). */
export function FieldNotes({ id, hint, messages }: { id: string; hint?: string | undefined; messages: string[] }) {
  return (
    <>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <IssueLines id={`${id}-err`} messages={messages} />
    </>
  );
}

/**
 * A number typed as text: a well-formed number is stored as a number, anything else as the text
 * itself, so the engine's message ("must be a whole number, got text …") appears next to it.
 * Empty removes the field, so the engine's default applies.
 */
export function NumberField({ b, path, label, hint, nested = false, placeholder }: { b: Bound; path: Path; label: string; hint?: string; nested?: boolean; placeholder?: string }) {
  const id = useId();
  const value = getAt(b.draft, path);
  const shown = value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value);
  const [text, setText] = useState(shown);
  // Follow changes made elsewhere (the JSON view), but keep what is being typed ("0." stays "0.").
  useEffect(() => {
    setText((t) => (t.trim() === shown || (isTypedNumber(t) && Number(t) === value) ? t : shown));
  }, [shown, value]);
  const messages = issuesAt(b.issues, path, nested);
  return (
    <div className="field field--compact">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className="input"
        inputMode="decimal"
        value={text}
        placeholder={placeholder}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          const trimmed = t.trim();
          b.set(path, trimmed === "" ? undefined : numberOrText(trimmed));
        }}
        {...described(`${id}-err`, messages, hint ? `${id}-hint` : undefined)}
      />
      <FieldNotes id={id} hint={hint} messages={messages} />
    </div>
  );
}

export function TextField({ b, path, label, hint, multiline = false, nested = false }: { b: Bound; path: Path; label: string; hint?: string; multiline?: boolean; nested?: boolean }) {
  const id = useId();
  const value = getAt(b.draft, path);
  const messages = issuesAt(b.issues, path, nested);
  const props = {
    id,
    value: typeof value === "string" ? value : value === undefined || value === null ? "" : JSON.stringify(value),
    ...described(`${id}-err`, messages, hint ? `${id}-hint` : undefined),
  };
  return (
    <div className="field field--compact">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea className="textarea" rows={3} {...props} onChange={(e) => b.set(path, e.target.value)} />
      ) : (
        <input className="input" {...props} onChange={(e) => b.set(path, e.target.value)} />
      )}
      <FieldNotes id={id} hint={hint} messages={messages} />
    </div>
  );
}

/** One prompt per line ↔ a list of strings. Empty removes the field (the engine's default). */
export function LinesField({ b, path, label, hint, keepEmpty = false }: { b: Bound; path: Path; label: string; hint?: string; keepEmpty?: boolean }) {
  const id = useId();
  const value = getAt(b.draft, path);
  const lines = Array.isArray(value) ? value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join("\n") : "";
  const messages = issuesAt(b.issues, path, true);
  return (
    <div className="field field--compact">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        className="textarea"
        rows={3}
        value={lines}
        onChange={(e) => {
          const list = e.target.value.split("\n");
          b.set(path, e.target.value === "" && !keepEmpty ? undefined : list);
        }}
        {...described(`${id}-err`, messages, hint ? `${id}-hint` : undefined)}
      />
      <FieldNotes id={id} hint={hint} messages={messages} />
    </div>
  );
}

export function CheckField({ b, path, label, defaultValue }: { b: Bound; path: Path; label: string; defaultValue: boolean }) {
  const id = useId();
  const value = getAt(b.draft, path);
  const messages = issuesAt(b.issues, path);
  return (
    <div className="field field--compact">
      <label className="check" htmlFor={id}>
        <input id={id} type="checkbox" checked={typeof value === "boolean" ? value : defaultValue} onChange={(e) => b.set(path, e.target.checked)} {...described(`${id}-err`, messages)} /> {label}
      </label>
      <IssueLines id={`${id}-err`} messages={messages} />
    </div>
  );
}

export function SelectField({
  b,
  path,
  label,
  options,
  defaultValue,
  onPick,
}: {
  b: Bound;
  path: Path;
  label: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  defaultValue: string;
  /** Instead of writing the value at `path` (e.g. to replace a whole object). */
  onPick?: (value: string) => void;
}) {
  const id = useId();
  const value = getAt(b.draft, path);
  const messages = issuesAt(b.issues, path);
  return (
    <div className="field field--compact">
      <label htmlFor={id}>{label}</label>
      <select id={id} className="select" value={typeof value === "string" ? value : defaultValue} onChange={(e) => (onPick ? onPick(e.target.value) : b.set(path, e.target.value))} {...described(`${id}-err`, messages)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <IssueLines id={`${id}-err`} messages={messages} />
    </div>
  );
}

/** A titled group whose messages about the group as a whole (not its fields) show under the title. */
export function Group({ b, path, legend, children, testId }: { b: Bound; path: Path; legend: string; children: ReactNode; testId?: string }) {
  const id = useId();
  const messages = issuesAt(b.issues, path);
  return (
    <fieldset className="spec-group" data-testid={testId}>
      <legend>{legend}</legend>
      <IssueLines id={`${id}-err`} messages={messages} />
      {children}
    </fieldset>
  );
}
