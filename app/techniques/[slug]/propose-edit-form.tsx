"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useMemo, useState, type FormEvent } from "react";
import { TECHNIQUE_LIMITS, type TechniqueChanges } from "~/server/services/technique-input";
import { FocusedFormError } from "../../_components/focused-form-error";
import { FieldError, invalidProps } from "../../_components/form-bits";
import { ProposalPreview } from "../../_components/revision-diff";
import { errorInfo } from "../../_lib/errors";
import { APPROACHES, DIRECTIONS, facetLabel, UNITS } from "../../_lib/facets";
import type { TechniqueOption } from "../../_lib/types";
import { ReasonField } from "./proposal-form-bits";
import { useTRPC } from "../../_trpc/client";

interface Current {
  name: string;
  summary: string;
  description: string;
  aliases: string[];
  approach: TechniqueChanges["approach"];
  direction: TechniqueChanges["direction"];
  unit: TechniqueChanges["unit"];
  parents: string[];
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

function splitAliases(text: string): string[] {
  return text
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
}

function parseFacet<T extends string>(values: readonly T[], raw: string): T | null {
  return values.find((v) => v === raw) ?? null;
}

/** The edit form for signed-in members. Only changed fields are sent; "Preview" shows the diff and rendered description first; a moderator reviews the edit. */
export function ProposeEditForm({ slug, current, options }: { slug: string; current: Current; options: TechniqueOption[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  const [name, setName] = useState(current.name);
  const [summary, setSummary] = useState(current.summary);
  const [description, setDescription] = useState(current.description);
  const [aliases, setAliases] = useState(current.aliases.join(", "));
  const [approach, setApproach] = useState<string>(current.approach ?? "");
  const [direction, setDirection] = useState<string>(current.direction ?? "");
  const [unit, setUnit] = useState<string>(current.unit ?? "");
  const [parents, setParents] = useState<string[]>(current.parents);
  const [parentFilter, setParentFilter] = useState("");
  const [message, setMessage] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const preview = useMutation(trpc.revisions.preview.mutationOptions());
  const [previewedFor, setPreviewedFor] = useState<string | null>(null);

  const propose = useMutation(
    trpc.revisions.propose.mutationOptions({
      onSuccess: () => {
        setDone(true);
        // The proposal is recorded (and listed as pending in the history): the form goes back to the
        // technique as it stands, so a second click cannot send the same edit again.
        resetToCurrent();
        preview.reset();
        router.refresh();
      },
    }),
  );
  const err = propose.error ? errorInfo(propose.error) : null;

  function resetToCurrent() {
    setName(current.name);
    setSummary(current.summary);
    setDescription(current.description);
    setAliases(current.aliases.join(", "));
    setApproach(current.approach ?? "");
    setDirection(current.direction ?? "");
    setUnit(current.unit ?? "");
    setParents(current.parents);
    setMessage("");
  }

  const fe = (field: string): string | undefined => err?.fieldErrors[field];
  const hasFieldErrors = err !== null && Object.keys(err.fieldErrors).length > 0;

  const names = useMemo(() => new Map(options.map((o) => [o.slug, o.name])), [options]);
  const shownOptions = options.filter((o) => {
    const q = parentFilter.trim().toLowerCase();
    return q === "" || parents.includes(o.slug) || o.name.toLowerCase().includes(q) || o.slug.includes(q);
  });

  function changes(): TechniqueChanges {
    const c: TechniqueChanges = {};
    if (name.trim() !== current.name) c.name = name.trim();
    if (summary.trim() !== current.summary) c.summary = summary.trim();
    if (description !== current.description) c.description = description;
    const newAliases = splitAliases(aliases);
    if (!sameSet(newAliases, current.aliases)) c.aliases = newAliases;
    const a = parseFacet(APPROACHES, approach);
    if (a !== current.approach) c.approach = a;
    const d = parseFacet(DIRECTIONS, direction);
    if (d !== current.direction) c.direction = d;
    const u = parseFacet(UNITS, unit);
    if (u !== current.unit) c.unit = u;
    if (!sameSet(parents, current.parents)) c.parents = parents;
    return c;
  }

  function onPreview() {
    setLocalError(null);
    const c = changes();
    if (Object.keys(c).length === 0) {
      setLocalError("Change at least one field to see a preview.");
      return;
    }
    setPreviewedFor(JSON.stringify(c));
    preview.mutate({ kind: "edit", slug, changes: c });
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setLocalError(null);
    setDone(false);
    const c = changes();
    if (Object.keys(c).length === 0) {
      setLocalError("Change at least one field before proposing an edit.");
      return;
    }
    propose.mutate({ slug, changes: c, message });
  }

  // After a successful proposal, Submit stays off until a field differs from the technique again.
  const unchanged = Object.keys(changes()).length === 0;
  const submitDisabled = propose.isPending || (done && unchanged);
  const previewError = preview.error ? errorInfo(preview.error) : null;
  const formError = localError ?? (err && !hasFieldErrors ? err.message : err ? "Please correct the marked fields." : (previewError?.message ?? null));

  return (
    <form className="form card" onSubmit={onSubmit} noValidate aria-describedby={`${id}-intro`} data-testid="propose-edit-form">
      <p id={`${id}-intro`} className="muted">
        Change any fields and say why. A moderator reviews every edit before it appears on MechMap.
      </p>
      {done && (
        <div className="notice notice--success" role="status" data-testid="propose-success">
          Your edit is waiting for review. It is listed as pending in the revision history above. The form is back to the current version; change a field to propose
          another edit.
        </div>
      )}
      {/* Takes the focus after a failed submit or preview (the summary may be off screen). */}
      <FocusedFormError message={formError} attempt={localError ?? propose.error ?? preview.error} />

      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} className="input" maxLength={TECHNIQUE_LIMITS.name} value={name} onChange={(e) => setName(e.target.value)} {...invalidProps(`${id}-name-err`, fe("changes.name"))} />
        <FieldError id={`${id}-name-err`} message={fe("changes.name")} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-summary`}>Summary</label>
        <input
          id={`${id}-summary`}
          className="input"
          maxLength={TECHNIQUE_LIMITS.summary}
          value={summary}
          onChange={(e) => setSummary(e.target.value)}
          {...invalidProps(`${id}-summary-err`, fe("changes.summary"), `${id}-summary-hint`)}
        />
        <p id={`${id}-summary-hint`} className="hint">
          One line, at least 10 characters.
        </p>
        <FieldError id={`${id}-summary-err`} message={fe("changes.summary")} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea
          id={`${id}-description`}
          className="textarea"
          rows={8}
          maxLength={TECHNIQUE_LIMITS.description}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          {...invalidProps(`${id}-description-err`, fe("changes.description"), `${id}-description-hint`)}
        />
        <p id={`${id}-description-hint`} className="hint">
          Markdown; write maths as $inline$ or $$display$$.
        </p>
        <FieldError id={`${id}-description-err`} message={fe("changes.description")} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-aliases`}>Aliases</label>
        <input
          id={`${id}-aliases`}
          className="input"
          value={aliases}
          onChange={(e) => setAliases(e.target.value)}
          {...invalidProps(`${id}-aliases-err`, fe("changes.aliases"), `${id}-aliases-hint`)}
        />
        <p id={`${id}-aliases-hint`} className="hint">
          Comma separated.
        </p>
        <FieldError id={`${id}-aliases-err`} message={fe("changes.aliases") ?? Object.entries(err?.fieldErrors ?? {}).find(([k]) => k.startsWith("changes.aliases."))?.[1]} />
      </div>
      <div className="field-row">
        {(
          [
            ["approach", "Approach", APPROACHES, approach, setApproach],
            ["direction", "Direction", DIRECTIONS, direction, setDirection],
            ["unit", "Unit", UNITS, unit, setUnit],
          ] as const
        ).map(([key, label, values, value, set]) => (
          <div className="field" key={key}>
            <label htmlFor={`${id}-${key}`}>{label}</label>
            <select id={`${id}-${key}`} className="select" value={value} onChange={(e) => set(e.target.value)} {...invalidProps(`${id}-${key}-err`, fe(`changes.${key}`))}>
              <option value="">—</option>
              {values.map((v) => (
                <option key={v} value={v}>
                  {facetLabel(v)}
                </option>
              ))}
            </select>
            <FieldError id={`${id}-${key}-err`} message={fe(`changes.${key}`)} />
          </div>
        ))}
      </div>
      <fieldset>
        <legend>Parents (“kind of”)</legend>
        <p className="hint" id={`${id}-parents-hint`}>
          {parents.length === 0 ? "No parent: a top-level technique." : `Selected: ${parents.map((p) => names.get(p) ?? p).join(", ")}`}
        </p>
        <label htmlFor={`${id}-parent-filter`} className="visually-hidden">
          Filter parent techniques
        </label>
        <input
          id={`${id}-parent-filter`}
          className="input"
          type="search"
          placeholder="Filter techniques…"
          value={parentFilter}
          onChange={(e) => setParentFilter(e.target.value)}
          style={{ margin: "0.5rem 0" }}
        />
        <div className="checklist" role="group" aria-describedby={`${id}-parents-hint`} style={{ maxHeight: "12rem", overflowY: "auto" }}>
          {shownOptions.map((o) => (
            <label key={o.slug} className="check">
              <input
                type="checkbox"
                checked={parents.includes(o.slug)}
                onChange={(e) => setParents((ps) => (e.target.checked ? [...ps, o.slug] : ps.filter((p) => p !== o.slug)))}
              />
              {o.name}
            </label>
          ))}
          {shownOptions.length === 0 && <p className="muted">No technique matches.</p>}
        </div>
        <FieldError id={`${id}-parents-err`} message={fe("changes.parents") ?? Object.entries(err?.fieldErrors ?? {}).find(([k]) => k.startsWith("changes.parents."))?.[1]} />
      </fieldset>
      <ReasonField id={id} label="Why this edit? (required)" value={message} onChange={setMessage} error={fe("message")} rows={3} required />
      <div className="actions">
        <button type="button" className="button button--ghost" onClick={onPreview} disabled={preview.isPending}>
          {preview.isPending ? "Rendering the preview…" : "Preview"}
        </button>
        <button type="submit" className="button" disabled={submitDisabled}>
          {propose.isPending ? "Submitting…" : "Submit for review"}
        </button>
      </div>
      {preview.data && !done && <ProposalPreview preview={preview.data} outdated={previewedFor !== JSON.stringify(changes())} />}
    </form>
  );
}
