import Link from "next/link";
import { formatAuthors } from "../_lib/format";

export interface PaperSummary {
  id: number;
  title: string;
  authors: readonly string[];
  year: number | null;
  venue: string | null;
  arxivId?: string | null;
  note?: string | null;
}

/** One paper in a list: title link, authors · year · venue (· arXiv id), and an optional note. */
export function PaperItem({ paper }: { paper: PaperSummary }) {
  return (
    <li className="paper-item">
      <Link href={`/papers/${paper.id}`} className="paper-item__title">
        {paper.title}
      </Link>
      <p className="paper-item__meta">
        {formatAuthors(paper.authors)}
        {paper.year !== null && ` · ${paper.year}`}
        {paper.venue && ` · ${paper.venue}`}
        {paper.arxivId && ` · arXiv:${paper.arxivId}`}
      </p>
      {paper.note && <p className="paper-item__note">{paper.note}</p>}
    </li>
  );
}
