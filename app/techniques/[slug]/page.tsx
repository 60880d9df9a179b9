import type { Metadata } from "next";
import Link from "next/link";
import { api } from "~/server/trpc/server-caller";
import { CommentThread } from "../../_components/comments/comment-thread";
import { RenderedMarkdown } from "../../_components/markdown";
import { Pagination } from "../../_components/pagination";
import { PaperItem } from "../../_components/paper-item";
import { RevisionDiff } from "../../_components/revision-diff";
import { FACETS, facetLabel, PAPER_RELATION_LABELS, PAPER_RELATIONS, RELATION_LABELS } from "../../_lib/facets";
import { formatDateTime, plural } from "../../_lib/format";
import { ChangesSinceVisit, WatchControl } from "./changes-since-visit";
import { EvidenceSection } from "./evidence-section";
import type { TechniqueDetail } from "../../_lib/types";
import { historyPageParam, loadTechnique } from "./load";
import type { ExistingRelation } from "./propose-relations-form";
import { ProposeChanges } from "./propose-changes";
import { PROPOSAL_KIND_LABELS } from "../../review/proposal-kind";

interface Props {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params, searchParams }: Props): Promise<Metadata> {
  const { slug } = await params;
  const { technique } = await loadTechnique(slug, historyPageParam((await searchParams).history));
  return { title: technique.name, description: technique.summary };
}

/** This technique's relations as the relations form lists them for removal, told from this technique. */
function existingRelations(slug: string, data: Pick<TechniqueDetail, "parents" | "children" | "related">): ExistingRelation[] {
  return [
    ...data.parents.map((p) => ({ from: p.slug, to: slug, kind: "kind_of" as const, label: `${RELATION_LABELS.kind_of.incoming} ${p.name}` })),
    ...data.children.map((c) => ({ from: slug, to: c.slug, kind: "kind_of" as const, label: `${RELATION_LABELS.kind_of.outgoing} ${c.name}` })),
    ...data.related.map((r) => ({
      from: r.direction === "outgoing" ? slug : r.slug,
      to: r.direction === "outgoing" ? r.slug : slug,
      kind: r.kind,
      label: `${RELATION_LABELS[r.kind][r.direction]} ${r.name}`,
    })),
  ];
}

export default async function TechniquePage({ params, searchParams }: Props) {
  const { slug } = await params;
  const data = await loadTechnique(slug, historyPageParam((await searchParams).history));
  const { technique, parents, children, related, papers, history, historyPaging } = data;
  const caller = await api();
  const me = await caller.users.me();
  const [options, evidence] = await Promise.all([me ? caller.taxonomy.options() : Promise.resolve([]), caller.evidence.technique({ slug: technique.slug })]);
  const pendingCount = historyPaging.pending;
  const historyHref = (page: number) => (page > 1 ? `/techniques/${technique.slug}?history=${page}#history` : `/techniques/${technique.slug}#history`);

  return (
    <article className="page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/">Map</Link>
        {parents.length > 0 && (
          <>
            {" / "}
            {parents.map((p, i) => (
              <span key={p.slug}>
                {i > 0 && " · "}
                <Link href={`/techniques/${p.slug}`}>{p.name}</Link>
              </span>
            ))}
          </>
        )}
      </nav>
      <header className="technique-head">
        <h1 data-testid="technique-name">{technique.name}</h1>
        <WatchControl slug={technique.slug} name={technique.name} />
        {technique.aliases.length > 0 && <p className="aliases">Also known as: {technique.aliases.join(", ")}</p>}
        <ul className="chips" aria-label="Facets">
          {FACETS.map((f) => (
            <li key={f.key} className="chip">
              <span className="muted">{f.label}:</span> {facetLabel(technique[f.key])}
            </li>
          ))}
        </ul>
        <p className="summary-line" data-testid="technique-summary">
          {technique.summary}
        </p>
      </header>

      <div className="layout-2col">
        <div>
          <ChangesSinceVisit slug={technique.slug} />
          <section aria-labelledby="description">
            <h2 id="description">Description</h2>
            {technique.description.trim() ? (
              <RenderedMarkdown html={technique.descriptionHtml} source={technique.description} error={technique.descriptionRenderError} />
            ) : (
              <p className="empty">No description yet. Propose one below.</p>
            )}
          </section>

          <EvidenceSection evidence={evidence} />

          <section aria-labelledby="papers">
            <h2 id="papers">Papers ({papers.length})</h2>
            {papers.length === 0 && (
              <p className="empty">
                No paper is linked to this technique yet. <Link href="/papers/new">Add a paper</Link>.
              </p>
            )}
            {PAPER_RELATIONS.map((relation) => {
              const group = papers.filter((p) => p.relation === relation);
              if (group.length === 0) return null;
              return (
                <section key={relation} aria-labelledby={`papers-${relation}`}>
                  <h3 id={`papers-${relation}`}>
                    {PAPER_RELATION_LABELS[relation]} <span className="muted">({group.length})</span>
                  </h3>
                  <ul className="paper-list">
                    {group.map((p) => (
                      <PaperItem key={`${p.id}-${relation}`} paper={p} />
                    ))}
                  </ul>
                </section>
              );
            })}
          </section>

          <section aria-labelledby="history">
            <h2 id="history">
              Revision history{historyPaging.total > 0 && <span className="muted"> ({historyPaging.total})</span>}
            </h2>
            {pendingCount > 0 && (
              <p className="notice notice--info">
                {plural(pendingCount, "proposal")} waiting for review.
                {me && (me.role === "moderator" || me.role === "admin") && (
                  <>
                    {" "}
                    <Link href="/review">Review now</Link>
                  </>
                )}
              </p>
            )}
            {history.length === 0 ? (
              <p className="empty">No edits yet.</p>
            ) : (
              <ol className="history" data-testid="revision-history">
                {history.map((rev) => (
                  <li key={rev.id} className={`history__item history__item--${rev.status}`} data-testid="revision">
                    <div className="history__meta">
                      <span className={`badge badge--${rev.status}`}>{rev.status}</span>
                      {rev.view.kind !== "edit" && <span className="badge badge--kind">{PROPOSAL_KIND_LABELS[rev.view.kind]}</span>}
                      <span>
                        by <strong>{rev.authorName}</strong>, {formatDateTime(rev.createdAt)} · <Link href={`/review/${rev.id}`}>#{rev.id}</Link>
                      </span>
                    </div>
                    <p className="history__message">{rev.message}</p>
                    <RevisionDiff view={rev.view} />
                    {rev.status !== "pending" && (
                      <p className="review-comment">
                        {rev.status === "accepted" ? "Accepted" : "Rejected"}
                        {rev.reviewerName && ` by ${rev.reviewerName}`}
                        {rev.reviewedAt && `, ${formatDateTime(rev.reviewedAt)}`}
                        {rev.reviewComment ? `: “${rev.reviewComment}”` : "."}
                      </p>
                    )}
                  </li>
                ))}
              </ol>
            )}
            <Pagination page={historyPaging.page} pageCount={historyPaging.pageCount} href={historyHref} />
          </section>

          <section aria-labelledby="propose">
            <h2 id="propose">Propose a change</h2>
            {me ? (
              <ProposeChanges
                slug={technique.slug}
                name={technique.name}
                current={{
                  name: technique.name,
                  summary: technique.summary,
                  description: technique.description,
                  aliases: technique.aliases,
                  approach: technique.approach,
                  direction: technique.direction,
                  unit: technique.unit,
                  parents: parents.map((p) => p.slug),
                }}
                options={options.filter((o) => o.slug !== technique.slug)}
                relations={existingRelations(technique.slug, data)}
              />
            ) : (
              <p className="notice notice--info">
                <Link href={`/signin?callbackUrl=${encodeURIComponent(`/techniques/${technique.slug}#propose`)}`}>Sign in to propose an edit</Link>, a relation,
                a merge or a rename. Proposals are reviewed by a moderator before they appear.
              </p>
            )}
          </section>

          <CommentThread target="technique" id={technique.slug} />
        </div>

        <aside className="sidebar" aria-label="Relations">
          <div className="card">
            <h2>Kind of</h2>
            {parents.length === 0 ? (
              <p className="muted">A top-level technique.</p>
            ) : (
              <ul className="plain-list">
                {parents.map((p) => (
                  <li key={p.slug}>
                    <Link href={`/techniques/${p.slug}`}>{p.name}</Link>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div className="card">
            <h2>Kinds of {technique.name}</h2>
            {children.length === 0 ? (
              <p className="muted">None.</p>
            ) : (
              <ul className="plain-list">
                {children.map((c) => (
                  <li key={c.slug}>
                    <Link href={`/techniques/${c.slug}`}>{c.name}</Link>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div className="card">
            <h2>Related</h2>
            {related.length === 0 ? (
              <p className="muted">No other relations.</p>
            ) : (
              <ul className="plain-list">
                {related.map((r) => (
                  <li key={`${r.direction}-${r.kind}-${r.slug}`}>
                    <span className="muted">{RELATION_LABELS[r.kind][r.direction]}</span> <Link href={`/techniques/${r.slug}`}>{r.name}</Link>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div className="card">
            <h2>On the map</h2>
            <p>
              <Link href="/">Back to the map</Link>
            </p>
          </div>
        </aside>
      </div>
    </article>
  );
}
