import type { Metadata } from "next";
import Link from "next/link";
import { slugSchema } from "~/server/services/technique-input";
import { api } from "~/server/trpc/server-caller";
import { PaperItem } from "../../_components/paper-item";
import { Pagination } from "../../_components/pagination";
import { plural } from "../../_lib/format";

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
  return { q, technique, yearFrom, yearTo, page };
}

export default async function PapersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const filters = parseFilters(await searchParams);
  const caller = await api();
  const [result, options, me] = await Promise.all([
    caller.papers.list({ query: filters.q, technique: filters.technique, yearFrom: filters.yearFrom, yearTo: filters.yearTo, page: filters.page, pageSize: 20 }),
    caller.taxonomy.options(),
    caller.users.me(),
  ]);
  const filtered = filters.q !== "" || filters.technique !== undefined || filters.yearFrom !== undefined || filters.yearTo !== undefined;

  const href = (page: number) => {
    const params = new URLSearchParams();
    if (filters.q) params.set("q", filters.q);
    if (filters.technique) params.set("technique", filters.technique);
    if (filters.yearFrom) params.set("from", String(filters.yearFrom));
    if (filters.yearTo) params.set("to", String(filters.yearTo));
    if (page > 1) params.set("page", String(page));
    const qs = params.toString();
    return qs ? `/papers?${qs}` : "/papers";
  };
  const firstShown = (result.page - 1) * result.pageSize + 1;
  const lastShown = firstShown + result.items.length - 1;

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

      <div className="results-head">
        <p role="status" data-testid="papers-total">
          {result.total === 0 ? "No papers" : `${plural(result.total, "paper")}${result.pageCount > 1 ? ` · showing ${firstShown}–${lastShown}` : ""}`}
          {filtered && " match these filters"}.
        </p>
        {result.pageCount > 1 && (
          <p className="muted">
            Page {result.page} of {result.pageCount}
          </p>
        )}
      </div>

      {result.items.length === 0 ? (
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
            <PaperItem key={p.id} paper={p} />
          ))}
        </ol>
      )}
      <Pagination page={result.page} pageCount={result.pageCount} href={href} />
    </div>
  );
}
