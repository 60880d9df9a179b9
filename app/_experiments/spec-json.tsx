"use client";

import { useId, useState } from "react";
import type { Json, SpecIssue } from "./spec-draft";

/**
 * The spec as JSON beside the form. Read-only by default (it follows the form); "Edit JSON" turns
 * it into a text box whose every parseable change flows back into the form.
 */
export function SpecJson({ draft, issues, onChange }: { draft: Json; issues: readonly SpecIssue[]; onChange: (next: Json) => void }) {
  const id = useId();
  const pretty = JSON.stringify(draft, null, 2);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(pretty);
  const [syntax, setSyntax] = useState<string | null>(null);

  function startEditing() {
    setText(pretty);
    setSyntax(null);
    setEditing(true);
  }

  return (
    <section className="spec-json" aria-labelledby={`${id}-h`} data-testid="spec-json">
      <div className="spec-json__head">
        <h3 id={`${id}-h`}>Spec (JSON)</h3>
        <button type="button" className="button button--ghost button--small" aria-pressed={editing} onClick={() => (editing ? setEditing(false) : startEditing())}>
          {editing ? "Done editing JSON" : "Edit JSON"}
        </button>
      </div>
      {editing ? (
        <>
          <label htmlFor={`${id}-text`} className="visually-hidden">
            Spec JSON
          </label>
          <textarea
            id={`${id}-text`}
            className="textarea textarea--code spec-json__text"
            spellCheck={false}
            value={text}
            rows={24}
            aria-invalid={syntax ? true : undefined}
            aria-describedby={syntax ? `${id}-syntax` : undefined}
            onChange={(e) => {
              setText(e.target.value);
              try {
                onChange(JSON.parse(e.target.value) as Json);
                setSyntax(null);
              } catch (error) {
                setSyntax(`Not valid JSON yet (${error instanceof Error ? error.message : "parse error"}) — the form keeps the last valid spec.`);
              }
            }}
          />
          {syntax && (
            <p id={`${id}-syntax`} className="field-error">
              {syntax}
            </p>
          )}
        </>
      ) : (
        <pre className="code-block spec-json__view" tabIndex={0} aria-label="Spec JSON (read-only)">
          {pretty}
        </pre>
      )}
      <div aria-live="polite" data-testid="spec-status">
        {issues.length === 0 ? (
          <p className="spec-json__ok">✓ The spec is valid.</p>
        ) : (
          <>
            <p className="spec-json__bad">
              {issues.length === 1 ? "1 problem" : `${issues.length} problems`} in the spec:
            </p>
            <ul className="spec-json__issues" data-testid="spec-issues">
              {issues.map((i) => (
                <li key={`${i.path}: ${i.message}`}>
                  <code>{i.path}</code>: {i.message}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}
