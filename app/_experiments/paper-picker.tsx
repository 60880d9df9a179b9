"use client";

import { useQuery } from "@tanstack/react-query";
import { useDeferredValue, useId, useState } from "react";
import { formatAuthors } from "../_lib/format";
import { useTRPC } from "../_trpc/client";

export interface PickedPaper {
  id: number;
  title: string;
  year: number | null;
}

/** Search the papers on MechMap and pick the ones the experiment builds on. */
export function PaperPicker({ picked, onChange, error }: { picked: PickedPaper[]; onChange: (p: PickedPaper[]) => void; error?: string }) {
  const id = useId();
  const trpc = useTRPC();
  const [query, setQuery] = useState("");
  const deferred = useDeferredValue(query.trim());
  const results = useQuery({ ...trpc.papers.list.queryOptions({ query: deferred, pageSize: 8 }), enabled: deferred.length >= 2 });
  return (
    <fieldset className="spec-group" data-testid="paper-picker">
      <legend>Papers it builds on</legend>
      {error && <p className="field-error">{error}</p>}
      {picked.length > 0 ? (
        <ul className="plain-list picked-list" aria-label="Chosen papers">
          {picked.map((p) => (
            <li key={p.id}>
              {p.title} {p.year !== null && <span className="muted">({p.year})</span>}{" "}
              <button type="button" className="button button--ghost button--small" onClick={() => onChange(picked.filter((x) => x.id !== p.id))} aria-label={`Remove paper ${p.title}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">None chosen.</p>
      )}
      <div className="field field--compact">
        <label htmlFor={`${id}-q`}>Search papers</label>
        <input id={`${id}-q`} type="search" className="input" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Title, author or abstract" />
      </div>
      <div aria-live="polite">
        {deferred.length >= 2 && results.isLoading && <p className="loading-state">Searching…</p>}
        {results.data && results.data.items.length === 0 && <p className="empty">No paper matches “{deferred}”.</p>}
        {results.data && results.data.items.length > 0 && (
          <ul className="plain-list search-results" aria-label="Matching papers">
            {results.data.items.map((p) => {
              const already = picked.some((x) => x.id === p.id);
              return (
                <li key={p.id}>
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    disabled={already}
                    onClick={() => onChange([...picked, { id: p.id, title: p.title, year: p.year }])}
                    aria-label={already ? `${p.title} (chosen)` : `Add paper ${p.title}`}
                  >
                    {already ? "Chosen" : "Add"}
                  </button>{" "}
                  {p.title} <span className="muted">— {formatAuthors(p.authors, 3)}{p.year !== null ? `, ${p.year}` : ""}</span>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </fieldset>
  );
}

/** Checkboxes for the techniques the experiment exercises, with a filter (the list is long). */
export function TechniquePicker({ options, picked, onChange, error }: { options: Array<{ slug: string; name: string }>; picked: string[]; onChange: (s: string[]) => void; error?: string }) {
  const id = useId();
  const [filter, setFilter] = useState("");
  const f = filter.trim().toLowerCase();
  const shown = options.filter((o) => picked.includes(o.slug) || f === "" || o.name.toLowerCase().includes(f) || o.slug.includes(f));
  return (
    <fieldset className="spec-group" data-testid="technique-picker">
      <legend>Techniques it exercises</legend>
      {error && <p className="field-error">{error}</p>}
      <div className="field field--compact">
        <label htmlFor={`${id}-filter`}>Filter techniques</label>
        <input id={`${id}-filter`} type="search" className="input" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="e.g. steering" />
      </div>
      <ul className="plain-list technique-checks">
        {shown.map((o) => (
          <li key={o.slug}>
            <label className="check">
              <input type="checkbox" checked={picked.includes(o.slug)} onChange={(e) => onChange(e.target.checked ? [...picked, o.slug] : picked.filter((s) => s !== o.slug))} /> {o.name}
            </label>
          </li>
        ))}
      </ul>
      <p className="hint">{picked.length === 1 ? "1 technique chosen." : `${picked.length} techniques chosen.`}</p>
    </fieldset>
  );
}
