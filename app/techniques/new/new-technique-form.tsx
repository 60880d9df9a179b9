"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useMemo, useState, type FormEvent } from "react";
import { MAX_PAPERS_PER_NEW_TECHNIQUE, type NewTechnique } from "~/server/services/proposals/input";
import { TECHNIQUE_LIMITS } from "~/server/services/technique-input";
import { FocusedFormError } from "../../_components/focused-form-error";
import { FieldError, invalidProps } from "../../_components/form-bits";
import { ProposalPreview } from "../../_components/revision-diff";
import { errorInfo } from "../../_lib/errors";
import { APPROACHES, DIRECTIONS, facetLabel, PAPER_RELATION_LABELS, PAPER_RELATIONS, UNITS, type PaperRelation } from "../../_lib/facets";
import { formatAuthors } from "../../_lib/format";
import type { TechniqueOption } from "../../_lib/types";
import { useTRPC } from "../../_trpc/client";
import { ReasonField } from "../[slug]/proposal-form-bits";

/** "Activation patching (causal)" → "activation-patching-causal". */
function slugFromName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, TECHNIQUE_LIMITS.slug)
    .replace(/-+$/g, "");
}

interface PickedPaper {
  id: number;
  title: string;
  /** Empty until the person chooses: there is no default relation. */
  relation: PaperRelation | "";
}

const facet = <T extends string>(values: readonly T[], raw: string): T | null => values.find((v) => v === raw) ?? null;

/** The new-technique form: every field of a technique, parents, papers with their relation, a preview, and submit for review. */
export function NewTechniqueForm({ options }: { options: TechniqueOption[] }) {
  const trpc = useTRPC();
  const id = useId();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const [summary, setSummary] = useState("");
  const [description, setDescription] = useState("");
  const [aliases, setAliases] = useState("");
  const [approach, setApproach] = useState("");
  const [direction, setDirection] = useState("");
  const [unit, setUnit] = useState("");
  const [parents, setParents] = useState<string[]>([]);
  const [parentFilter, setParentFilter] = useState("");
  const [paperQuery, setPaperQuery] = useState("");
  const [searched, setSearched] = useState("");
  const [picked, setPicked] = useState<PickedPaper[]>([]);
  const [message, setMessage] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);

  const shownSlug = slugEdited ? slug : slugFromName(name);
  const papers = useQuery({ ...trpc.papers.list.queryOptions({ query: searched, pageSize: 8 }), enabled: searched.trim().length >= 2 });
  const preview = useMutation(trpc.revisions.preview.mutationOptions());
  const [previewedFor, setPreviewedFor] = useState<string | null>(null);
  const propose = useMutation(
    trpc.revisions.proposeCreate.mutationOptions({
      onSuccess: () => {
        preview.reset();
        setName("");
        setSlug("");
        setSlugEdited(false);
        setSummary("");
        setDescription("");
        setAliases("");
        setApproach("");
        setDirection("");
        setUnit("");
        setParents([]);
        setPicked([]);
        setMessage("");
      },
    }),
  );
  const err = propose.error ? errorInfo(propose.error) : preview.error ? errorInfo(preview.error) : null;
  const fe = (path: string): string | undefined => err?.fieldErrors[`technique.${path}`] ?? Object.entries(err?.fieldErrors ?? {}).find(([k]) => k.startsWith(`technique.${path}.`))?.[1];
  const hasFieldErrors = err !== null && Object.keys(err.fieldErrors).length > 0;
  const formError = localError ?? (err ? (hasFieldErrors ? "Please correct the marked fields." : err.message) : null);

  const names = useMemo(() => new Map(options.map((o) => [o.slug, o.name])), [options]);
  const shownOptions = options.filter((o) => {
    const q = parentFilter.trim().toLowerCase();
    return q === "" || parents.includes(o.slug) || o.name.toLowerCase().includes(q) || o.slug.includes(q);
  });

  /** The technique as the API takes it, or a message when a paper still lacks its relation. */
  function technique(): NewTechnique | string {
    const unchosen = picked.find((p) => p.relation === "");
    if (unchosen) return `Choose how “${unchosen.title}” relates to the technique (introduces, applies, extends, critiques, evaluates or surveys).`;
    return {
      slug: shownSlug,
      name: name.trim(),
      summary: summary.trim(),
      description,
      aliases: aliases
        .split(",")
        .map((a) => a.trim())
        .filter(Boolean),
      approach: facet(APPROACHES, approach),
      direction: facet(DIRECTIONS, direction),
      unit: facet(UNITS, unit),
      parents,
      papers: picked.flatMap((p) => (p.relation === "" ? [] : [{ paperId: p.id, relation: p.relation }])),
    };
  }

  function onPreview() {
    setLocalError(null);
    propose.reset();
    const t = technique();
    if (typeof t === "string") return setLocalError(t);
    setPreviewedFor(JSON.stringify(t));
    preview.mutate({ kind: "create", technique: t });
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setLocalError(null);
    preview.reset();
    const t = technique();
    if (typeof t === "string") return setLocalError(t);
    propose.mutate({ technique: t, message });
  }

  const current = technique();
  const outdated = typeof current === "string" || previewedFor !== JSON.stringify(current);

  return (
    <form className="form card" onSubmit={onSubmit} noValidate data-testid="new-technique-form">
      {propose.data && (
        <div className="notice notice--success" role="status" data-testid="proposal-sent">
          Your new technique is waiting for review: <Link href={`/review/${propose.data.id}`}>proposal #{propose.data.id}</Link>. Once a moderator accepts it, it is on the
          map at /techniques/{propose.data.slug}.
        </div>
      )}
      {/* Takes the focus after a failed submit or preview (the summary may be off screen). */}
      <FocusedFormError message={formError} attempt={localError ?? propose.error ?? preview.error} />

      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} className="input" maxLength={TECHNIQUE_LIMITS.name} value={name} onChange={(e) => setName(e.target.value)} {...invalidProps(`${id}-name-err`, fe("name"))} />
        <FieldError id={`${id}-name-err`} message={fe("name")} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-slug`}>Slug</label>
        <input
          id={`${id}-slug`}
          className="input"
          maxLength={TECHNIQUE_LIMITS.slug}
          value={shownSlug}
          onChange={(e) => {
            setSlugEdited(true);
            setSlug(e.target.value);
          }}
          {...invalidProps(`${id}-slug-err`, fe("slug"), `${id}-slug-hint`)}
        />
        <p id={`${id}-slug-hint`} className="hint">
          Its address: /techniques/{shownSlug || "…"}. Lowercase letters, digits and hyphens; made from the name unless you change it.
        </p>
        <FieldError id={`${id}-slug-err`} message={fe("slug")} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-summary`}>Summary</label>
        <input
          id={`${id}-summary`}
          className="input"
          maxLength={TECHNIQUE_LIMITS.summary}
          value={summary}
          onChange={(e) => setSummary(e.target.value)}
          {...invalidProps(`${id}-summary-err`, fe("summary"), `${id}-summary-hint`)}
        />
        <p id={`${id}-summary-hint`} className="hint">
          One line, at least 10 characters.
        </p>
        <FieldError id={`${id}-summary-err`} message={fe("summary")} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>Description (optional)</label>
        <textarea
          id={`${id}-description`}
          className="textarea"
          rows={8}
          maxLength={TECHNIQUE_LIMITS.description}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          {...invalidProps(`${id}-description-err`, fe("description"), `${id}-description-hint`)}
        />
        <p id={`${id}-description-hint`} className="hint">
          Markdown with tables and footnotes; maths as $inline$ or $$display$$; cite papers as [@citekey].
        </p>
        <FieldError id={`${id}-description-err`} message={fe("description")} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-aliases`}>Aliases (optional)</label>
        <input
          id={`${id}-aliases`}
          className="input"
          value={aliases}
          onChange={(e) => setAliases(e.target.value)}
          {...invalidProps(`${id}-aliases-err`, fe("aliases"), `${id}-aliases-hint`)}
        />
        <p id={`${id}-aliases-hint`} className="hint">
          Other names, comma separated (at most {TECHNIQUE_LIMITS.aliases}).
        </p>
        <FieldError id={`${id}-aliases-err`} message={fe("aliases")} />
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
            <select id={`${id}-${key}`} className="select" value={value} onChange={(e) => set(e.target.value)}>
              <option value="">not specified</option>
              {values.map((v) => (
                <option key={v} value={v}>
                  {facetLabel(v)}
                </option>
              ))}
            </select>
          </div>
        ))}
      </div>

      <fieldset>
        <legend>Parents (“kind of”)</legend>
        <p className="hint" id={`${id}-parents-hint`}>
          {parents.length === 0 ? "No parent: a top-level technique." : `A kind of: ${parents.map((p) => names.get(p) ?? p).join(", ")}`}
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
        <FieldError id={`${id}-parents-err`} message={fe("parents")} />
      </fieldset>

      <fieldset>
        <legend>Papers</legend>
        <p className="hint">Find papers already on MechMap by title or author, add them, and say how each relates to the technique.</p>
        <div className="relation-row">
          <label htmlFor={`${id}-paper-search`} className="visually-hidden">
            Search papers
          </label>
          <input
            id={`${id}-paper-search`}
            className="input"
            type="search"
            placeholder="Search papers…"
            value={paperQuery}
            onChange={(e) => setPaperQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                setSearched(paperQuery.trim());
              }
            }}
            style={{ flex: "1 1 16rem" }}
          />
          <button type="button" className="button button--ghost" onClick={() => setSearched(paperQuery.trim())}>
            Find papers
          </button>
        </div>
        {searched.length >= 2 && (
          <div aria-live="polite">
            {papers.isLoading ? (
              <p className="muted">Searching…</p>
            ) : papers.data && papers.data.items.length === 0 ? (
              <p className="muted">No paper matches “{searched}”. <Link href="/papers/new">Add the paper</Link> first, then come back.</p>
            ) : (
              <ul className="paper-picks" aria-label="Matching papers">
                {papers.data?.items.map((p) => {
                  const already = picked.some((x) => x.id === p.id);
                  return (
                    <li key={p.id} className="paper-pick">
                      <span className="paper-pick__title">
                        {p.title} <span className="muted">· {formatAuthors(p.authors)}{p.year !== null && ` · ${p.year}`}</span>
                      </span>
                      <button
                        type="button"
                        className="button button--ghost button--small"
                        disabled={already || picked.length >= MAX_PAPERS_PER_NEW_TECHNIQUE}
                        onClick={() => setPicked((ps) => [...ps, { id: p.id, title: p.title, relation: "" }])}
                        aria-label={`Add “${p.title}”`}
                      >
                        {already ? "Added" : "Add"}
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
          </div>
        )}
        {picked.length > 0 && (
          <ul className="paper-picks" aria-label="Papers of the new technique">
            {picked.map((p) => (
              <li key={p.id} className="paper-pick" data-testid="picked-paper">
                <span className="paper-pick__title">{p.title}</span>
                <div className="field">
                  <label htmlFor={`${id}-rel-${p.id}`} className="visually-hidden">
                    How “{p.title}” relates to the technique
                  </label>
                  <select
                    id={`${id}-rel-${p.id}`}
                    className="select"
                    value={p.relation}
                    aria-invalid={localError !== null && p.relation === "" ? true : undefined}
                    onChange={(e) => setPicked((ps) => ps.map((x) => (x.id === p.id ? { ...x, relation: PAPER_RELATIONS.find((r) => r === e.target.value) ?? "" } : x)))}
                  >
                    <option value="">The paper… (choose)</option>
                    {PAPER_RELATIONS.map((r) => (
                      <option key={r} value={r}>
                        {PAPER_RELATION_LABELS[r].toLowerCase()}
                      </option>
                    ))}
                  </select>
                </div>
                <button type="button" className="button button--ghost button--small" onClick={() => setPicked((ps) => ps.filter((x) => x.id !== p.id))} aria-label={`Remove “${p.title}”`}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        <FieldError id={`${id}-papers-err`} message={fe("papers")} />
      </fieldset>

      <ReasonField id={id} label="Why should the map have it? (required)" value={message} onChange={setMessage} error={err?.fieldErrors.message} rows={3} />
      <div className="actions">
        <button type="button" className="button button--ghost" onClick={onPreview} disabled={preview.isPending}>
          {preview.isPending ? "Rendering the preview…" : "Preview"}
        </button>
        <button type="submit" className="button" disabled={propose.isPending}>
          {propose.isPending ? "Submitting…" : "Submit for review"}
        </button>
      </div>
      {preview.data && <ProposalPreview preview={preview.data} outdated={outdated} />}
    </form>
  );
}
