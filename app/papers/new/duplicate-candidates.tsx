"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { FormError } from "../../_components/form-bits";
import { errorInfo } from "../../_lib/errors";
import { formatAuthors } from "../../_lib/format";
import type { RouterInputs, RouterOutputs } from "../../_lib/types";
import { useTRPC } from "../../_trpc/client";

type Candidate = RouterOutputs["papers"]["possibleDuplicates"][number];
type CandidateQuery = RouterInputs["papers"]["possibleDuplicates"];

function CandidateList({ candidates }: { candidates: Candidate[] }) {
  return (
    <ul className="result-list duplicate-candidates__list">
      {candidates.map((c) => (
        <li key={c.id}>
          <Link href={`/papers/${c.id}`} target="_blank" rel="noopener">
            {c.title}
          </Link>{" "}
          <span className="muted">
            {formatAuthors(c.authors)}
            {c.year !== null && ` · ${c.year}`}
            {c.venue && ` · ${c.venue}`} (opens in a new tab)
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * "Is this the same paper?" for the identifiers form: the server refused the paper because one
 * with the same title, year and first author is on MechMap. Lists those papers (fetched for the
 * fields sent) and offers to add the paper anyway.
 */
export function DuplicateQuestion({ paper, onAddAnyway, adding }: { paper: CandidateQuery; onAddAnyway: () => void; adding: boolean }) {
  const trpc = useTRPC();
  const candidates = useQuery(trpc.papers.possibleDuplicates.queryOptions(paper));
  return (
    <div className="notice notice--info duplicate-candidates" role="alert" data-testid="duplicate-question">
      <p>
        <strong>Is this the same paper?</strong> MechMap already has a paper with this title, year and first author:
      </p>
      {candidates.isPending ? (
        <p className="muted">Loading the matching papers…</p>
      ) : candidates.data && candidates.data.length > 0 ? (
        <CandidateList candidates={candidates.data} />
      ) : (
        <p className="muted">The matching paper could not be loaded; try again.</p>
      )}
      <p>If it is, open it: you can link it to more techniques from there. If yours is a different paper, add it anyway.</p>
      <div className="actions">
        <button type="button" className="button button--ghost" onClick={onAddAnyway} disabled={adding} data-testid="add-anyway">
          {adding ? "Adding…" : "It is a different paper: add it anyway"}
        </button>
      </div>
    </div>
  );
}

type Lookalike = RouterOutputs["papers"]["importBibtex"]["possibleDuplicates"][number];
type Links = RouterInputs["papers"]["importBibtex"]["links"];

/** One imported entry that looks like a paper already on MechMap, with "add anyway" for just that entry. */
function LookalikeEntry({ entry, links }: { entry: Lookalike; links: Links }) {
  const trpc = useTRPC();
  const importOne = useMutation(trpc.papers.importBibtex.mutationOptions());
  const err = importOne.error ? errorInfo(importOne.error) : null;
  const added = importOne.data?.created[0];
  return (
    <li>
      <code>{entry.key}</code> “{entry.title}” looks like:
      <CandidateList candidates={entry.candidates} />
      {added ? (
        <p role="status">
          Added: <Link href={`/papers/${added.id}`}>{added.title}</Link>
        </p>
      ) : (
        <>
          <FormError message={err?.message ?? null} />
          <button
            type="button"
            className="button button--ghost button--small"
            disabled={importOne.isPending}
            onClick={() => importOne.mutate({ bibtex: entry.bibtex, links, confirmNotDuplicate: true })}
          >
            {importOne.isPending ? "Adding…" : `It is a different paper: add “${entry.key}” anyway`}
          </button>
        </>
      )}
    </li>
  );
}

/** The BibTeX import's look-alikes: not added, each with its candidates and its own "add anyway". */
export function BibtexLookalikes({ entries, links }: { entries: Lookalike[]; links: Links }) {
  if (entries.length === 0) return null;
  return (
    <div className="duplicate-candidates" data-testid="bibtex-lookalikes">
      <p>
        <strong>Are these the same papers?</strong> Not added yet, because MechMap has a paper with the same title, year and first author:
      </p>
      <ul className="result-list">
        {entries.map((e) => (
          <LookalikeEntry key={e.key} entry={e} links={links} />
        ))}
      </ul>
    </div>
  );
}
