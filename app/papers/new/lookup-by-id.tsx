"use client";

import { useMutation } from "@tanstack/react-query";
import { useId, useState, type KeyboardEvent } from "react";
import type { LookedUpPaper } from "~/server/services/papers/metadata-lookup";
import { invalidProps } from "../../_components/form-bits";
import { errorInfo } from "../../_lib/errors";

/** The paper form's fields a look-up fills. */
export type FilledPaperFields = Omit<LookedUpPaper, "source" | "primaryCategory">;

const SOURCE_NAMES: Record<LookedUpPaper["source"], string> = { arxiv: "arXiv", crossref: "Crossref" };
/** The server's limit for the identifier. */
const MAX_IDENTIFIER = 300;

/**
 * "Fill from arXiv / DOI": an identifier box inside the paper form (not a form of its own: forms
 * cannot nest). Enter or the button looks the paper up; the fields come back through `onFill`.
 * `lookup` is the tRPC call (paperLookup.lookup), passed in by the form.
 */
export function LookupById({ lookup, onFill }: { lookup: (identifier: string) => Promise<LookedUpPaper>; onFill: (fields: FilledPaperFields) => void }) {
  const id = useId();
  const [identifier, setIdentifier] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: (value: string) => lookup(value),
    onSuccess: ({ source: _source, primaryCategory: _primary, ...fields }) => onFill(fields),
  });
  const error = localError ?? (run.error ? errorInfo(run.error).message : null);

  function start() {
    const value = identifier.trim();
    setLocalError(null);
    if (!value) {
      setLocalError("Give an arXiv id (like 2406.11717) or a DOI (like 10.1162/coli_a_00422).");
      return;
    }
    run.mutate(value);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    // Enter looks the paper up instead of submitting the paper form around this box.
    if (e.key === "Enter") {
      e.preventDefault();
      if (!run.isPending) start();
    }
  }

  return (
    <div className="field" data-testid="paper-lookup">
      <label htmlFor={`${id}-identifier`}>Fill from arXiv / DOI</label>
      <div className="actions">
        <input
          id={`${id}-identifier`}
          className="input"
          value={identifier}
          maxLength={MAX_IDENTIFIER}
          placeholder="2406.11717 or 10.1162/coli_a_00422"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setIdentifier(e.target.value)}
          onKeyDown={onKeyDown}
          {...invalidProps(`${id}-error`, error ?? undefined, `${id}-hint`)}
        />
        <button type="button" className="button button--ghost" onClick={start} disabled={run.isPending} aria-busy={run.isPending || undefined}>
          {run.isPending ? "Looking up…" : "Fill the form"}
        </button>
      </div>
      <p id={`${id}-hint`} className="hint">
        An arXiv id, a DOI, or a link to either. The fields below are replaced with what arXiv or Crossref has; check them before adding the paper.
      </p>
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      )}
      <p role="status" className="muted" data-testid="paper-lookup-status">
        {run.isPending ? "Looking the paper up…" : run.isSuccess ? `Filled from ${SOURCE_NAMES[run.data.source]}: “${run.data.title}”. Check the fields below.` : ""}
      </p>
    </div>
  );
}
