"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { PAPER_LIMITS } from "~/server/services/paper-input";
import { FocusedFormError } from "../../_components/focused-form-error";
import { FieldError, invalidProps } from "../../_components/form-bits";
import { errorInfo } from "../../_lib/errors";
import type { TechniqueOption } from "../../_lib/types";
import { useTRPC } from "../../_trpc/client";
import { authorList, EMPTY_PAPER_DETAILS, PaperDetailInputs, paperDetailsText, type PaperDetailsText } from "../paper-detail-inputs";
import { BibtexLookalikes, DuplicateQuestion } from "./duplicate-candidates";
import { type FilledPaperFields, LookupById } from "./lookup-by-id";
import { linksForApi, newLinkRow, TechniqueLinks, type LinkRow } from "./technique-links";

type Tab = "identifiers" | "bibtex";
const TABS: Array<{ id: Tab; label: string }> = [
  { id: "identifiers", label: "By identifiers" },
  { id: "bibtex", label: "Paste BibTeX" },
];

export function NewPaperForm({ options }: { options: TechniqueOption[] }) {
  const id = useId();
  const [tab, setTab] = useState<Tab>("identifiers");
  const tabRefs = useRef<Record<Tab, HTMLButtonElement | null>>({ identifiers: null, bibtex: null });

  function onTabKey(e: KeyboardEvent<HTMLButtonElement>) {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft" && e.key !== "Home" && e.key !== "End") return;
    e.preventDefault();
    const i = TABS.findIndex((t) => t.id === tab);
    const next = e.key === "Home" ? 0 : e.key === "End" ? TABS.length - 1 : (i + (e.key === "ArrowRight" ? 1 : -1) + TABS.length) % TABS.length;
    const t = TABS[next];
    if (!t) return;
    setTab(t.id);
    tabRefs.current[t.id]?.focus();
  }

  return (
    <div>
      <div className="tabs" role="tablist" aria-label="How to add the paper">
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`${id}-tab-${t.id}`}
            aria-controls={`${id}-panel-${t.id}`}
            aria-selected={tab === t.id}
            tabIndex={tab === t.id ? 0 : -1}
            className="tabs__tab"
            onClick={() => setTab(t.id)}
            onKeyDown={onTabKey}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-panel-identifiers`} aria-labelledby={`${id}-tab-identifiers`} hidden={tab !== "identifiers"}>
        <IdentifiersForm options={options} />
      </div>
      <div role="tabpanel" id={`${id}-panel-bibtex`} aria-labelledby={`${id}-tab-bibtex`} hidden={tab !== "bibtex"}>
        <BibtexForm options={options} />
      </div>
    </div>
  );
}

function IdentifiersForm({ options }: { options: TechniqueOption[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  const [details, setDetails] = useState<PaperDetailsText>(EMPTY_PAPER_DETAILS);
  const [links, setLinks] = useState<LinkRow[]>(() => [newLinkRow()]);
  const [localError, setLocalError] = useState<string | null>(null);
  // Counts refused submits, so the error summary takes the focus again even when its text is the same.
  const [attempt, setAttempt] = useState(0);
  const queryClient = useQueryClient();

  /** "Fill from arXiv / DOI": the looked-up metadata replaces the fields (the person reviews it before saving). */
  function fill(f: FilledPaperFields) {
    setDetails((d) => ({ ...paperDetailsText(f), url: f.url || d.url }));
  }

  const create = useMutation(
    trpc.papers.create.mutationOptions({
      onSuccess: ({ id: paperId }) => router.push(`/papers/${paperId}`),
    }),
  );
  const err = create.error ? errorInfo(create.error) : null;
  const fe = err?.fieldErrors ?? {};
  const existingId = err?.details.existingPaperId;
  // Same title, year and first author as a paper on MechMap: ask before adding (see duplicate-candidates.tsx).
  const sent = create.variables;
  const lookalike = err?.details.possibleDuplicateIds !== undefined && sent ? sent : null;
  const authorsError = fe.authors ?? Object.entries(fe).find(([k]) => k.startsWith("authors."))?.[1];

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setLocalError(null);
    const y = details.year.trim();
    if (y !== "" && !/^\d{4}$/.test(y)) {
      setLocalError("Give the year as four digits, e.g. 2023.");
      setAttempt((n) => n + 1);
      return;
    }
    create.mutate({ ...details, authors: authorList(details.authors), year: y === "" ? null : Number(y), links: linksForApi(links) });
  }

  const hasFieldErrors = Object.keys(fe).length > 0;
  return (
    <form className="form card" onSubmit={onSubmit} noValidate data-testid="paper-identifiers-form">
      <LookupById lookup={(identifier) => queryClient.fetchQuery(trpc.paperLookup.lookup.queryOptions({ identifier }))} onFill={fill} />
      {existingId !== undefined ? (
        <div className="notice notice--error" role="alert" data-testid="duplicate-paper">
          This paper is already on MechMap. <Link href={`/papers/${existingId}`}>Open the existing paper</Link>
          {" — "}you can link it to more techniques from there.
        </div>
      ) : lookalike ? (
        <DuplicateQuestion
          paper={{ title: lookalike.title, authors: lookalike.authors, year: lookalike.year, arxivId: lookalike.arxivId, doi: lookalike.doi }}
          adding={create.isPending}
          onAddAnyway={() => create.mutate({ ...lookalike, confirmNotDuplicate: true })}
        />
      ) : (
        <FocusedFormError message={localError ?? (err ? (hasFieldErrors ? "Please correct the marked fields." : err.message) : null)} attempt={localError ? attempt : create.error} />
      )}
      <PaperDetailInputs
        id={id}
        values={details}
        onChange={(field, value) => setDetails((d) => ({ ...d, [field]: value }))}
        errorFor={(field) => (field === "authors" ? authorsError : fe[field])}
        authorsHint="One per line, in the paper’s order, e.g. “Nina Rimsky”."
        titleRequired
        wideVenue
      />
      <TechniqueLinks rows={links} onChange={setLinks} options={options} fieldErrors={fe} />
      <div className="actions">
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? "Adding…" : "Add paper"}
        </button>
      </div>
    </form>
  );
}

function BibtexForm({ options }: { options: TechniqueOption[] }) {
  const trpc = useTRPC();
  const id = useId();
  const [bibtex, setBibtex] = useState("");
  const [links, setLinks] = useState<LinkRow[]>(() => [newLinkRow()]);
  const importBibtex = useMutation(trpc.papers.importBibtex.mutationOptions());
  const err = importBibtex.error ? errorInfo(importBibtex.error) : null;
  const fe = err?.fieldErrors ?? {};
  const result = importBibtex.data;

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    importBibtex.mutate({ bibtex, links: linksForApi(links) });
  }

  return (
    <form className="form card" onSubmit={onSubmit} noValidate data-testid="paper-bibtex-form">
      <FocusedFormError message={err ? (Object.keys(fe).length > 0 && !fe.bibtex ? "Please correct the marked fields." : fe.bibtex ? "Please correct the BibTeX." : err.message) : null} attempt={importBibtex.error} />
      {result && (
        <div className="notice notice--success" role="status" data-testid="bibtex-result">
          <p>
            {result.created.length === 0 ? "No new paper was added." : `Added ${result.created.length} ${result.created.length === 1 ? "paper" : "papers"}:`}
          </p>
          {result.created.length > 0 && (
            <ul className="result-list">
              {result.created.map((p) => (
                <li key={p.id}>
                  <Link href={`/papers/${p.id}`}>{p.title}</Link>
                </li>
              ))}
            </ul>
          )}
          <BibtexLookalikes entries={result.possibleDuplicates} links={importBibtex.variables?.links ?? []} />
          {result.duplicates.length > 0 && (
            <>
              <p>Already on MechMap, so not added again:</p>
              <ul className="result-list">
                {result.duplicates.map((p) => (
                  <li key={`${p.key}-${p.id}`}>
                    <code>{p.key}</code> → <Link href={`/papers/${p.id}`}>{p.title}</Link>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-bibtex`}>BibTeX</label>
        <textarea
          id={`${id}-bibtex`}
          className="textarea textarea--code"
          value={bibtex}
          maxLength={PAPER_LIMITS.bibtexImport}
          spellCheck={false}
          placeholder={"@article{rimsky2023steering,\n  title  = {Steering Llama 2 via Contrastive Activation Addition},\n  author = {Rimsky, Nina and Gabrieli, Nick and ...},\n  year   = {2023},\n  eprint = {2312.06681},\n  archivePrefix = {arXiv}\n}"}
          onChange={(e) => setBibtex(e.target.value)}
          {...invalidProps(`${id}-bibtex-err`, fe.bibtex, `${id}-bibtex-hint`)}
        />
        <p id={`${id}-bibtex-hint`} className="hint">
          One or more entries (up to 100). The technique links below apply to every entry.
        </p>
        <FieldError id={`${id}-bibtex-err`} message={fe.bibtex} />
      </div>
      <TechniqueLinks rows={links} onChange={setLinks} options={options} fieldErrors={fe} />
      <div className="actions">
        <button type="submit" className="button" disabled={importBibtex.isPending}>
          {importBibtex.isPending ? "Importing…" : "Import BibTeX"}
        </button>
      </div>
    </form>
  );
}
