import type { Metadata } from "next";
import Link from "next/link";
import { relativeDepth } from "~/server/experiments/relative-depth";
import { api } from "~/server/trpc/server-caller";
import { Pagination } from "../../_components/pagination";
import { formatDateTime, plural } from "../../_lib/format";
import { formatBytes, formatCount, formatHeads, formatLoss, formatMetricValue, MODEL_STATUS_HINTS, MODEL_STATUS_LABELS, modelHref, RUN_STATUS_LABELS } from "../format";
import { VerdictCounts, VerdictLabel } from "../verdicts";
import { loadModel, pageParam } from "./load";
import { QueueAllButton } from "./queue-all-button";

interface Props {
  params: Promise<{ name: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** The name from the URL; a malformed escape is left as it is (and is then not found). */
function nameParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export async function generateMetadata({ params, searchParams }: Props): Promise<Metadata> {
  const { model } = await loadModel(nameParam((await params).name), pageParam((await searchParams).page));
  return { title: `${model.name} · Models` };
}

export default async function ModelPage({ params, searchParams }: Props) {
  const name = nameParam((await params).name);
  const page = pageParam((await searchParams).page);
  const [data, me] = await Promise.all([loadModel(name, page), api().then((caller) => caller.users.me())]);
  const { model, runs, notYetRun, variants, sameRecipe, canQueue } = data;
  const isModerator = me !== null && (me.role === "moderator" || me.role === "admin");
  const href = modelHref(model.name);
  const firstShown = (runs.page - 1) * runs.pageSize + 1;

  return (
    <article className="page model-page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/models">Models</Link> / {model.name}
      </nav>
      <header className="page-head">
        <div>
          <h1 data-testid="model-name">{model.name}</h1>
          <p className="lede">
            {model.architecture ?? "Architecture not known yet"}
            {model.parameterCount !== null && <> · {formatCount(model.parameterCount)} parameters</>}
            {model.layers !== null && <> · {plural(model.layers, "layer")}</>}
            {model.precision && <> · {model.precision}</>}
          </p>
        </div>
        <div className="models-head-actions">
          <span className={`badge models-status models-status--${model.status}`} data-testid="model-status">
            {MODEL_STATUS_LABELS[model.status] ?? model.status}
          </span>
          <Link href={`/compare?model=${encodeURIComponent(model.name)}`} className="button button--ghost">
            Compare across models
          </Link>
        </div>
      </header>

      <p className={model.status === "failed" ? "notice notice--error" : "notice notice--info"} role={model.status === "failed" ? "alert" : undefined} data-testid="model-status-reason">
        {MODEL_STATUS_HINTS[model.status]}
        {model.statusReason && <> {model.statusReason}</>}
        {model.download && model.download.done !== null && (
          <>
            {" "}
            {formatBytes(model.download.done)}
            {model.download.total !== null && ` of ${formatBytes(model.download.total)}`} so far.
          </>
        )}
      </p>

      <div className="layout-2col">
        <section aria-labelledby="facts">
          <h2 id="facts">Facts</h2>
          <dl className="facts" data-testid="model-facts">
            <dt>Architecture</dt>
            <dd>{model.architecture ?? "—"}</dd>
            <dt>Parameters</dt>
            <dd data-testid="fact-parameters">{formatCount(model.parameterCount)}</dd>
            <dt>Layers</dt>
            <dd data-testid="fact-layers">{formatCount(model.layers)}</dd>
            <dt>d_model</dt>
            <dd>{formatCount(model.dModel)}</dd>
            <dt>Attention heads</dt>
            <dd>{formatHeads(model.nHeads, model.nKvHeads)}</dd>
            <dt>Context length</dt>
            <dd>{model.contextLength === null ? "—" : `${formatCount(model.contextLength)} tokens`}</dd>
            <dt>Vocabulary</dt>
            <dd>{model.vocabSize === null ? "—" : `${formatCount(model.vocabSize)} tokens`}</dd>
            <dt>Precision</dt>
            <dd>{model.precision ?? "—"}</dd>
            {model.baseModel && (
              <>
                <dt>Base model</dt>
                <dd data-testid="fact-base-model">
                  <Link href={modelHref(model.baseModel.name)}>{model.baseModel.name}</Link> <span className="muted">(this model is a {model.precision ?? "lower-precision"} conversion of it)</span>
                </dd>
              </>
            )}
            {variants.length > 0 && (
              <>
                <dt>Precision variants</dt>
                <dd>
                  <ul className="models-inline-list">
                    {variants.map((v) => (
                      <li key={v.name}>
                        <Link href={modelHref(v.name)}>{v.name}</Link>
                        {v.precision && <span className="muted"> ({v.precision})</span>}
                      </li>
                    ))}
                  </ul>
                </dd>
              </>
            )}
            <dt>Recipe</dt>
            <dd>
              {model.recipe ?? "—"}
              {sameRecipe.length > 0 && (
                <div className="muted">
                  Same recipe, other seeds:{" "}
                  <ul className="models-inline-list">
                    {sameRecipe.map((v) => (
                      <li key={v.name}>
                        <Link href={modelHref(v.name)}>{v.name}</Link>
                      </li>
                    ))}
                  </ul>
                </div>
              )}
            </dd>
            <dt>Held-out loss</dt>
            <dd data-testid="fact-loss">{formatLoss(model.heldOutLoss)}</dd>
            <dt>Source</dt>
            <dd>
              {model.source.href ? (
                <a href={model.source.href} rel="noopener noreferrer">
                  {model.source.label}
                </a>
              ) : (
                model.source.label
              )}
            </dd>
            <dt>Licence</dt>
            <dd>{model.licence ?? "Not stated"}</dd>
            <dt>sha256</dt>
            <dd>{model.sha256 ? <code data-testid="fact-sha256">{model.sha256}</code> : "Not known until the weights are fetched"}</dd>
            <dt>Registered</dt>
            <dd>{formatDateTime(model.createdAt)}</dd>
          </dl>
        </section>

        <section aria-labelledby="queue" className="card models-queue">
          <h2 id="queue">Published experiments on this model</h2>
          <p data-testid="model-summary">
            {plural(model.experimentsDone, "published experiment")} finished on {model.name}
            {model.experimentsDone > 0 ? ", with these verdicts:" : "."}
          </p>
          {model.experimentsDone > 0 && <VerdictCounts verdicts={model.verdicts} />}
          <p data-testid="not-yet-run">
            {notYetRun === 0 ? "Every published experiment has a run on this model." : `${plural(notYetRun, "published experiment")} ${notYetRun === 1 ? "has" : "have"} not run on it yet.`}
          </p>
          {isModerator ? (
            <QueueAllButton name={model.name} notYetRun={notYetRun} canQueue={canQueue} statusLabel={MODEL_STATUS_LABELS[model.status] ?? model.status} />
          ) : (
            <p className="muted" data-testid="queue-explainer">
              Runs cost worker time, so moderators queue every published experiment on a model at once. A model that becomes ready gets them automatically.
              {me === null && (
                <>
                  {" "}
                  <Link href={`/signin?callbackUrl=${encodeURIComponent(href)}`}>Sign in</Link> if you are a moderator.
                </>
              )}
            </p>
          )}
        </section>
      </div>

      <section aria-labelledby="runs">
        <div className="results-head">
          <h2 id="runs">
            Experiments run on {model.name} {runs.total > 0 && <span className="muted">({runs.total})</span>}
          </h2>
          <p className="models-exports">
            Download: <a href={`/api/models/${encodeURIComponent(model.name)}?format=csv`}>CSV</a> ·{" "}
            <a href={`/api/models/${encodeURIComponent(model.name)}?format=json`}>JSON</a>
          </p>
        </div>
        {runs.items.length === 0 ? (
          <p className="empty" data-testid="model-runs-empty">
            {runs.total > 0 ? (
              <>
                No experiments on this page. <Link href={href}>Back to the first page</Link>.
              </>
            ) : (
              "No published experiment has run on this model yet."
            )}
          </p>
        ) : (
          <div className="table-scroll">
            <table className="data-table" data-testid="model-runs">
              <caption className="visually-hidden">Published experiments run on {model.name}, newest first, from {firstShown}</caption>
              <thead>
                <tr>
                  <th scope="col">Experiment</th>
                  <th scope="col">Version</th>
                  <th scope="col">Run</th>
                  <th scope="col">Headline</th>
                  <th scope="col">Verdict</th>
                  <th scope="col">Finished</th>
                </tr>
              </thead>
              <tbody>
                {runs.items.map((r) => (
                  <tr key={r.runId} data-testid="model-run-row">
                    <th scope="row">
                      <Link href={`/experiments/${r.experimentId}`}>{r.title}</Link> <span className="muted">#{r.experimentId}</span>
                    </th>
                    <td>
                      <Link href={`/experiments/${r.experimentId}?version=${r.version}`}>v{r.version}</Link>
                    </td>
                    <td>
                      <Link href={`/runs/${r.runId}`}>Run #{r.runId}</Link> <span className={`status status--${r.status}`}>{RUN_STATUS_LABELS[r.status] ?? r.status}</span>
                      {r.attempt > 0 && <span className="muted"> attempt {r.attempt}</span>}
                    </td>
                    <td>
                      {r.headlineMetric !== null && r.headlineValue !== null ? (
                        <>
                          <code>{r.headlineMetric}</code> {formatMetricValue(r.headlineValue)}
                          {r.headlineLayer !== null && (
                            <span className="muted">
                              {" "}
                              at layer {r.headlineLayer}
                              {model.layers !== null && ` (relative depth ${relativeDepth(r.headlineLayer, model.layers).toFixed(2)})`}
                            </span>
                          )}
                        </>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td>{r.status === "done" ? <VerdictLabel verdict={r.verdict} /> : <span className="muted">Not done</span>}</td>
                    <td className="data-table__date">{r.finishedAt ? formatDateTime(r.finishedAt) : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pagination page={runs.page} pageCount={runs.pageCount} href={(p) => (p > 1 ? `${href}?page=${p}` : href)} />
      </section>
    </article>
  );
}
