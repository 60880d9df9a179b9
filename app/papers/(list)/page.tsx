import type { Metadata } from "next";
import Link from "next/link";
import { PAPER_SORTS, type PaperSort } from "~/server/services/paper-input";
import { slugSchema } from "~/server/services/technique-input";
import { api } from "~/server/trpc/server-caller";
import { Pagination } from "../../_components/pagination";
import { plural } from "../../_lib/format";
import { PaperRow } from "./paper-row";

export const metadata: Metadata = { title: "Papers" };

type SearchParams = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? "") : (v ?? "")).trim();

function year(v: string): number | undefined {
  if (!/^\d{4}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= 1900 && n <= 2100 ? n : undefined;
}

/** Reads the filters from the URL, dropping anything malformed instead of failing the page. */
function parseFilters(sp: SearchParams) {
  const q = first(sp.q).slice(0, 200);
  const technique = slugSchema.safeParse(first(sp.technique)).data;
  const yearFrom = year(first(sp.from));
  const yearTo = year(first(sp.to));
  const pageRaw = Number.parseInt(first(sp.page), 10);
  const page = Number.isFinite(pageRaw) && pageRaw >= 1 ? Math.min(pageRaw, 10_000) : 1;
  const sort = PAPER_SORTS.find((s) => s === first(sp.sort));
  const status = first(sp.status) === "unreviewed" ? ("unreviewed" as const) : undefined;
  return { q, technique, yearFrom, yearTo, page, sort, status };
}

type Filters = ReturnType<typeof parseFilters>;

const SORT_LABELS: Record<PaperSort, string> = { relevance: "Relevance", newest: "Newest", oldest: "Oldest", title: "Title" };

/** The list's URL: filters, sort and page, so every view is a permalink. */
function listHref(filters: Filters, changes: { page?: number; sort?: PaperSort }) {
  const params = new URLSearchParams();
  if (filters.q) params.set("q", filters.q);
  if (filters.technique) params.set("technique", filters.technique);
  if (filters.yearFrom) params.set("from", String(filters.yearFrom));
  if (filters.yearTo) params.set("to", String(filters.yearTo));
  if (filters.status) params.set("status", filters.status);
  const sort = "sort" in changes ? changes.sort : filters.sort;
  if (sort) params.set("sort", sort);
  const page = changes.page ?? 1;
  if (page > 1) params.set("page", String(page));
  const qs = params.toString();
  return qs ? `/papers?${qs}` : "/papers";
}

export default async function PapersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const filters = parseFilters(await searchParams);
  const caller = await api();
  const [result, options, me] = await Promise.all([
    caller.papers.list({
      query: filters.q,
      technique: filters.technique,
      yearFrom: filters.yearFrom,
      yearTo: filters.yearTo,
      status: filters.status,
      sort: filters.sort,
      page: filters.page,
      pageSize: 20,
    }),
    caller.taxonomy.options(),
    caller.users.me(),
  ]);
  const filtered = filters.q !== "" || filters.technique !== undefined || filters.yearFrom !== undefined || filters.yearTo !== undefined || filters.status !== undefined;
  const isModerator = me?.role === "moderator" || me?.role === "admin";
  const searching = result.sort === "relevance" || filters.q !== "";

  const href = (page: number) => listHref(filters, { page });
  const firstShown = (result.page - 1) * result.pageSize + 1;
  const lastShown = firstShown + result.items.length - 1;
  // A page past the end (an old link, a typed URL) says so instead of "showing 19961–19960".
  const pastTheEnd = result.items.length === 0 && result.total > 0 && result.page > result.pageCount;
  const sorts = PAPER_SORTS.filter((s) => s !== "relevance" || searching);

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Papers</h1>
          <p className="lede">The literature behind the map: each paper is linked to the techniques it introduces, applies, extends, critiques, evaluates or surveys.</p>
        </div>
        {me ? (
          <Link href="/papers/new" className="button">
            Add a paper
          </Link>
        ) : (
          <Link href="/signin?callbackUrl=%2Fpapers%2Fnew" className="button button--ghost">
            Sign in to add a paper
          </Link>
        )}
      </div>

      <form method="get" action="/papers" className="search-form" role="search" aria-label="Search papers">
        {filters.status && <input type="hidden" name="status" value={filters.status} />}
        <div className="field">
          <label htmlFor="papers-q">Search</label>
          <input id="papers-q" name="q" type="search" className="input" defaultValue={filters.q} placeholder="Title, author or abstract" />
        </div>
        <div className="field">
          <label htmlFor="papers-technique">Technique</label>
          <select id="papers-technique" name="technique" className="select" defaultValue={filters.technique ?? ""}>
            <option value="">Any technique</option>
            {options.map((o) => (
              <option key={o.slug} value={o.slug}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="papers-from">From year</label>
          <input id="papers-from" name="from" type="number" inputMode="numeric" min={1900} max={2100} className="input" defaultValue={filters.yearFrom ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="papers-to">To year</label>
          <input id="papers-to" name="to" type="number" inputMode="numeric" min={1900} max={2100} className="input" defaultValue={filters.yearTo ?? ""} />
        </div>
        <div className="actions">
          <button type="submit" className="button">
            Search
          </button>
          {filtered && (
            <Link href="/papers" className="button button--ghost">
              Clear
            </Link>
          )}
        </div>
      </form>

      {isModerator && (
        <p className="papers-review-filter">
          {filters.status === "unreviewed" ? (
            <>
              Showing papers waiting for review. <Link href={listHref({ ...filters, status: undefined }, {})}>Show all papers</Link>
            </>
          ) : (
            <Link href={listHref({ ...filters, status: "unreviewed" }, {})}>Show only papers waiting for review</Link>
          )}
        </p>
      )}

      <div className="results-head">
        <p role="status" data-testid="papers-total">
          {result.total === 0
            ? "No papers"
            : `${plural(result.total, "paper")}${result.pageCount > 1 && !pastTheEnd ? ` · showing ${firstShown}–${lastShown}` : ""}`}
          {filtered && " match these filters"}.
        </p>
        {result.pageCount > 1 && !pastTheEnd && (
          <p className="muted">
            Page {result.page} of {result.pageCount}
          </p>
        )}
      </div>
      {result.total > 1 && (
        <nav className="papers-sort" aria-label="Sort papers">
          <span className="muted">Sort by</span>
          <ul>
            {sorts.map((s) => (
              <li key={s}>
                {s === result.sort ? (
                  <span aria-current="true" className="papers-sort__current">
                    {SORT_LABELS[s]}
                  </span>
                ) : (
                  <Link href={listHref(filters, { sort: s })}>{SORT_LABELS[s]}</Link>
                )}
              </li>
            ))}
          </ul>
        </nav>
      )}

      {pastTheEnd ? (
        <p className="notice notice--info" data-testid="papers-past-end">
          Page {result.page} does not exist; there {result.pageCount === 1 ? "is 1 page" : `are ${result.pageCount} pages`}.{" "}
          <Link href={href(result.pageCount)}>Go to the last page</Link>
        </p>
      ) : result.items.length === 0 ? (
        <p className="empty">
          {filtered ? (
            <>
              No paper matches. <Link href="/papers">Clear the filters</Link> or try other words.
            </>
          ) : (
            "No papers yet."
          )}
        </p>
      ) : (
        <ol className="paper-list" start={firstShown} data-testid="papers-list">
          {result.items.map((p) => (
            <PaperRow key={p.id} paper={p} />
          ))}
        </ol>
      )}
      {!pastTheEnd && <Pagination page={result.page} pageCount={result.pageCount} href={href} />}
    </div>
  );
}
