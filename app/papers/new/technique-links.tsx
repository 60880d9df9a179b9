"use client";

import { useId } from "react";
import { PAPER_LIMITS } from "~/server/services/paper-input";
import { FieldError, invalidProps } from "../../_components/form-bits";
import { PAPER_RELATION_LABELS, PAPER_RELATIONS, type PaperRelation } from "../../_lib/facets";
import type { TechniqueOption } from "../../_lib/types";

export interface LinkRow {
  key: number;
  technique: string;
  /** Empty until the person picks one: there is no default relation. */
  relation: PaperRelation | "";
  note: string;
}

/** Keys are only for React; deterministic so server and client render the same ids. */
export const newLinkRow = (key = 0): LinkRow => ({ key, technique: "", relation: "", note: "" });

/** Rows of "technique + relation (+ note)" for linking a paper to the map. */
export function TechniqueLinks({
  rows,
  onChange,
  options,
  fieldErrors,
}: {
  rows: LinkRow[];
  onChange: (rows: LinkRow[]) => void;
  options: TechniqueOption[];
  fieldErrors: Record<string, string>;
}) {
  const id = useId();
  const update = (key: number, patch: Partial<LinkRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <fieldset>
      <legend>Technique links</legend>
      <p className="hint" style={{ marginBottom: "0.6rem" }}>
        Which techniques does this paper introduce, apply, extend, critique, evaluate or survey? Rows without a technique are ignored.
      </p>
      <div className="link-rows">
        {rows.map((row, i) => {
          // Errors refer to the rows sent, which skip rows without a technique.
          const sentIndex = rows.slice(0, i).filter((r) => r.technique !== "").length;
          const techniqueError = row.technique === "" ? undefined : (fieldErrors[`links.${sentIndex}.technique`] ?? fieldErrors[`links.${sentIndex}.note`]);
          const relationError = row.technique === "" ? undefined : fieldErrors[`links.${sentIndex}.relation`];
          return (
            <div key={row.key} className="link-row" role="group" aria-label={`Technique link ${i + 1}`}>
              <div className="field">
                <label htmlFor={`${id}-t-${row.key}`}>Technique</label>
                <select
                  id={`${id}-t-${row.key}`}
                  className="select"
                  value={row.technique}
                  onChange={(e) => update(row.key, { technique: e.target.value })}
                  aria-invalid={techniqueError ? true : undefined}
                  aria-describedby={techniqueError ? `${id}-t-${row.key}-err` : undefined}
                >
                  <option value="">Choose a technique…</option>
                  {options.map((o) => (
                    <option key={o.slug} value={o.slug}>
                      {o.name}
                    </option>
                  ))}
                </select>
                <FieldError id={`${id}-t-${row.key}-err`} message={techniqueError} />
              </div>
              <div className="field">
                <label htmlFor={`${id}-r-${row.key}`}>Relation</label>
                <select
                  id={`${id}-r-${row.key}`}
                  className="select"
                  value={row.relation}
                  onChange={(e) => update(row.key, { relation: PAPER_RELATIONS.find((r) => r === e.target.value) ?? "" })}
                  {...invalidProps(`${id}-r-${row.key}-err`, relationError)}
                >
                  <option value="">Choose a relation…</option>
                  {PAPER_RELATIONS.map((r) => (
                    <option key={r} value={r}>
                      {PAPER_RELATION_LABELS[r].toLowerCase()}
                    </option>
                  ))}
                </select>
                <FieldError id={`${id}-r-${row.key}-err`} message={relationError} />
              </div>
              <div className="field">
                <label htmlFor={`${id}-n-${row.key}`}>Note (optional)</label>
                <input id={`${id}-n-${row.key}`} className="input" value={row.note} maxLength={PAPER_LIMITS.note} onChange={(e) => update(row.key, { note: e.target.value })} />
              </div>
              <button type="button" className="button button--ghost button--small" onClick={() => onChange(rows.filter((r) => r.key !== row.key))} aria-label={`Remove technique link ${i + 1}`}>
                Remove
              </button>
            </div>
          );
        })}
      </div>
      <p style={{ marginTop: "0.75rem", marginBottom: 0 }}>
        <button type="button" className="button button--ghost button--small" onClick={() => onChange([...rows, newLinkRow(Math.max(-1, ...rows.map((r) => r.key)) + 1)])}>
          + Add a technique link
        </button>
      </p>
    </fieldset>
  );
}

/** Rows with a technique; a row without a relation is sent as it is, and the server's answer marks it. */
export function linksForApi(rows: LinkRow[]) {
  return rows.filter((r) => r.technique !== "").map((r) => ({ technique: r.technique, relation: r.relation as PaperRelation, note: r.note.trim() || null }));
}
