import type { Metadata } from "next";
import Link from "next/link";
import { MODEL_STATUSES } from "~/db/schema";
import { type ModelListInput, type ModelSort, modelListFromParams } from "~/server/services/models/input";
import { api } from "~/server/trpc/server-caller";
import { plural } from "../_lib/format";
import { formatCount, formatHeads, formatLoss, MODEL_STATUS_LABELS, modelHref } from "./format";
import { VerdictCounts } from "./verdicts";

export const metadata: Metadata = { title: "Models" };

type SearchParams = Record<string, string | string[] | undefined>;

const SORT_LABELS: Record<ModelSort, string> = { name: "Name", parameters: "Parameters", layers: "Layers", loss: "Held-out loss" };

/** The list's URL: only what differs from the defaults, so the plain /models is the default view. */
function listQuery(filters: ModelListInput): string {
  const params = new URLSearchParams();
  if (filters.sort !== "name") params.set("sort", filters.sort);
  if (filters.order !== "asc") params.set("order", filters.order);
  if (filters.status) params.set("status", filters.status);
  return params.toString();
}

/** A column header that sorts by it (ascending first; again to reverse), with aria-sort on the sorted one. */
function SortHeader({ sort, filters, children }: { sort: ModelSort; filters: ModelListInput; children: string }) {
  const active = filters.sort === sort;
  const next: ModelListInput = { ...filters, sort, order: active && filters.order === "asc" ? "desc" : "asc" };
  const qs = listQuery(next);
  return (
    <th scope="col" aria-sort={active ? (filters.order === "asc" ? "ascending" : "descending") : undefined}>
      <Link href={qs ? `/models?${qs}` : "/models"} title={`Sort by ${children.toLowerCase()}`}>
        {children}
        {active && <span aria-hidden="true">{filters.order === "asc" ? " ↑" : " ↓"}</span>}
      </Link>
    </th>
  );
}

export default async function ModelsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const filters = modelListFromParams(await searchParams);
  const caller = await api();
  const { items } = await caller.models.list(filters);
  const qs = listQuery(filters);
  const exportHref = (format: "csv" | "json") => `/api/models?${new URLSearchParams({ format, ...Object.fromEntries(new URLSearchParams(qs)) }).toString()}`;

  return (
    <div className="page page--wide">
      <div className="page-head">
        <div>
          <h1>Models</h1>
          <p className="lede">
            The models every published experiment runs on. A finding that holds on one model is a start; the verdicts below say how often the claims made by experiments&apos; authors held up
            on each model.
          </p>
        </div>
        <Link href="/compare" className="button button--ghost">
          Compare experiments across models
        </Link>
      </div>

      <form method="get" action="/models" className="models-filters" role="search" aria-label="Sort and filter models">
        <div className="field">
          <label htmlFor="models-sort">Sort by</label>
          <select id="models-sort" name="sort" className="select" defaultValue={filters.sort}>
            {(Object.keys(SORT_LABELS) as ModelSort[]).map((s) => (
              <option key={s} value={s}>
                {SORT_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="models-order">Order</label>
          <select id="models-order" name="order" className="select" defaultValue={filters.order}>
            <option value="asc">Ascending</option>
            <option value="desc">Descending</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="models-status">Status</label>
          <select id="models-status" name="status" className="select" defaultValue={filters.status ?? ""}>
            <option value="">Any status</option>
            {MODEL_STATUSES.map((s) => (
              <option key={s} value={s}>
                {MODEL_STATUS_LABELS[s] ?? s}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit" className="button">
            Apply
          </button>
          {qs && (
            <Link href="/models" className="button button--ghost">
              Reset
            </Link>
          )}
        </div>
      </form>

      <div className="results-head">
        <p role="status" data-testid="models-total">
          {items.length === 0 ? "No models" : plural(items.length, "model")}
          {filters.status && ` ${MODEL_STATUS_LABELS[filters.status]?.toLowerCase() ?? filters.status}`}
          {items.length > 0 && `, sorted by ${SORT_LABELS[filters.sort].toLowerCase()} (${filters.order === "asc" ? "ascending" : "descending"})`}.
        </p>
        <p className="models-exports">
          Download this list: <a href={exportHref("csv")}>CSV</a> · <a href={exportHref("json")}>JSON</a>
        </p>
      </div>

      {items.length === 0 ? (
        <p className="empty" data-testid="models-empty">
          {filters.status ? (
            <>
              No model is {MODEL_STATUS_LABELS[filters.status]?.toLowerCase() ?? filters.status} right now. <Link href="/models">Show every model</Link>.
            </>
          ) : (
            <>
              No models are hosted yet. An administrator adds one with <code>npm run model -- add &lt;source&gt;</code>; once a worker has compiled it, every published experiment runs on it.
            </>
          )}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="data-table models-table" data-testid="models-table">
            <caption className="visually-hidden">Hosted models with their facts and the verdicts of published experiments run on them</caption>
            <thead>
              <tr>
                <SortHeader sort="name" filters={filters}>
                  Model
                </SortHeader>
                <th scope="col">Status</th>
                <SortHeader sort="parameters" filters={filters}>
                  Parameters
                </SortHeader>
                <SortHeader sort="layers" filters={filters}>
                  Layers
                </SortHeader>
                <th scope="col">Shape</th>
                <SortHeader sort="loss" filters={filters}>
                  Held-out loss
                </SortHeader>
                <th scope="col">Source</th>
                <th scope="col">Experiments done</th>
                <th scope="col">Verdicts</th>
                <th scope="col">
                  <span className="visually-hidden">Compare</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <tr key={m.id} data-testid="model-row" data-model={m.name}>
                  <th scope="row">
                    <Link href={modelHref(m.name)}>{m.name}</Link>
                    <div className="muted models-table__note">
                      {m.architecture ?? "architecture not known yet"}
                      {m.precision && ` · ${m.precision}`}
                    </div>
                    {m.baseModel && (
                      <div className="muted models-table__note">
                        variant of <Link href={modelHref(m.baseModel.name)}>{m.baseModel.name}</Link>
                      </div>
                    )}
                  </th>
                  <td>
                    <span className={`badge models-status models-status--${m.status}`} title={m.statusReason ?? undefined}>
                      {MODEL_STATUS_LABELS[m.status] ?? m.status}
                    </span>
                  </td>
                  <td className="models-table__num" data-testid="model-parameters">
                    {formatCount(m.parameterCount)}
                  </td>
                  <td className="models-table__num">{formatCount(m.layers)}</td>
                  <td className="models-table__shape">
                    <dl className="models-shape">
                      <dt>d_model</dt>
                      <dd>{formatCount(m.dModel)}</dd>
                      <dt>heads</dt>
                      <dd>{formatHeads(m.nHeads, m.nKvHeads)}</dd>
                      <dt>context</dt>
                      <dd>{formatCount(m.contextLength)}</dd>
                      <dt>vocab</dt>
                      <dd>{formatCount(m.vocabSize)}</dd>
                    </dl>
                  </td>
                  <td className="models-table__num" data-testid="model-loss">
                    {formatLoss(m.heldOutLoss)}
                  </td>
                  <td className="models-table__source">
                    {m.source.href ? (
                      <a href={m.source.href} rel="noopener noreferrer">
                        {m.source.label}
                      </a>
                    ) : (
                      m.source.label
                    )}
                    <div className="muted">{m.licence ? `Licence: ${m.licence}` : "Licence not stated"}</div>
                    {m.sha256 && (
                      <div className="muted">
                        sha256 <code title={m.sha256}>{m.sha256.slice(0, 12)}…</code>
                      </div>
                    )}
                  </td>
                  <td className="models-table__num">{m.experimentsDone}</td>
                  <td>
                    <VerdictCounts verdicts={m.verdicts} />
                  </td>
                  <td>
                    <Link href={`/compare?model=${encodeURIComponent(m.name)}`}>Compare</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted models-footnote">
        Verdicts count each published experiment once per model: its latest version&apos;s latest finished run. &ldquo;Unchecked&rdquo; runs had no claim that could be checked against their
        numbers (or finished before verdicts were computed).
      </p>
    </div>
  );
}
