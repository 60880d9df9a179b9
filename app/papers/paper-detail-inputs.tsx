"use client";

import { PAPER_LIMITS } from "~/server/services/paper-input";
import type { PaperDetails } from "~/server/services/papers/paper-details";
import { FieldError, invalidProps } from "../_components/form-bits";

/** The details as the inputs hold them: authors one per line, empty strings for missing values. */
export type PaperDetailsText = Record<keyof PaperDetails, string>;

export const EMPTY_PAPER_DETAILS: PaperDetailsText = { title: "", authors: "", year: "", venue: "", abstract: "", arxivId: "", doi: "", url: "" };

export const paperDetailsText = (p: PaperDetails): PaperDetailsText => ({
  title: p.title,
  authors: p.authors.join("\n"),
  year: p.year === null ? "" : String(p.year),
  venue: p.venue ?? "",
  abstract: p.abstract,
  arxivId: p.arxivId ?? "",
  doi: p.doi ?? "",
  url: p.url ?? "",
});

/** The authors box's lines, trimmed, without empty ones. */
export const authorList = (text: string) =>
  text
    .split("\n")
    .map((a) => a.trim())
    .filter((a) => a.length > 0);

/**
 * Title, authors, year and venue, identifiers, URL and abstract: the inputs of a new paper and of a
 * correction. `errorFor` gives a field's message from the server; `authorsHint` the line under Authors.
 */
export function PaperDetailInputs({
  id,
  values,
  onChange,
  errorFor,
  authorsHint,
  titleRequired = false,
  wideVenue = false,
}: {
  id: string;
  values: PaperDetailsText;
  onChange: (field: keyof PaperDetails, value: string) => void;
  errorFor: (field: keyof PaperDetails) => string | undefined;
  authorsHint: string;
  titleRequired?: boolean;
  wideVenue?: boolean;
}) {
  const input = (key: keyof PaperDetails, label: string, max: number, extra: { placeholder?: string; type?: string; inputMode?: "numeric"; required?: boolean; style?: { gridColumn: string } } = {}) => {
    const { style, ...attributes } = extra;
    return (
      <div className="field" style={style}>
        <label htmlFor={`${id}-${key}`}>{label}</label>
        <input id={`${id}-${key}`} className="input" value={values[key]} maxLength={max} onChange={(e) => onChange(key, e.target.value)} {...attributes} {...invalidProps(`${id}-${key}-err`, errorFor(key))} />
        <FieldError id={`${id}-${key}-err`} message={errorFor(key)} />
      </div>
    );
  };
  return (
    <>
      {input("title", "Title", PAPER_LIMITS.title, titleRequired ? { required: true } : {})}
      <div className="field">
        <label htmlFor={`${id}-authors`}>Authors</label>
        <textarea
          id={`${id}-authors`}
          className="textarea"
          rows={4}
          value={values.authors}
          maxLength={PAPER_LIMITS.authors * (PAPER_LIMITS.author + 1)}
          onChange={(e) => onChange("authors", e.target.value)}
          {...invalidProps(`${id}-authors-err`, errorFor("authors"), `${id}-authors-hint`)}
        />
        <p id={`${id}-authors-hint`} className="hint">
          {authorsHint}
        </p>
        <FieldError id={`${id}-authors-err`} message={errorFor("authors")} />
      </div>
      <div className="field-row">
        {input("year", "Year", 4, { inputMode: "numeric" })}
        {input("venue", "Venue", PAPER_LIMITS.venue, { placeholder: "e.g. NeurIPS 2023", ...(wideVenue ? { style: { gridColumn: "span 2" } } : {}) })}
      </div>
      <div className="field-row">
        {input("arxivId", "arXiv id", PAPER_LIMITS.arxivId, { placeholder: "2310.01405" })}
        {input("doi", "DOI", PAPER_LIMITS.doi, { placeholder: "10.18653/v1/…" })}
      </div>
      {input("url", "URL", PAPER_LIMITS.url, { type: "url", placeholder: "https://…" })}
      <div className="field">
        <label htmlFor={`${id}-abstract`}>Abstract</label>
        <textarea
          id={`${id}-abstract`}
          className="textarea"
          rows={6}
          value={values.abstract}
          maxLength={PAPER_LIMITS.abstract}
          onChange={(e) => onChange("abstract", e.target.value)}
          {...invalidProps(`${id}-abstract-err`, errorFor("abstract"))}
        />
        <FieldError id={`${id}-abstract-err`} message={errorFor("abstract")} />
      </div>
    </>
  );
}
