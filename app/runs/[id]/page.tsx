import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { AnchorsChart } from "../../_charts/anchors-chart";
import { CosineHeatmapChart } from "../../_charts/heatmap";
import { LayerAxisSection } from "../../_charts/layer-axis";
import { LayerLineChart } from "../../_charts/line-chart";
import { NeuronScatterChart } from "../../_charts/neuron-scatter";
import { SteeringChart } from "../../_charts/steering-chart";
import { CommentThread } from "../../_components/comments/comment-thread";
import { VerdictBadge, verdictSentence } from "../../_components/verdict-badge";
import { formatDateTime } from "../../_lib/format";
import { CausalMethodView } from "./causal-view";
import { anchorsSummary, heatmapSummary, lineSummary, METHOD_LABELS, neuronSummary, steeringSummary } from "./format";
import { loadRun } from "./load";
import { RunLive } from "./run-live";
import { AnchorsTable, HeatmapTable, LayerTable, NeuronTable, SteeringTable, TableDisclosure } from "./tables";

interface Props {
  params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { run, experiment, model } = await loadRun((await params).id);
  return { title: `Run #${run.id}: ${experiment.title}${model ? ` on ${model.name}` : ""}` };
}

/** The facts the worker stores with a finished run; anything missing is shown as unknown. */
const factsSchema = z.looseObject({
  engineVersion: z.string().optional(),
  compilerVersion: z.string().optional(),
  onnxruntimeVersion: z.string().optional(),
  nodeVersion: z.string().optional(),
  seed: z.number().optional(),
  examples: z.number().optional(),
  batchSize: z.number().optional(),
  model: z.looseObject({ name: z.string().optional(), nLayers: z.number().optional(), dModel: z.number().optional() }).optional(),
});

const STATUS_LABELS: Record<string, string> = { queued: "Queued", running: "Running", done: "Done", failed: "Failed", cancelled: "Cancelled" };

function duration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return s < 120 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export default async function RunPage({ params }: Props) {
  const data = await loadRun((await params).id);
  const { run, model, experiment, artifacts, previous, determinism, permissions, charts, requestedBy, claims } = data;
  const facts = factsSchema.safeParse(run.facts ?? {}).data ?? {};
  const done = run.status === "done";
  const methodNames = z.array(z.looseObject({ method: z.string() })).catch([]).parse(run.metrics?.methods ?? []);
  const methodIndexes = [
    ...new Set([...charts.lines, ...charts.steering, ...charts.anchors, ...charts.heatmaps, ...charts.neuronMaps, ...charts.causal].map((c) => c.methodIndex)),
  ].sort((a, b) => a - b);
  const experimentHref = `/experiments/${experiment.id}?version=${experiment.version}`;

  return (
    <article className="page run-page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href={experimentHref}>{experiment.title}</Link> / Run #{run.id}
      </nav>
      <header className="page-head run-head">
        <div>
          <h1 data-testid="run-title">
            Run #{run.id}: {experiment.title}
          </h1>
          <p className="lede">
            <Link href={experimentHref}>Version {experiment.version}</Link>
            {experiment.version !== experiment.latestVersion && <> (the latest is version {experiment.latestVersion})</>} on{" "}
            <strong>{model ? <Link href={`/models/${encodeURIComponent(model.name)}`}>{model.name}</Link> : (facts.model?.name ?? "a removed model")}</strong> · attempt {run.attempt}
            {requestedBy && <> · {run.attempt > 0 ? "rerun requested" : "queued"} by {requestedBy}</>}
          </p>
          <p className="muted run-sha">
            Model sha256 <code data-testid="model-sha">{run.modelSha256}</code>
          </p>
        </div>
        <span className={`badge run-status run-status--${run.status}`} data-testid="run-status">
          {STATUS_LABELS[run.status] ?? run.status}
        </span>
      </header>

      {run.status === "failed" && (
        <div className="notice notice--error" role="alert" data-testid="run-error">
          The run failed: {run.error ?? "no reason was recorded."}
        </div>
      )}
      {run.status === "cancelled" && <p className="notice notice--info">This run was cancelled.</p>}

      <RunLive
        runId={run.id}
        canControl={permissions.canControl}
        initial={{ status: run.status, stage: run.stage, percent: run.percent, examplesDone: run.examplesDone, examplesTotal: run.examplesTotal, currentLayer: run.currentLayer, error: run.error, cancelRequested: run.cancelRequested }}
      />

      {previous && (
        <p className={`determinism determinism--${determinism ?? "none"}`} data-testid="determinism">
          {determinism === "byte-identical" && (
            <>
              Metrics byte-identical to <Link href={`/runs/${previous.id}`}>run #{previous.id}</Link> (the previous attempt with the same experiment version, model and engine).
            </>
          )}
          {determinism === "different" && (
            <>
              Metrics differ from <Link href={`/runs/${previous.id}`}>run #{previous.id}</Link> (the previous attempt with the same experiment version, model and engine).
            </>
          )}
          {determinism === "pending" && (
            <>
              Compared with <Link href={`/runs/${previous.id}`}>run #{previous.id}</Link> once both have metrics.
            </>
          )}
        </p>
      )}

      <section aria-labelledby="claims" data-testid="run-claims">
        <h2 id="claims">
          Claims {run.verdict && <VerdictBadge verdict={run.verdict} />}
        </h2>
        {claims.length === 0 ? (
          <p className="empty">The experiment makes no structured claims, so there is nothing to check on this run.</p>
        ) : (
          <>
            <p className="hint">
              {done
                ? "Each claim of this version checked against this run. A claim over a range of relative depth is reproduced when it holds at every measured block in the range, partly when it holds at some."
                : "Each claim is checked against this run when it is done."}
            </p>
            <ol className="verdict-claims">
              {claims.map((c) => (
                <li key={c.index} data-testid="run-claim" data-verdict={c.check?.verdict ?? "pending"}>
                  <div className="verdict-claim__head">
                    {c.check && <VerdictBadge verdict={c.check.verdict} />}
                    <strong>{c.text ?? "A claim in an older format that cannot be read."}</strong>
                    {c.model && <span className="muted">claimed on {c.model}</span>}
                  </div>
                  {c.check && (
                    <p className="verdict-claim__summary" data-testid="claim-summary">
                      {verdictSentence(c.check.summary)}
                      {c.check.hook && c.check.hook !== "blocks.{L}.hook_resid_post" && (
                        <span className="muted">
                          {" "}
                          Read at <code>{c.check.hook}</code>.
                        </span>
                      )}
                    </p>
                  )}
                  {c.note && <p className="hint">{c.note}</p>}
                </li>
              ))}
            </ol>
          </>
        )}
      </section>

      {done && (
        <section aria-labelledby="results">
          <h2 id="results">Results</h2>
          {methodIndexes.length === 0 && <p className="empty">This run's methods produced no charts; the metrics downloads below have every number.</p>}
          <LayerAxisSection>
            {methodIndexes.map((i) => {
              const method = methodNames[i]?.method ?? "";
              return (
                <section key={i} className="method-results" aria-labelledby={`method-${i}`}>
                  <h3 id={`method-${i}`}>
                    {METHOD_LABELS[method] ?? method} <span className="muted">(method {i + 1}, {method})</span>
                  </h3>
                  {charts.causal
                    .filter((v) => v.methodIndex === i)
                    .map((v) => (
                      <CausalMethodView key={`c${i}`} view={v} runId={run.id} />
                    ))}
                  {charts.lines
                    .filter((c) => c.methodIndex === i)
                    .map((c) => {
                      const summary = lineSummary(c);
                      return (
                        <figure key={c.id} className="chart-figure">
                          <LayerLineChart chart={c} summary={summary} />
                          <figcaption>{summary}</figcaption>
                          <TableDisclosure label={c.title}>
                            <LayerTable chart={c} />
                          </TableDisclosure>
                        </figure>
                      );
                    })}
                  {charts.steering
                    .filter((c) => c.methodIndex === i)
                    .map((c) => {
                      const summary = steeringSummary(c);
                      return (
                        <figure key={`s${i}`} className="chart-figure">
                          <SteeringChart curves={c} summary={summary} id={`m${i}-steering-curves`} />
                          <figcaption>{summary}</figcaption>
                          <TableDisclosure label="steering effect per layer and α">
                            <SteeringTable curves={c} />
                          </TableDisclosure>
                        </figure>
                      );
                    })}
                  {charts.anchors
                    .filter((c) => c.methodIndex === i)
                    .map((c) => {
                      const summary = anchorsSummary(c);
                      return (
                        <figure key={`a${i}`} className="chart-figure">
                          <AnchorsChart anchors={c} summary={summary} id={`m${i}-anchors`} />
                          <figcaption>{summary}</figcaption>
                          <TableDisclosure label="query positions per layer">
                            <AnchorsTable anchors={c} />
                          </TableDisclosure>
                        </figure>
                      );
                    })}
                  {charts.heatmaps
                    .filter((c) => c.methodIndex === i)
                    .map((c, k) => {
                      const summary = heatmapSummary(c);
                      const id = `m${i}-cosines-${k}`;
                      return (
                        <figure key={id} className="chart-figure">
                          <CosineHeatmapChart heatmap={c} summary={summary} id={id} />
                          <figcaption>
                            {summary} Hook <code>{c.hook}</code>.
                          </figcaption>
                          <TableDisclosure label="layer × layer cosines">
                            <HeatmapTable heatmap={c} id={id} />
                          </TableDisclosure>
                        </figure>
                      );
                    })}
                  {charts.neuronMaps
                    .filter((c) => c.methodIndex === i)
                    .map((c, k) => {
                      const summary = neuronSummary(c);
                      const id = `m${i}-neurons-${k}`;
                      return (
                        <figure key={id} className="chart-figure">
                          <NeuronScatterChart map={c} summary={summary} id={id} />
                          <figcaption>
                            {summary} Hover a dot for the neuron&apos;s top-activating snippets (the token between ⟦ and ⟧).
                          </figcaption>
                          <TableDisclosure label="neurons">
                            <NeuronTable map={c} id={id} />
                          </TableDisclosure>
                        </figure>
                      );
                    })}
                </section>
              );
            })}
          </LayerAxisSection>
        </section>
      )}

      <div className="layout-2col run-meta">
        <section aria-labelledby="facts">
          <h2 id="facts">Run facts</h2>
          <dl className="facts" data-testid="run-facts">
            <dt>Model</dt>
            <dd>
              {model ? <Link href={`/models/${encodeURIComponent(model.name)}`}>{model.name}</Link> : (facts.model?.name ?? "—")}
              {facts.model?.nLayers !== undefined && ` (${facts.model.nLayers} layers, d_model ${facts.model.dModel ?? "?"})`}
            </dd>
            <dt>Model sha256</dt>
            <dd>
              <code>{run.modelSha256}</code>
            </dd>
            <dt>Probe engine</dt>
            <dd>{facts.engineVersion ?? run.engineVersion}</dd>
            <dt>Graph compiler</dt>
            <dd>{facts.compilerVersion ?? "—"}</dd>
            <dt>onnxruntime</dt>
            <dd>{facts.onnxruntimeVersion ?? "—"}</dd>
            <dt>Node.js</dt>
            <dd>{facts.nodeVersion ?? "—"}</dd>
            <dt>Seed</dt>
            <dd>{facts.seed ?? "—"}</dd>
            <dt>Examples</dt>
            <dd>{facts.examples ?? run.examplesTotal ?? "—"}</dd>
            <dt>Duration</dt>
            <dd>{duration(run.durationMs)}</dd>
            <dt>Worker</dt>
            <dd>{run.worker ?? "—"}</dd>
            <dt>Queued</dt>
            <dd>{formatDateTime(run.createdAt)}</dd>
            <dt>Started</dt>
            <dd>{run.startedAt ? formatDateTime(run.startedAt) : "—"}</dd>
            <dt>Finished</dt>
            <dd>{run.finishedAt ? formatDateTime(run.finishedAt) : "—"}</dd>
            <dt>Metrics sha256</dt>
            <dd>{run.metricsSha256 ? <code>{run.metricsSha256}</code> : "—"}</dd>
          </dl>
        </section>

        <section aria-labelledby="downloads">
          <h2 id="downloads">Downloads</h2>
          {done ? (
            <ul className="downloads" data-testid="downloads">
              <li>
                <a href={`/api/runs/${run.id}/metrics?format=csv`}>Metrics (CSV)</a>
              </li>
              <li>
                <a href={`/api/runs/${run.id}/metrics?format=json`}>Metrics (JSON)</a>
              </li>
              {artifacts.length > 0 && (
                <li>
                  <a href={`/api/runs/${run.id}/artifacts?format=safetensors`}>All artifacts (.safetensors)</a>
                  <details>
                    <summary>
                      {artifacts.length} artifact{artifacts.length === 1 ? "" : "s"} as NumPy .npy
                    </summary>
                    <ul className="artifact-list">
                      {artifacts.map((a) => (
                        <li key={a.id}>
                          <a href={`/api/runs/${run.id}/artifacts?format=npy&name=${encodeURIComponent(a.downloadName)}`}>{a.downloadName}.npy</a>{" "}
                          <span className="muted">
                            [{a.shape.join(" × ")}] float32, {a.bytes.toLocaleString("en-GB")} bytes
                          </span>
                        </li>
                      ))}
                    </ul>
                  </details>
                </li>
              )}
            </ul>
          ) : (
            <p className="empty">Downloads appear when the run is done.</p>
          )}
        </section>
      </div>

      <CommentThread target="run" id={run.id} />
    </article>
  );
}
