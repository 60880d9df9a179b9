import Link from "next/link";
import { PAPER_RELATION_LABELS } from "../../_lib/facets";
import { formatAuthors } from "../../_lib/format";
import type { RouterOutputs } from "../../_lib/types";

type ListedPaper = RouterOutputs["papers"]["list"]["items"][number];

/**
 * One paper in the papers list: title (and "Unreviewed" while it waits for a moderator), authors ·
 * year · venue, the abstract's opening or the search's matching passage, technique chips and the
 * arXiv / DOI links.
 */
export function PaperRow({ paper }: { paper: ListedPaper }) {
  return (
    <li className="paper-item paper-row" data-testid="paper-row">
      <div className="paper-row__head">
        <Link href={`/papers/${paper.id}`} className="paper-item__title">
          {paper.title}
        </Link>
        {paper.reviewStatus === "unreviewed" && (
          <span className="badge badge--pending" title="Added by a member; a moderator has not checked it yet.">
            Unreviewed
          </span>
        )}
      </div>
      <p className="paper-item__meta">
        {formatAuthors(paper.authors)}
        {paper.year !== null && ` · ${paper.year}`}
        {paper.venue && ` · ${paper.venue}`}
      </p>
      {paper.snippet.length > 0 && (
        <p className="paper-row__snippet" data-testid="paper-snippet">
          {paper.snippet.map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
        </p>
      )}
      {(paper.techniques.length > 0 || paper.arxivId || paper.doi) && (
        <div className="paper-row__foot">
          {paper.techniques.length > 0 && (
            <ul className="chips paper-row__chips" aria-label="Techniques">
              {paper.techniques.map((t) => (
                <li key={t.slug}>
                  <Link href={`/techniques/${t.slug}`} className="chip" title={t.relations.map((r) => PAPER_RELATION_LABELS[r]).join(", ")}>
                    {t.name}
                  </Link>
                </li>
              ))}
            </ul>
          )}
          {paper.arxivId && (
            <a href={`https://arxiv.org/abs/${paper.arxivId}`} rel="noopener noreferrer" className="paper-row__id">
              arXiv:{paper.arxivId}
            </a>
          )}
          {paper.doi && (
            <a href={`https://doi.org/${paper.doi}`} rel="noopener noreferrer" className="paper-row__id">
              DOI {paper.doi}
            </a>
          )}
        </div>
      )}
    </li>
  );
}
