"use client";

import { useEffect, useId, useState, type ReactNode } from "react";
import type { TechniqueOption } from "../../_lib/types";
import { PaperLinkForm } from "./paper-link-form";
import { PaperMetadataForm, type PaperFields } from "./paper-metadata-form";

type Panel = "edit" | "link";
const PANELS: ReadonlyArray<{ key: Panel; label: string }> = [
  { key: "edit", label: "Edit" },
  { key: "link", label: "Link to a technique" },
];

/**
 * Ways to propose a change to this paper, each collapsed behind its button so the page stays
 * short; #propose-edit or #propose-link in the URL opens one.
 */
export function ProposePaperChanges({ paperId, current, options }: { paperId: number; current: PaperFields; options: TechniqueOption[] }) {
  const id = useId();
  const [open, setOpen] = useState<Panel | null>(null);
  useEffect(() => {
    const match = /^#propose-(edit|link)$/.exec(window.location.hash);
    if (match) setOpen(match[1] as Panel);
  }, []);
  const panels: Record<Panel, ReactNode> = {
    edit: <PaperMetadataForm paperId={paperId} current={current} />,
    link: <PaperLinkForm paperId={paperId} options={options} />,
  };
  return (
    <div className="propose-changes" data-testid="propose-paper-changes">
      <div className="propose-changes__buttons" role="group" aria-label="Propose a change to this paper">
        {PANELS.map((p) => (
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
      {PANELS.map((p) => (
        <div key={p.key} id={`${id}-${p.key}`} hidden={open !== p.key} className="propose-changes__panel">
          {open === p.key && panels[p.key]}
        </div>
      ))}
    </div>
  );
}
