"use client";

import { useEffect, useId, useState, type ReactNode } from "react";

export interface ProposalPanel {
  /** Also the URL fragment that opens the panel: #propose-<key>. */
  key: string;
  label: string;
  content: ReactNode;
}

/**
 * Ways to propose a change to a page's subject, each collapsed behind its button so the page stays
 * short; #propose-<key> in the URL opens one.
 */
export function ProposalPanels({ panels, label, testId }: { panels: ReadonlyArray<ProposalPanel>; label: string; testId?: string }) {
  const id = useId();
  const [open, setOpen] = useState<string | null>(null);
  const keys = panels.map((p) => p.key).join(",");
  useEffect(() => {
    const key = window.location.hash.replace(/^#propose-/, "");
    if (keys.split(",").includes(key)) setOpen(key);
  }, [keys]);
  return (
    <div className="propose-changes" data-testid={testId}>
      <div className="propose-changes__buttons" role="group" aria-label={label}>
        {panels.map((p) => (
          <button
            key={p.key}
            type="button"
            className={`button ${open === p.key ? "" : "button--ghost"}`}
            aria-expanded={open === p.key}
            aria-controls={`${id}-${p.key}`}
            onClick={() => setOpen((o) => (o === p.key ? null : p.key))}
          >
            {p.label}
          </button>
        ))}
      </div>
      {panels.map((p) => (
        <div key={p.key} id={`${id}-${p.key}`} hidden={open !== p.key} className="propose-changes__panel">
          {open === p.key && p.content}
        </div>
      ))}
    </div>
  );
}
