"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { PAPER_LIMITS, type PaperMetadataChanges } from "~/server/services/papers/paper-revisions-input";
import { FieldError, invalidProps } from "../../_components/form-bits";
import { FocusedFormError } from "../../_components/focused-form-error";
import { ReasonField } from "../../_components/reason-field";
import { errorInfo } from "../../_lib/errors";
import { useTRPC } from "../../_trpc/client";
import { PaperProposalSent } from "./paper-proposal-sent";

/** The paper's details as the form edits them. */
export interface PaperFields {
  title: string;
  authors: string[];
  year: number | null;
  venue: string | null;
  abstract: string;
  arxivId: string | null;
  doi: string | null;
  url: string | null;
  bibtex: string | null;
}

type Text = Record<"title" | "authors" | "year" | "venue" | "abstract" | "arxivId" | "doi" | "url" | "bibtex", string>;

const asText = (p: PaperFields): Text => ({
  title: p.title,
  authors: p.authors.join("\n"),
  year: p.year === null ? "" : String(p.year),
  venue: p.venue ?? "",
  abstract: p.abstract,
  arxivId: p.arxivId ?? "",
  doi: p.doi ?? "",
  url: p.url ?? "",
  bibtex: p.bibtex ?? "",
});

const authorList = (text: string) =>
  text
    .split("\n")
    .map((a) => a.trim())
    .filter((a) => a.length > 0);

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
  const set = (field: keyof Text) => (value: string) => setValues((v) => ({ ...v, [field]: value }));

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
  const field = (key: keyof Text, label: string, max: number, extra: { placeholder?: string; type?: string; inputMode?: "numeric" } = {}) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input id={`${id}-${key}`} className="input" value={values[key]} maxLength={max} onChange={(e) => set(key)(e.target.value)} {...extra} {...invalidProps(`${id}-${key}-err`, fe(key))} />
      <FieldError id={`${id}-${key}-err`} message={fe(key)} />
    </div>
  );

  return (
    <form className="form card" onSubmit={onSubmit} noValidate data-testid="paper-metadata-form" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} className="proposal__subhead">
        Correct the details
      </h3>
      <p className="muted">Change what is wrong; a moderator checks the correction before it replaces the paper’s details. The cite key stays as it is.</p>
      {propose.data && <PaperProposalSent id={propose.data.id} what="correction" />}
      <FocusedFormError message={formError} attempt={propose.error ?? localError} />
      {field("title", "Title", PAPER_LIMITS.title)}
      <div className="field">
        <label htmlFor={`${id}-authors`}>Authors</label>
        <textarea
          id={`${id}-authors`}
          className="textarea"
          rows={4}
          value={values.authors}
          maxLength={PAPER_LIMITS.authors * (PAPER_LIMITS.author + 1)}
          onChange={(e) => set("authors")(e.target.value)}
          {...invalidProps(`${id}-authors-err`, fe("authors"), `${id}-authors-hint`)}
        />
        <p id={`${id}-authors-hint`} className="hint">
          One per line, in the paper’s order.
        </p>
        <FieldError id={`${id}-authors-err`} message={fe("authors")} />
      </div>
      <div className="field-row">
        {field("year", "Year", 4, { inputMode: "numeric" })}
        {field("venue", "Venue", PAPER_LIMITS.venue, { placeholder: "e.g. NeurIPS 2023" })}
      </div>
      <div className="field-row">
        {field("arxivId", "arXiv id", PAPER_LIMITS.arxivId, { placeholder: "2310.01405" })}
        {field("doi", "DOI", PAPER_LIMITS.doi, { placeholder: "10.18653/v1/…" })}
      </div>
      {field("url", "URL", PAPER_LIMITS.url, { type: "url", placeholder: "https://…" })}
      <div className="field">
        <label htmlFor={`${id}-abstract`}>Abstract</label>
        <textarea id={`${id}-abstract`} className="textarea" rows={6} value={values.abstract} maxLength={PAPER_LIMITS.abstract} onChange={(e) => set("abstract")(e.target.value)} {...invalidProps(`${id}-abstract-err`, fe("abstract"))} />
        <FieldError id={`${id}-abstract-err`} message={fe("abstract")} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-bibtex`}>BibTeX (optional)</label>
        <textarea
          id={`${id}-bibtex`}
          className="textarea"
          rows={4}
          value={values.bibtex}
          maxLength={PAPER_LIMITS.bibtex}
          onChange={(e) => set("bibtex")(e.target.value)}
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
