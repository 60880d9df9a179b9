import Link from "next/link";
import type { AgreementResult, PairAgreement } from "~/server/services/cross-model/agreement";
import { MatrixHeatmapChart } from "../../../_charts/heatmap";
import { agreementSummary, depthText, fmt } from "./format";

type OkPair = Extract<PairAgreement, { status: "ok" }>;

/** One pair's heatmap, its summary number and each a-layer's best match. */
function PairPanel({ pair, id, title }: { pair: OkPair; id: string; title: string }) {
  const summary = agreementSummary(pair);
  const highlight = pair.best.flatMap((b) => (b.match === null ? [] : [{ row: b.layer, column: b.match }]));
  return (
    <figure className="chart-figure" data-testid={`agreement-${id}`}>
      <h3>{title}</h3>
      <p className="across-summary" data-testid={`agreement-${id}-summary`}>
        Mean best-match correlation: <strong data-value={pair.summary ?? ""}>{fmt(pair.summary)}</strong>{" "}
        <span className="muted">
          over {pair.a.layers.length} layers of {pair.a.model}, {pair.examples} examples, at {pair.hook}
        </span>
      </p>
      <MatrixHeatmapChart
        id={`agreement-${id}`}
        summary={summary}
        description="Pearson correlation over the same prompts of each example's projection onto each model's own difference-of-means direction, for every pair of layers. Outlined: each row's best match."
        heatmap={{
          rows: pair.a.layers,
          columns: pair.b.layers,
          values: pair.matrix,
          rowLabel: `${pair.a.model} layer`,
          columnLabel: `${pair.b.model} layer`,
          valueLabel: "Correlation (−1 to 1)",
          highlight,
        }}
      />
      <figcaption>{summary}</figcaption>
      <div className="table-scroll">
        <table className="data-table across-table" data-testid={`agreement-${id}-best`}>
          <caption>
            Best-matching layer of b ({pair.b.model}) for each layer of a ({pair.a.model})
          </caption>
          <thead>
            <tr>
              <th scope="col">Layer of a</th>
              <th scope="col">Depth</th>
              <th scope="col">Best layer of b</th>
              <th scope="col">Depth</th>
              <th scope="col">Correlation</th>
            </tr>
          </thead>
          <tbody>
            {pair.best.map((b) => (
              <tr key={b.layer} data-layer={b.layer}>
                <th scope="row">{b.layer}</th>
                <td>{depthText(b.depth)}</td>
                <td data-match={b.match ?? ""}>{b.match ?? "—"}</td>
                <td>{b.matchDepth === null ? "—" : depthText(b.matchDepth)}</td>
                <td data-value={b.correlation ?? ""}>{fmt(b.correlation)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <details className="chart-table">
        <summary>Show table: every layer pair</summary>
        <div className="table-scroll">
          <table className="data-table" data-testid={`agreement-${id}-matrix`}>
            <caption className="visually-hidden">
              Correlations: rows are layers of {pair.a.model}, columns layers of {pair.b.model}
            </caption>
            <thead>
              <tr>
                <th scope="col">a \ b</th>
                {pair.b.layers.map((l) => (
                  <th scope="col" key={l}>
                    {l}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {pair.matrix.map((row, i) => (
                <tr key={pair.a.layers[i]}>
                  <th scope="row">{pair.a.layers[i]}</th>
                  {row.map((v, j) => (
                    <td key={pair.b.layers[j]} data-value={v ?? ""}>
                      {fmt(v)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function Refusal({ pair, id }: { pair: Extract<PairAgreement, { status: "refused" }>; id: string }) {
  return (
    <p className="notice notice--info" data-testid={`agreement-${id}-refused`}>
      {pair.message}
    </p>
  );
}

/** The chosen pair beside the same-recipe, different-seed baseline. */
export function AgreementView({ data }: { data: AgreementResult }) {
  const experimentHref = `/experiments/${data.experiment.id}?version=${data.version.version}`;
  if (data.models.length < 2 || !data.pair) {
    return (
      <section aria-labelledby="agreement-heading">
        <h2 id="agreement-heading">Agreement between models</h2>
        <p className="empty" data-testid="agreement-empty">
          Agreement compares two models, and {data.models.length === 0 ? "no model has" : `only ${data.models[0]!.name} has`} a finished run of version {data.version.version} yet.{" "}
          <Link href={experimentHref}>See its runs on the experiment page</Link>.
        </p>
        {data.waiting.length > 0 && <p className="muted">Still to finish: {data.waiting.map((w) => `${w.model} (${w.status})`).join(", ")}.</p>}
      </section>
    );
  }
  const seed = data.seed;
  return (
    <section aria-labelledby="agreement-heading">
      <h2 id="agreement-heading">Agreement between models</h2>
      <p className="muted">
        Models have different bases, so they are compared through the data: for each layer of a and each layer of b, the correlation over the same prompts of each prompt&apos;s
        projection onto that model&apos;s own difference-of-means direction. A high correlation means the two layers order the prompts the same way along their
        concept direction. The same-recipe pair (two seeds of one training recipe) shows how much agreement to expect from seeds alone.
      </p>
      <div className="across-agreement">
        <div>
          {data.pair.status === "ok" ? (
            <PairPanel pair={data.pair} id="pair" title={`${data.pair.a.model} × ${data.pair.b.model}`} />
          ) : (
            <>
              <h3>
                {data.pair.a} × {data.pair.b}
              </h3>
              <Refusal pair={data.pair} id="pair" />
            </>
          )}
        </div>
        <div data-testid="agreement-seed-baseline">
          {seed.pair?.status === "ok" ? (
            <PairPanel pair={seed.pair} id="seed" title={`Same recipe, different seed: ${seed.pair.a.model} × ${seed.pair.b.model}${seed.recipe ? ` (recipe ${seed.recipe})` : ""}`} />
          ) : (
            <>
              <h3>Same recipe, different seed</h3>
              {seed.pair?.status === "refused" ? (
                <Refusal pair={seed.pair} id="seed" />
              ) : (
                <p className="empty" data-testid="agreement-seed-missing">
                  {seed.message}
                </p>
              )}
            </>
          )}
        </div>
      </div>
    </section>
  );
}
