import type { Metadata } from "next";
import Link from "next/link";
import { compareHref, compareSearchParams, DEFAULT_COMPARE_STATE, parseCompareState } from "~/server/services/compare/url-state";
import { api } from "~/server/trpc/server-caller";
import { Pagination } from "../_components/pagination";
import { plural } from "../_lib/format";
import { CompareFilters } from "./compare-filters";
import { CompareLegend, CompareTable } from "./compare-table";

export const metadata: Metadata = { title: "Compare experiments across models" };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function ComparePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  // The URL is the state; anything malformed in it falls back to its default rather than failing the page.
  const state = parseCompareState(await searchParams);
  const caller = await api();
  const [matrix, techniques] = await Promise.all([caller.compare.matrix(state), caller.taxonomy.options()]);
  const filtered = compareSearchParams({ ...state, page: 1, sort: DEFAULT_COMPARE_STATE.sort, sortModel: null }).toString() !== "";
  const shown = matrix.state;
  const exportHref = (format: "csv" | "json") => {
    const params = compareSearchParams(shown, { page: false });
    params.set("format", format);
    return `/api/compare?${params.toString()}`;
  };
  const pastTheEnd = matrix.rows.length === 0 && matrix.total > 0;

  return (
    <div className="page page--wide compare-page">
      <div className="page-head">
        <div>
          <h1>Compare experiments across models</h1>
          <p className="lede">
            Every published experiment runs on every hosted model. Each cell says whether the author&apos;s claims held on that model, with the run&apos;s headline number; a finding that
            holds across models (and precisions) is one to trust.
          </p>
        </div>
      </div>

      <CompareFilters state={shown} matrix={matrix} techniques={techniques} filtered={filtered} />

      {matrix.notes.length > 0 && (
        <div className="notice notice--info" role="status" data-testid="compare-notes">
          {matrix.notes.map((n) => (
            <p key={n}>{n}</p>
          ))}
          {pastTheEnd && (
            <p>
              <Link href={compareHref(shown, { page: matrix.pageCount })}>Go to the last page ({matrix.pageCount})</Link>.
            </p>
          )}
        </div>
      )}

      <div className="results-head">
        <p role="status" data-testid="compare-summary">
          {matrix.total === 0 ? "No experiments" : plural(matrix.total, "experiment")}
          {filtered && matrix.total > 0 && (matrix.total === 1 ? " matches these filters" : " match these filters")}
          {matrix.total > 0 && ` · page ${matrix.page} of ${matrix.pageCount}`}
          {` · ${plural(matrix.models.length, "model")}`}
          {matrix.hiddenModels > 0 && ` (${matrix.hiddenModels} more: choose them under Models)`}
          {matrix.technique && ` · technique ${matrix.technique.name}${matrix.technique.descendants > 0 ? ` and ${plural(matrix.technique.descendants, "kind")} of it` : ""}`}
        </p>
        <p className="compare-exports">
          Download this matrix (every page): <a href={exportHref("csv")}>CSV</a> · <a href={exportHref("json")}>JSON</a> ·{" "}
          <Link href={compareHref(shown)} data-testid="compare-permalink">
            Permalink
          </Link>
        </p>
      </div>

      {matrix.publishedTotal === 0 ? (
        <p className="empty" data-testid="compare-empty">
          No published experiments yet. <Link href="/experiments/new">Propose one</Link>: once published, it runs on every hosted model and appears here.
        </p>
      ) : matrix.models.length === 0 && matrix.allModels.length === 0 ? (
        <p className="empty" data-testid="compare-empty">
          No models are hosted yet, so nothing has run. An administrator adds one with <code>npm run model -- add &lt;source&gt;</code>.
        </p>
      ) : matrix.rows.length === 0 ? (
        <p className="empty" data-testid="compare-empty">
          {pastTheEnd ? (
            <>This page is past the end of the matrix.</>
          ) : (
            <>
              No published experiment matches these filters. <Link href="/compare">Clear the filters</Link> or choose another technique, verdict or model.
            </>
          )}
        </p>
      ) : (
        <CompareTable matrix={matrix} />
      )}

      {!pastTheEnd && <Pagination page={matrix.page} pageCount={matrix.pageCount} href={(p) => compareHref(shown, { page: p })} />}
      <CompareLegend />
    </div>
  );
}
