import Link from "next/link";
import type { CurvesResult } from "~/server/services/cross-model/curves";
import type { XAxis } from "~/server/services/cross-model/url-state";
import { ModelCurvesChart } from "../../../_charts/model-curves";
import { modelColours } from "./colours";
import { curvesSummary, depthText, fmt } from "./format";

/** Who is still running, in words ("stories260K is queued; tinystories-gpt2-d80-l4 is running"). */
function WaitingNote({ waiting }: { waiting: CurvesResult["waiting"] }) {
  if (waiting.length === 0) return null;
  return (
    <p className="muted" data-testid="across-waiting">
      Still to finish: {waiting.map((w) => `${w.model} (${w.status})`).join(", ")}. Their curves appear when their runs are done.
    </p>
  );
}

/** One metric's curves for every model, the claims about it, and the same numbers as a table. */
export function CurvesView({ data, axis }: { data: CurvesResult; axis: XAxis }) {
  const experimentHref = `/experiments/${data.experiment.id}?version=${data.version.version}`;
  if (data.doneModels.length === 0) {
    return (
      <section aria-labelledby="curves-heading">
        <h2 id="curves-heading">Curves</h2>
        <p className="empty" data-testid="curves-empty">
          {data.experiment.state === "draft"
            ? "This draft has not run yet: publishing it queues a run on every hosted model."
            : `No run of version ${data.version.version} has finished yet, so there is nothing to draw.`}{" "}
          <Link href={experimentHref}>See its runs on the experiment page</Link>.
        </p>
        <WaitingNote waiting={data.waiting} />
      </section>
    );
  }
  const metric = data.metric;
  if (!metric || data.curves.length === 0) {
    return (
      <section aria-labelledby="curves-heading">
        <h2 id="curves-heading">Curves</h2>
        <p className="empty" data-testid="curves-empty">
          {metric
            ? `No finished run of version ${data.version.version} measured ${metric.name}${data.hook ? ` at ${data.hook}` : ""}.`
            : `The finished runs of version ${data.version.version} have no per-layer metric that claims can use.`}{" "}
          {data.metrics.length > 0 && `Choose one they measured: ${data.metrics.map((m) => m.name).join(", ")}.`}
        </p>
        <WaitingNote waiting={data.waiting} />
      </section>
    );
  }

  const summary = curvesSummary(metric.name, data.curves, axis);
  const colours = modelColours(data.curves.map((c) => c.model));
  const rows = data.tables[axis];
  return (
    <section aria-labelledby="curves-heading">
      <h2 id="curves-heading">
        {metric.name} <span className="muted">({metric.description})</span>
      </h2>
      <figure className="chart-figure">
        <ModelCurvesChart
          curves={data.curves}
          colours={colours}
          axis={axis}
          marks={data.marks[axis]}
          baseline={data.baseline}
          yLabel={metric.name}
          summary={summary}
          id="model-curves"
        />
        <figcaption>
          {summary}
          {data.baseline && ` Dashed: ${data.baseline.label}.`}
          {axis === "depth" && " Relative depth puts block l of an L-block model at l / (L − 1), so the first and last blocks of every model line up."}
        </figcaption>
      </figure>

      {data.claims.length > 0 ? (
        <div className="across-claims">
          <h3>Claims about {metric.name}</h3>
          <ul className="plain-list" data-testid="across-claims">
            {data.claims.map((c) => (
              <li key={c.claimIndex}>
                {c.text}
                {c.model !== "any" && <span className="muted"> · claimed on {c.model}</span>}
                {c.note && <span className="muted"> — {c.note}</span>}
              </li>
            ))}
          </ul>
          <p className="muted">Drawn in red: a rule at the claimed value where the claim holds, a band where a peak is claimed. Each claim is checked against every model.</p>
        </div>
      ) : (
        <p className="muted">The experiment makes no claim about {metric.name}.</p>
      )}
      {data.notMeasured.length > 0 && <p className="muted" data-testid="across-not-measured">Not measured by {data.notMeasured.join(", ")} (their runs have no {metric.name}{data.hook ? ` at ${data.hook}` : ""}).</p>}
      <WaitingNote waiting={data.waiting} />

      <h3>The same numbers</h3>
      <div className="table-scroll">
        <table className="data-table across-table" data-testid="curves-table">
          <caption className="visually-hidden">
            {metric.name} per {axis === "depth" ? "relative depth" : "layer"} (rows) for each model (columns)
          </caption>
          <thead>
            <tr>
              <th scope="col">{axis === "depth" ? "Relative depth" : "Layer"}</th>
              {data.curves.map((c) => (
                <th scope="col" key={c.model} data-model={c.model}>
                  <span className="swatch" style={{ background: colours[c.model] }} aria-hidden="true" />{" "}
                  <Link href={`/runs/${c.runId}`}>{c.model}</Link> <span className="muted">({c.nLayers} blocks)</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.x} data-x={axis === "depth" ? depthText(r.x) : r.x}>
                <th scope="row">{axis === "depth" ? depthText(r.x) : r.x}</th>
                {r.cells.map((cell, i) =>
                  cell === null ? (
                    <td key={data.curves[i]!.model} data-value="" className="muted">
                      —
                    </td>
                  ) : (
                    <td key={data.curves[i]!.model} data-value={cell.value} title={axis === "depth" ? `layer ${cell.layer}` : `relative depth ${depthText(cell.depth)}`}>
                      {fmt(cell.value)}
                      {axis === "depth" && <span className="muted"> (layer {cell.layer})</span>}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
