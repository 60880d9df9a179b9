"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { PAPER_LIMITS, type PaperMetadataChanges } from "~/server/services/papers/paper-revisions-input";
import type { PaperDetails } from "~/server/services/papers/paper-details";
import { FieldError, invalidProps } from "../../_components/form-bits";
import { FocusedFormError } from "../../_components/focused-form-error";
import { ReasonField } from "../../_components/reason-field";
import { errorInfo } from "../../_lib/errors";
import { useTRPC } from "../../_trpc/client";
import { authorList, PaperDetailInputs, paperDetailsText, type PaperDetailsText } from "../paper-detail-inputs";
import { PaperProposalSent } from "./paper-proposal-sent";

/** The paper's details as the form edits them. */
export interface PaperFields extends PaperDetails {
  bibtex: string | null;
}

type Text = PaperDetailsText & { bibtex: string };

const asText = (p: PaperFields): Text => ({ ...paperDetailsText(p), bibtex: p.bibtex ?? "" });

/** A correction of the paper's details: the form starts from the current values and sends only what changed. */
export function PaperMetadataForm({ paperId, current }: { paperId: number; current: PaperFields }) {
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  const initial = asText(current);
  const [values, setValues] = useState<Text>(initial);
  const [message, setMessage] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const propose = useMutation(
    trpc.paperRevisions.proposeMetadata.mutationOptions({
      onSuccess: () => {
        setMessage("");
        router.refresh();
      },
    }),
  );
  const err = propose.error ? errorInfo(propose.error) : null;
  const fe = (field: string) => err?.fieldErrors[`changes.${field}`] ?? Object.entries(err?.fieldErrors ?? {}).find(([k]) => k.startsWith(`changes.${field}.`))?.[1];
  const set = (field: keyof Text, value: string) => setValues((v) => ({ ...v, [field]: value }));

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setLocalError(null);
    const changes: PaperMetadataChanges = {};
    const changed = (field: keyof Text) => values[field].trim() !== initial[field].trim();
    if (changed("title")) changes.title = values.title;
    if (authorList(values.authors).join("\n") !== current.authors.join("\n")) changes.authors = authorList(values.authors);
    if (changed("year")) {
      const y = values.year.trim();
      if (y !== "" && !/^\d{4}$/.test(y)) {
        setLocalError("Give the year as four digits, e.g. 2023, or leave it empty.");
        return;
      }
      changes.year = y === "" ? null : Number(y);
    }
    if (changed("venue")) changes.venue = values.venue;
    if (changed("abstract")) changes.abstract = values.abstract;
    if (changed("arxivId")) changes.arxivId = values.arxivId;
    if (changed("doi")) changes.doi = values.doi;
    if (changed("url")) changes.url = values.url;
    if (changed("bibtex")) changes.bibtex = values.bibtex;
    if (Object.keys(changes).length === 0) {
      setLocalError("Change at least one field first: every field still has the paper’s current value.");
      return;
    }
    propose.mutate({ paperId, changes, message });
  }

  const hasFieldErrors = err !== null && Object.keys(err.fieldErrors).some((k) => k.startsWith("changes."));
  const formError = localError ?? (err ? (hasFieldErrors ? "Please correct the marked fields." : err.message) : null);
  return (
    <form className="form card" onSubmit={onSubmit} noValidate data-testid="paper-metadata-form" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} className="proposal__subhead">
        Correct the details
      </h3>
      <p className="muted">Change what is wrong; a moderator checks the correction before it replaces the paper’s details. The cite key stays as it is.</p>
      {propose.data && <PaperProposalSent id={propose.data.id} what="correction" />}
      <FocusedFormError message={formError} attempt={propose.error ?? localError} />
      <PaperDetailInputs id={id} values={values} onChange={set} errorFor={fe} authorsHint="One per line, in the paper’s order." />
      <div className="field">
        <label htmlFor={`${id}-bibtex`}>BibTeX (optional)</label>
        <textarea
          id={`${id}-bibtex`}
          className="textarea"
          rows={4}
          value={values.bibtex}
          maxLength={PAPER_LIMITS.bibtex}
          onChange={(e) => set("bibtex", e.target.value)}
          {...invalidProps(`${id}-bibtex-err`, fe("bibtex"), `${id}-bibtex-hint`)}
        />
        <p id={`${id}-bibtex-hint`} className="hint">
          Leave empty to generate it from the fields above.
        </p>
        <FieldError id={`${id}-bibtex-err`} message={fe("bibtex")} />
      </div>
      <ReasonField id={id} label="Why? (required)" value={message} onChange={setMessage} error={err?.fieldErrors.message} />
      <div className="actions">
        <button type="submit" className="button" disabled={propose.isPending}>
          {propose.isPending ? "Submitting…" : "Propose the correction"}
        </button>
      </div>
    </form>
  );
}
