import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { changesCursorSchema } from "~/server/services/changes-feed";
import { slugSchema } from "~/server/services/technique-input";
import { api } from "~/server/trpc/server-caller";
import { hasTrpcCode } from "../_lib/server-errors";
import { ChangeList } from "./change-list";

type SearchParams = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? "") : (v ?? "")).trim();

/** The technique filter and the page position from the URL; a malformed cursor is reported, not fatal. */
function parseParams(sp: SearchParams) {
  const rawTechnique = first(sp.technique);
  const technique = rawTechnique ? slugSchema.safeParse(rawTechnique) : null;
  const rawCursor = first(sp.before);
  const cursor = rawCursor ? changesCursorSchema.safeParse(rawCursor) : null;
  return {
    technique: technique?.success ? technique.data : undefined,
    badTechnique: technique !== null && !technique.success,
    cursor: cursor?.success ? cursor.data : undefined,
    badCursor: cursor !== null && !cursor.success,
  };
}

function changesHref(technique: string | undefined, before?: string) {
  const params = new URLSearchParams();
  if (technique) params.set("technique", technique);
  if (before) params.set("before", before);
  const qs = params.toString();
  return qs ? `/changes?${qs}` : "/changes";
}

const feedHref = (technique: string | undefined) => (technique ? `/changes/feed.xml?technique=${encodeURIComponent(technique)}` : "/changes/feed.xml");

/** One page per request, shared by generateMetadata and the page; unknown techniques are 404s. */
const loadPage = cache(async (technique: string | undefined, cursor: string | undefined) => {
  const caller = await api();
  try {
    return await caller.changes.feed({ technique, cursor });
  } catch (error) {
    if (hasTrpcCode(error, "NOT_FOUND")) notFound();
    throw error;
  }
});

function pageFor(params: ReturnType<typeof parseParams>) {
  if (params.badTechnique) notFound();
  return loadPage(params.technique, params.cursor);
}

export async function generateMetadata({ searchParams }: { searchParams: Promise<SearchParams> }): Promise<Metadata> {
  const params = parseParams(await searchParams);
  const page = await pageFor(params);
  const title = page.technique ? `Changes to ${page.technique.name}` : "Changes";
  return {
    title,
    description: "Accepted changes to MechMap's map of techniques and its papers, newest first.",
    alternates: { types: { "application/atom+xml": [{ url: feedHref(page.technique?.slug), title: page.technique ? `MechMap: changes to ‘${page.technique.name}’` : "MechMap: accepted changes" }] } },
  };
}

export default async function ChangesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = parseParams(await searchParams);
  const caller = await api();
  const [page, options, me] = await Promise.all([pageFor(params), caller.taxonomy.options(), caller.users.me()]);
  const slug = page.technique?.slug;
  const isFirstPage = params.cursor === undefined;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>{page.technique ? <>Changes to ‘{page.technique.name}’</> : "Changes"}</h1>
          <p className="lede">
            Accepted edits, new techniques, relations, merges, renames and paper corrections, newest first. Proposals appear here once a moderator accepts them.
          </p>
        </div>
        <p className="actions">
          <a href={feedHref(slug)} className="button button--ghost" data-testid="atom-link" type="application/atom+xml">
            Atom feed
          </a>
          {me && (
            <Link href="/watching" className="button button--ghost">
              Watched techniques
            </Link>
          )}
        </p>
      </div>

      <form method="get" action="/changes" className="changes-filter" aria-label="Filter changes">
        <label htmlFor="changes-technique" className="label">
          Technique
        </label>
        <select id="changes-technique" name="technique" defaultValue={slug ?? ""} className="changes-filter__select">
          <option value="">All techniques and papers</option>
          {options.map((o) => (
            <option key={o.slug} value={o.slug}>
              {o.name}
            </option>
          ))}
        </select>
        <button type="submit" className="button button--small">
          Show
        </button>
        {page.technique && (
          <Link href="/changes" className="changes-filter__clear">
            Show all changes
          </Link>
        )}
      </form>

      {params.badCursor && (
        <p className="notice" role="alert">
          That link to older changes is damaged, so the newest changes are shown instead.
        </p>
      )}

      {page.items.length === 0 ? (
        <p className="empty" data-testid="changes-empty">
          {!isFirstPage
            ? "There are no older changes."
            : page.technique
              ? `No change to ‘${page.technique.name}’ has been accepted yet.`
              : "No change has been accepted yet. Proposals show up here once a moderator accepts them."}
        </p>
      ) : (
        <ChangeList items={page.items} />
      )}

      {(page.nextCursor || !isFirstPage) && (
        <nav className="pagination changes-pages" aria-label="Pages">
          <ul>
            {!isFirstPage && (
              <li>
                <Link href={changesHref(slug)}>← Newest changes</Link>
              </li>
            )}
            {page.nextCursor && (
              <li>
                <Link href={changesHref(slug, page.nextCursor)} rel="next">
                  Older changes →
                </Link>
              </li>
            )}
          </ul>
        </nav>
      )}
    </div>
  );
}
