import Link from "next/link";
import { VERDICT_LABELS, VerdictBadge } from "../_components/verdict-badge";
import { formatDate } from "../_lib/format";
import { type CompareCellView, type CompareMatrixView, cellRunId, cellStatus, fullHeadline, shortHeadline } from "./format";

type Model = CompareMatrixView["models"][number];

/** One cell: verdict (colour, mark and words), the latest attempt's state when it is not the result, the headline number; the whole cell links to the run. */
function Cell({ cell, model, title }: { cell: CompareCellView; model: Model; title: string }) {
  const runId = cellRunId(cell);
  const status = cellStatus(cell);
  const headline = cell.result?.headline ?? null;
  const body = (
    <>
      <VerdictBadge verdict={cell.verdict} />
      {status && (
        <span className="compare-cell__status" data-testid="cell-status">
          {status}
        </span>
      )}
      {headline && (
        <span className="compare-cell__metric" data-testid="cell-metric">
          {shortHeadline(headline)}
        </span>
      )}
    </>
  );
  const details = [
    `${title} on ${model.name}: ${VERDICT_LABELS[cell.verdict]}`,
    headline ? fullHeadline(headline) : null,
    status,
    runId === null ? null : `run #${runId}`,
  ].filter(Boolean);
  return (
    <td className={`compare-cell compare-cell--${cell.verdict}`} data-testid="compare-cell" data-model={model.name} data-verdict={cell.verdict}>
      {runId === null ? (
        <span className="compare-cell__inner" title={details.join(" · ")}>
          {body}
        </span>
      ) : (
        <Link href={`/runs/${runId}`} className="compare-cell__inner" title={details.join(" · ")}>
          {body}
        </Link>
      )}
    </td>
  );
}

export function CompareTable({ matrix }: { matrix: CompareMatrixView }) {
  return (
    <div className="compare-scroll" tabIndex={0} role="region" aria-labelledby="compare-caption">
      <table className="compare-matrix" data-testid="compare-matrix">
        <caption id="compare-caption" className="visually-hidden">
          Published experiments (rows) on hosted models (columns): each cell gives the claim verdict, the run&apos;s state and its headline metric
        </caption>
        <thead>
          <tr>
            <th scope="col" className="compare-matrix__corner">
              Experiment
            </th>
            {matrix.models.map((m) => (
              <th key={m.id} scope="col" data-testid="compare-model">
                <Link href={`/models/${encodeURIComponent(m.name)}`}>{m.name}</Link>
                {(m.baseModel || (m.precision && m.precision !== "f32")) && <span className="compare-matrix__sub">{m.baseModel ? `${m.precision ?? "variant"} of ${m.baseModel}` : m.precision}</span>}
              </th>
            ))}
            <th scope="col">Reproduced</th>
          </tr>
        </thead>
        <tbody>
          {matrix.rows.map((row) => (
            <tr key={row.experimentId} data-testid="compare-row" data-experiment={row.experimentId}>
              <th scope="row">
                <Link href={`/experiments/${row.experimentId}`}>{row.title}</Link>
                <span className="compare-matrix__sub">
                  v{row.version}
                  {row.publishedAt && ` · ${formatDate(row.publishedAt)}`}
                  {row.techniques.length > 0 && ` · ${row.techniques.map((t) => t.name).join(", ")}`}
                </span>
              </th>
              {row.cells.map((cell, i) => (
                <Cell key={cell.modelId} cell={cell} model={matrix.models[i]!} title={row.title} />
              ))}
              <td className="compare-matrix__rate" data-testid="row-reproduced">
                {row.reproduced} of {matrix.models.length}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What the colours, marks and words mean. */
export function CompareLegend() {
  const verdicts = ["reproduced", "partly", "not_reproduced", "unchecked", "not_run"] as const;
  return (
    <section className="compare-legend" aria-labelledby="compare-legend">
      <h2 id="compare-legend">Legend</h2>
      <ul className="compare-legend__list">
        {verdicts.map((v) => (
          <li key={v}>
            <VerdictBadge verdict={v} />{" "}
            {
              {
                reproduced: "every checked claim holds on this model",
                partly: "some claims hold, others do not",
                not_reproduced: "no checked claim holds",
                unchecked: "finished, but nothing to check (no claims, or not measured)",
                not_run: "no finished run of this version on this model",
              }[v]
            }
          </li>
        ))}
      </ul>
      <p className="muted">
        Below the verdict: the latest attempt&apos;s state when it has not finished (&ldquo;queued&rdquo;, &ldquo;running 40%&rdquo;, &ldquo;failed&rdquo;; &ldquo;rerun …&rdquo; when an
        earlier attempt&apos;s result is shown), then the run&apos;s headline metric, e.g. &ldquo;acc 0.96 @ L4&rdquo; (the best layer&apos;s diffmean accuracy, at layer 4). Each cell links
        to its run. &ldquo;Reproduced&rdquo; counts the shown models whose cell is reproduced.
      </p>
    </section>
  );
}
