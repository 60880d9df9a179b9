import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { api } from "~/server/trpc/server-caller";
import { CommentThread } from "../../_components/comments/comment-thread";
import { PAPER_RELATION_LABELS } from "../../_lib/facets";
import { hasTrpcCode } from "../../_lib/server-errors";
import { ApprovePaperButton } from "./approve-paper";
import { AuthorAliasForm } from "./author-alias-form";
import { bibtexFor } from "./bibtex-for";
import { CopyBibtexButton } from "./copy-bibtex";
import { PaperProposalsList } from "./paper-proposals-list";
import { ProposePaperChanges } from "./propose-paper-changes";
import { UnlinkButton } from "./unlink-button";

interface Props {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** ?proposalsPage=N; anything malformed is page 1. */
function pageParam(raw: string | string[] | undefined): number {
  const value = Array.isArray(raw) ? raw[0] : raw;
  const n = value && /^\d{1,5}$/.test(value) ? Number(value) : 1;
  return n >= 1 ? Math.min(n, 10_000) : 1;
}

const loadPaper = cache(async (rawId: string) => {
  const id = /^\d{1,9}$/.test(rawId) ? Number(rawId) : Number.NaN;
  if (!Number.isInteger(id) || id < 1) notFound();
  const caller = await api();
  try {
    return await caller.papers.byId({ id });
  } catch (error) {
    if (hasTrpcCode(error, "NOT_FOUND")) notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  const { paper } = await loadPaper(id);
  return { title: paper.title, description: paper.abstract.slice(0, 200) || undefined };
}

export default async function PaperPage({ params, searchParams }: Props) {
  const { id } = await params;
  const { paper, links, authorAliases } = await loadPaper(id);
  const bibtex = paper.bibtex?.trim() || bibtexFor(paper);
  const caller = await api();
  const me = await caller.users.me();
  const firstProposals = await caller.paperRevisions.ofPaper({ paperId: paper.id, page: 1 });
  // Past the last page shows the last one.
  const proposalsPage = Math.min(pageParam((await searchParams).proposalsPage), firstProposals.pageCount);
  const [proposals, options] = await Promise.all([
    proposalsPage === 1 ? firstProposals : caller.paperRevisions.ofPaper({ paperId: paper.id, page: proposalsPage }),
    me ? caller.taxonomy.options() : Promise.resolve([]),
  ]);
  const proposalsHref = (p: number) => (p > 1 ? `/papers/${paper.id}?proposalsPage=${p}#paper-proposals` : `/papers/${paper.id}#paper-proposals`);
  const isModerator = me?.role === "moderator" || me?.role === "admin";
  const otherNames = new Map(authorAliases.map((a) => [a.author, a.otherNames]));

  return (
    <article className="page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/papers">Papers</Link>
      </nav>
      <h1 data-testid="paper-title">{paper.title}</h1>
      {me ? (
        <ProposePaperChanges
          paperId={paper.id}
          current={{ title: paper.title, authors: paper.authors, year: paper.year, venue: paper.venue, abstract: paper.abstract, arxivId: paper.arxivId, doi: paper.doi, url: paper.url, bibtex: paper.bibtex }}
          options={options}
        />
      ) : (
        <p className="muted">
          <Link href={`/signin?callbackUrl=${encodeURIComponent(`/papers/${paper.id}`)}`}>Sign in</Link> to correct this paper’s details or link it to a technique.
        </p>
      )}
      {paper.reviewStatus === "unreviewed" && (
        <p className="paper-review-note" data-testid="paper-unreviewed">
          <span className="badge badge--pending">Unreviewed</span>{" "}
          <span className="muted">Added by a member; a moderator has not checked its details yet.</span>
          {isModerator && <ApprovePaperButton paperId={paper.id} title={paper.title} />}
        </p>
      )}
      <dl className="meta-list">
        <dt>Authors</dt>
        <dd>
          <ol className="authors" aria-label="Authors in order">
            {paper.authors.map((a, i) => {
              const others = otherNames.get(a) ?? [];
              return (
                <li key={`${i}-${a}`}>
                  {a}
                  {others.length > 0 && <span className="muted author-aka"> (also published as {others.join(", ")})</span>}
                </li>
              );
            })}
          </ol>
          {isModerator && <AuthorAliasForm authors={paper.authors} />}
        </dd>
        <dt>Year</dt>
        <dd>{paper.year ?? <span className="muted">unknown</span>}</dd>
        <dt>Venue</dt>
        <dd>{paper.venue ?? <span className="muted">preprint or unknown</span>}</dd>
        {paper.arxivId && (
          <>
            <dt>arXiv</dt>
            <dd>
              <a href={`https://arxiv.org/abs/${paper.arxivId}`} rel="noopener noreferrer">
                arXiv:{paper.arxivId}
              </a>
            </dd>
          </>
        )}
        {paper.doi && (
          <>
            <dt>DOI</dt>
            <dd>
              <a href={`https://doi.org/${paper.doi}`} rel="noopener noreferrer">
                {paper.doi}
              </a>
            </dd>
          </>
        )}
        {paper.citeKey && (
          <>
            <dt>Cite key</dt>
            <dd data-testid="paper-cite-key">
              Cite in Markdown as <code>[@{paper.citeKey}]</code>
            </dd>
          </>
        )}
        {paper.url && (
          <>
            <dt>URL</dt>
            <dd>
              <a href={paper.url} rel="noopener noreferrer">
                {paper.url}
              </a>
            </dd>
          </>
        )}
      </dl>

      <section aria-labelledby="abstract">
        <h2 id="abstract">Abstract</h2>
        {paper.abstract.trim() ? <p className="prose">{paper.abstract}</p> : <p className="empty">No abstract recorded.</p>}
      </section>

      <section aria-labelledby="techniques">
        <h2 id="techniques">Techniques ({links.length})</h2>
        {links.length === 0 ? (
          <p className="empty">This paper is not linked to any technique yet.</p>
        ) : (
          <ul className="paper-list">
            {links.map((l) => (
              <li key={`${l.slug}-${l.relation}`} className="paper-item" data-testid="paper-link">
                <span className="badge">{PAPER_RELATION_LABELS[l.relation]}</span> <Link href={`/techniques/${l.slug}`}>{l.name}</Link>
                {l.note && <p className="paper-item__note">{l.note}</p>}
                {me && <UnlinkButton paperId={paper.id} technique={l.slug} techniqueName={l.name} relation={l.relation} />}
              </li>
            ))}
          </ul>
        )}
      </section>

      <PaperProposalsList proposals={proposals} href={proposalsHref} />

      <section aria-labelledby="bibtex">
        <h2 id="bibtex">BibTeX</h2>
        <CopyBibtexButton bibtex={bibtex} />
        {!paper.bibtex && <p className="hint">Generated from the fields above.</p>}
        <pre className="bibtex" data-testid="bibtex">
          {bibtex}
        </pre>
      </section>

      <CommentThread target="paper" id={paper.id} />
    </article>
  );
}
