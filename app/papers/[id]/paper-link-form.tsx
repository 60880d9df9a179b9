"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useMemo, useState, type FormEvent } from "react";
import { PAPER_LIMITS } from "~/server/services/papers/paper-revisions-input";
import { FieldError, invalidProps } from "../../_components/form-bits";
import { FocusedFormError } from "../../_components/focused-form-error";
import { ReasonField } from "../../_components/reason-field";
import { errorInfo } from "../../_lib/errors";
import { PAPER_RELATION_LABELS, PAPER_RELATIONS, type PaperRelation } from "../../_lib/facets";
import type { TechniqueOption } from "../../_lib/types";
import { useTRPC } from "../../_trpc/client";
import { PaperProposalSent } from "./paper-proposal-sent";

/** What each relation means, so the choice is an informed one (there is no default). */
const RELATION_HINTS: Record<PaperRelation, string> = {
  introduces: "the paper proposes the technique",
  applies: "the paper uses the technique",
  extends: "the paper builds a variant or an improvement",
  critiques: "the paper points out limits or failures",
  evaluates: "the paper measures how well it works",
  surveys: "the paper reviews it among others",
};

const fold = (s: string) =>
  s
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();

/** Propose linking this paper to a technique: pick the technique (with a search) and how the paper relates to it. */
export function PaperLinkForm({ paperId, options }: { paperId: number; options: TechniqueOption[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  const [search, setSearch] = useState("");
  const [technique, setTechnique] = useState("");
  const [relation, setRelation] = useState<PaperRelation | "">("");
  const [note, setNote] = useState("");
  const [message, setMessage] = useState("");
  const [local, setLocal] = useState<{ summary: string; technique?: string; relation?: string } | null>(null);
  const propose = useMutation(
    trpc.paperRevisions.proposeLink.mutationOptions({
      onSuccess: () => {
        setTechnique("");
        setRelation("");
        setNote("");
        setMessage("");
        setSearch("");
        router.refresh();
      },
    }),
  );
  const err = propose.error ? errorInfo(propose.error) : null;
  const shown = useMemo(() => {
    const q = fold(search.trim());
    const matches = q === "" ? options : options.filter((o) => fold(o.name).includes(q) || o.slug.includes(q));
    // The chosen technique stays listed while the search changes.
    const chosen = options.find((o) => o.slug === technique);
    return chosen && !matches.includes(chosen) ? [chosen, ...matches] : matches;
  }, [options, search, technique]);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const problems = {
      technique: technique === "" ? "Choose the technique to link the paper to." : undefined,
      relation: relation === "" ? "Choose how the paper relates to the technique." : undefined,
    };
    if (problems.technique || problems.relation) {
      setLocal({ summary: [problems.technique, problems.relation].filter(Boolean).join(" "), ...problems });
      return;
    }
    setLocal(null);
    if (relation === "") return;
    propose.mutate({ paperId, technique, relation, note, message });
  }

  const techniqueError = local?.technique ?? err?.fieldErrors.technique;
  const relationError = local?.relation ?? err?.fieldErrors.relation;
  const serverFields = err !== null && Object.keys(err.fieldErrors).length > 0;
  const formError = local?.summary ?? (err ? (serverFields ? "Please correct the marked fields." : err.message) : null);

  return (
    <form className="form card" onSubmit={onSubmit} noValidate data-testid="paper-link-form" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} className="proposal__subhead">
        Link to a technique
      </h3>
      <p className="muted">Say which technique this paper is about and how; a moderator checks the link before it appears on the technique’s page.</p>
      {propose.data && <PaperProposalSent id={propose.data.id} what="link" />}
      <FocusedFormError message={formError} attempt={propose.error ?? local} />
      <div className="field">
        <label htmlFor={`${id}-search`}>Find a technique</label>
        <input
          id={`${id}-search`}
          className="input"
          type="search"
          value={search}
          maxLength={120}
          placeholder="e.g. steering"
          onChange={(e) => setSearch(e.target.value)}
          aria-describedby={`${id}-search-count`}
        />
        <p id={`${id}-search-count`} className="hint" aria-live="polite">
          {shown.length === options.length ? `${options.length} techniques` : `${shown.length} of ${options.length} techniques match`}
        </p>
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-technique`}>Technique</label>
          <select id={`${id}-technique`} className="select" value={technique} onChange={(e) => setTechnique(e.target.value)} {...invalidProps(`${id}-technique-err`, techniqueError)}>
            <option value="">Choose a technique…</option>
            {shown.map((o) => (
              <option key={o.slug} value={o.slug}>
                {o.name}
              </option>
            ))}
          </select>
          <FieldError id={`${id}-technique-err`} message={techniqueError} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-relation`}>Relation</label>
          <select
            id={`${id}-relation`}
            className="select"
            value={relation}
            onChange={(e) => setRelation(PAPER_RELATIONS.find((r) => r === e.target.value) ?? "")}
            {...invalidProps(`${id}-relation-err`, relationError)}
          >
            <option value="">Choose a relation…</option>
            {PAPER_RELATIONS.map((r) => (
              <option key={r} value={r}>
                {PAPER_RELATION_LABELS[r]}: {RELATION_HINTS[r]}
              </option>
            ))}
          </select>
          <FieldError id={`${id}-relation-err`} message={relationError} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-note`}>Note (optional)</label>
        <input
          id={`${id}-note`}
          className="input"
          value={note}
          maxLength={PAPER_LIMITS.note}
          placeholder="e.g. Section 4 compares it with probing"
          onChange={(e) => setNote(e.target.value)}
          {...invalidProps(`${id}-note-err`, err?.fieldErrors.note)}
        />
        <FieldError id={`${id}-note-err`} message={err?.fieldErrors.note} />
      </div>
      <ReasonField id={id} label="Why? (required)" value={message} onChange={setMessage} error={err?.fieldErrors.message} />
      <div className="actions">
        <button type="submit" className="button" disabled={propose.isPending}>
          {propose.isPending ? "Submitting…" : "Propose the link"}
        </button>
      </div>
    </form>
  );
}
