"use client";

import { useEffect, useId, useState, type ReactNode } from "react";
import type { TechniqueOption } from "../../_lib/types";
import { ProposeEditForm } from "./propose-edit-form";
import { ProposeMergeForm } from "./propose-merge-form";
import { ProposeRelationsForm, type ExistingRelation } from "./propose-relations-form";
import { ProposeRenameForm } from "./propose-rename-form";

type Panel = "edit" | "relations" | "merge" | "rename";
const PANELS: ReadonlyArray<{ key: Panel; label: string }> = [
  { key: "edit", label: "Edit" },
  { key: "relations", label: "Propose a relation" },
  { key: "merge", label: "Propose merge" },
  { key: "rename", label: "Rename" },
];

/**
 * Ways to propose a change to this technique, each collapsed behind its button so the page stays
 * short; #propose-edit (or -relations, -merge, -rename) in the URL opens one.
 */
export function ProposeChanges(props: {
  slug: string;
  name: string;
  current: Parameters<typeof ProposeEditForm>[0]["current"];
  options: TechniqueOption[];
  relations: ExistingRelation[];
}) {
  const id = useId();
  const [open, setOpen] = useState<Panel | null>(null);
  useEffect(() => {
    const match = /^#propose-(edit|relations|merge|rename)$/.exec(window.location.hash);
    if (match) setOpen(match[1] as Panel);
  }, []);
  const panels: Record<Panel, ReactNode> = {
    edit: <ProposeEditForm slug={props.slug} current={props.current} options={props.options} />,
    relations: <ProposeRelationsForm slug={props.slug} name={props.name} options={props.options} existing={props.relations} />,
    merge: <ProposeMergeForm slug={props.slug} name={props.name} options={props.options} />,
    rename: <ProposeRenameForm slug={props.slug} name={props.name} />,
  };
  return (
    <div className="propose-changes">
      <div className="propose-changes__buttons" role="group" aria-label="Propose a change">
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
