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
  const [title, setTitle] = useState("");
  const [authors, setAuthors] = useState("");
  const [year, setYear] = useState("");
  const [venue, setVenue] = useState("");
  const [arxivId, setArxivId] = useState("");
  const [doi, setDoi] = useState("");
  const [url, setUrl] = useState("");
  const [abstract, setAbstract] = useState("");
  const [links, setLinks] = useState<LinkRow[]>(() => [newLinkRow()]);
  const [localError, setLocalError] = useState<string | null>(null);
  // Counts refused submits, so the error summary takes the focus again even when its text is the same.
  const [attempt, setAttempt] = useState(0);
  const queryClient = useQueryClient();

  /** "Fill from arXiv / DOI": the looked-up metadata replaces the fields (the person reviews it before saving). */
  function fill(f: FilledPaperFields) {
    setTitle(f.title);
    setAuthors(f.authors.join("\n"));
    setYear(f.year === null ? "" : String(f.year));
    setVenue(f.venue ?? "");
    setAbstract(f.abstract);
    setArxivId(f.arxivId ?? "");
    setDoi(f.doi ?? "");
    if (f.url) setUrl(f.url);
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
    const y = year.trim();
    if (y !== "" && !/^\d{4}$/.test(y)) {
      setLocalError("Give the year as four digits, e.g. 2023.");
      setAttempt((n) => n + 1);
      return;
    }
    create.mutate({
      title,
      authors: authors
        .split("\n")
        .map((a) => a.trim())
        .filter((a) => a.length > 0),
      year: y === "" ? null : Number(y),
      venue,
      abstract,
      arxivId,
      doi,
      url,
      links: linksForApi(links),
    });
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
      <div className="field">
        <label htmlFor={`${id}-title`}>Title</label>
        <input id={`${id}-title`} className="input" maxLength={PAPER_LIMITS.title} value={title} onChange={(e) => setTitle(e.target.value)} required {...invalidProps(`${id}-title-err`, fe.title)} />
        <FieldError id={`${id}-title-err`} message={fe.title} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-authors`}>Authors</label>
        <textarea
          id={`${id}-authors`}
          className="textarea"
          rows={4}
          maxLength={PAPER_LIMITS.authors * (PAPER_LIMITS.author + 1)}
          value={authors}
          onChange={(e) => setAuthors(e.target.value)}
          {...invalidProps(`${id}-authors-err`, authorsError, `${id}-authors-hint`)}
        />
        <p id={`${id}-authors-hint`} className="hint">
          One per line, in the paper’s order, e.g. “Nina Rimsky”.
        </p>
        <FieldError id={`${id}-authors-err`} message={authorsError} />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-year`}>Year</label>
          <input id={`${id}-year`} className="input" inputMode="numeric" maxLength={4} value={year} onChange={(e) => setYear(e.target.value)} {...invalidProps(`${id}-year-err`, fe.year)} />
          <FieldError id={`${id}-year-err`} message={fe.year} />
        </div>
        <div className="field" style={{ gridColumn: "span 2" }}>
          <label htmlFor={`${id}-venue`}>Venue</label>
          <input id={`${id}-venue`} className="input" maxLength={PAPER_LIMITS.venue} value={venue} placeholder="e.g. NeurIPS 2023" onChange={(e) => setVenue(e.target.value)} {...invalidProps(`${id}-venue-err`, fe.venue)} />
          <FieldError id={`${id}-venue-err`} message={fe.venue} />
        </div>
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-arxiv`}>arXiv id</label>
          <input id={`${id}-arxiv`} className="input" maxLength={PAPER_LIMITS.arxivId} value={arxivId} placeholder="2310.01405" onChange={(e) => setArxivId(e.target.value)} {...invalidProps(`${id}-arxiv-err`, fe.arxivId)} />
          <FieldError id={`${id}-arxiv-err`} message={fe.arxivId} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-doi`}>DOI</label>
          <input id={`${id}-doi`} className="input" maxLength={PAPER_LIMITS.doi} value={doi} placeholder="10.18653/v1/…" onChange={(e) => setDoi(e.target.value)} {...invalidProps(`${id}-doi-err`, fe.doi)} />
          <FieldError id={`${id}-doi-err`} message={fe.doi} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-url`}>URL</label>
        <input id={`${id}-url`} className="input" type="url" maxLength={PAPER_LIMITS.url} value={url} placeholder="https://…" onChange={(e) => setUrl(e.target.value)} {...invalidProps(`${id}-url-err`, fe.url)} />
        <FieldError id={`${id}-url-err`} message={fe.url} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-abstract`}>Abstract</label>
        <textarea id={`${id}-abstract`} className="textarea" rows={6} maxLength={PAPER_LIMITS.abstract} value={abstract} onChange={(e) => setAbstract(e.target.value)} {...invalidProps(`${id}-abstract-err`, fe.abstract)} />
        <FieldError id={`${id}-abstract-err`} message={fe.abstract} />
      </div>
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
