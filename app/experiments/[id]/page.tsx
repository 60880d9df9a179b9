import type { Metadata } from "next";
import Link from "next/link";
import { claimSchema, describeClaim } from "~/server/experiments/claims";
import { api } from "~/server/trpc/server-caller";
import { CommentThread } from "../../_components/comments/comment-thread";
import { VerdictBadge, verdictSentence } from "../../_components/verdict-badge";
import { RenderedMarkdown } from "../../_components/markdown";
import { formatAuthors, formatDateTime, formatHeadline, plural } from "../../_lib/format";
import { DatasetPreviewView } from "../../_experiments/dataset-preview";
import { RunTable, type RunRow } from "../../_experiments/run-table";
import { loadExperiment, versionParam } from "./load";

interface Props {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params, searchParams }: Props): Promise<Metadata> {
  const { id } = await params;
  const { version } = await loadExperiment(id, versionParam((await searchParams).version));
  return { title: version.title };
}

export default async function ExperimentPage({ params, searchParams }: Props) {
  const { id } = await params;
  // Loaded (and a 404 decided) before anything streams.
  const data = await loadExperiment(id, versionParam((await searchParams).version));
  const { experiment, version, permissions, techniques, papers, dataset, runs, versions } = data;
  const isLatest = version.version === experiment.latestVersion;
  const rows: RunRow[] = runs.map((r) => ({
    id: r.id,
    modelName: r.modelName,
    modelSha256: r.modelSha256,
    attempt: r.attempt,
    status: r.status,
    stage: r.stage,
    percent: r.percent,
    examplesDone: r.examplesDone,
    examplesTotal: r.examplesTotal,
    currentLayer: r.currentLayer,
    error: r.error,
    cancelRequested: r.cancelRequested,
    headline: r.headline ? formatHeadline(r.headline) : null,
  }));
  const claims = (Array.isArray(version.claims) ? version.claims : []).map((c) => claimSchema.safeParse(c));
  // Per model, its latest finished run of this version with each claim's check.
  const verdicts = claims.length === 0 ? [] : await (await api()).runs.verdicts({ versionId: version.id });
  const emptyRuns =
    experiment.state === "draft"
      ? "No runs yet — publish to queue one per hosted model."
      : "No runs yet — no hosted model is ready. A run is queued on every model as soon as it is ready.";

  return (
    <article className="page experiment-page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/experiments">Experiments</Link>
      </nav>
      <div className="page-head">
        <div>
          <h1 data-testid="experiment-title">{version.title}</h1>
          <p className="lede">
            <span className={`badge badge--${experiment.state}`} data-testid="experiment-state">
              {experiment.state === "draft" ? "draft" : "published"}
            </span>{" "}
            Version {version.version} of {experiment.latestVersion} · by {version.author}
            {version.publishedAt ? ` · published ${formatDateTime(version.publishedAt)}` : ` · saved ${formatDateTime(version.createdAt)}`}
          </p>
        </div>
        {permissions.canEdit && (
          <Link href={`/experiments/${experiment.id}/edit`} className="button" data-testid="edit-experiment">
            {experiment.state === "draft" ? "Edit or publish" : "Edit (new version)"}
          </Link>
        )}
      </div>
      {experiment.state === "draft" && <p className="notice notice--info">This is a draft: only its author and moderators can see it. Publishing queues one run per hosted model.</p>}
      {!isLatest && (
        <p className="notice notice--info" data-testid="old-version">
          You are reading version {version.version}. <Link href={`/experiments/${experiment.id}`}>Read the latest (version {experiment.latestVersion})</Link>.
        </p>
      )}

      <section aria-labelledby="question">
        <h2 id="question">Question</h2>
        {version.question.trim() === "" ? (
          <p className="empty">No question written.</p>
        ) : (
          <RenderedMarkdown html={version.questionHtml} source={version.question} error={version.questionRenderError} />
        )}
      </section>

      <div className="two-col">
        <section aria-labelledby="techniques">
          <h2 id="techniques">Techniques</h2>
          {techniques.length === 0 ? (
            <p className="empty">Not tied to a technique.</p>
          ) : (
            <ul className="chips">
              {techniques.map((t) => (
                <li key={t.slug} className="chip">
                  <Link href={`/techniques/${t.slug}`}>{t.name}</Link>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="papers">
          <h2 id="papers">Papers</h2>
          {papers.length === 0 ? (
            <p className="empty">No papers cited.</p>
          ) : (
            <ul className="plain-list">
              {papers.map((p) => (
                <li key={p.id}>
                  <Link href={`/papers/${p.id}`}>{p.title}</Link> <span className="muted">— {formatAuthors(p.authors, 3)}{p.year !== null ? `, ${p.year}` : ""}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section aria-labelledby="runs">
        <h2 id="runs">Runs of version {version.version}</h2>
        <RunTable runs={rows} canControl={permissions.canControlRuns} emptyText={emptyRuns} />
        <p>
          <Link href={`/experiments/${experiment.id}/across-models`} data-testid="across-models-link">
            Across models →
          </Link>{" "}
          <span className="muted">one metric&apos;s curves for every model by relative depth, with the claimed values marked.</span>
        </p>
      </section>

      <section aria-labelledby="claims">
        <h2 id="claims">Claims</h2>
        {claims.length === 0 ? (
          <p className="empty">The author claims nothing checkable yet.</p>
        ) : (
          <ol className="claims-list" data-testid="claims">
            {claims.map((c, i) =>
              c.success ? (
                <li key={i} data-testid="claim">
                  <strong>{describeClaim(c.data)}</strong>
                  {c.data.note && <p className="hint">{c.data.note}</p>}
                  {verdicts.length === 0 ? (
                    <p className="muted" data-testid="claim-unchecked">
                      Checked against each model once its run of this version is done; none is done yet.
                    </p>
                  ) : (
                    <ul className="verdict-list" aria-label="Verdict on each model" data-testid="claim-verdicts">
                      {verdicts.map((v) => {
                        const check = v.checks.find((k) => k.claimIndex === i);
                        return (
                          <li key={v.runId} className="verdict-list__item" data-testid="claim-verdict" data-model={v.model} data-verdict={check?.verdict ?? "missing"}>
                            <VerdictBadge verdict={check?.verdict ?? "missing"} />
                            <span>
                              <Link href={`/runs/${v.runId}`}>{v.model}</Link>
                              {v.attempt > 0 && <span className="muted"> (rerun {v.attempt})</span>}
                            </span>
                            <span className="verdict-list__summary">{check ? verdictSentence(check.summary) : "This run was checked before the claim was added."}</span>
                          </li>
                        );
                      })}
                    </ul>
                  )}
                </li>
              ) : (
                <li key={i} className="muted">
                  A claim in an older format that cannot be read.
                </li>
              ),
            )}
          </ol>
        )}
      </section>

      <section aria-labelledby="data">
        <h2 id="data">Data set</h2>
        {dataset ? (
          <>
            <p>
              #{dataset.id} “{dataset.name}” · {dataset.format.toUpperCase()} · {(dataset.bytes / 1024).toFixed(1)} KB ·{" "}
              <a href={`/api/datasets/${dataset.id}/download`} download data-testid="dataset-download">
                Download
              </a>
            </p>
            <DatasetPreviewView preview={dataset.preview} />
          </>
        ) : (
          <p className="empty">The data are written into the spec below.</p>
        )}
      </section>

      <section aria-labelledby="spec">
        <h2 id="spec">Probe spec</h2>
        <details className="spec-details">
          <summary>Show the spec (JSON)</summary>
          <pre className="code-block" data-testid="experiment-spec">
            {JSON.stringify(version.spec, null, 2)}
          </pre>
        </details>
      </section>

      <section aria-labelledby="history">
        <h2 id="history">Version history</h2>
        <ol className="history" reversed data-testid="versions">
          {versions.map((v) => (
            <li key={v.version} className="history__item">
              {v.version === version.version ? (
                <strong aria-current="page">Version {v.version}</strong>
              ) : (
                <Link href={v.version === experiment.latestVersion ? `/experiments/${experiment.id}` : `/experiments/${experiment.id}?version=${v.version}`}>Version {v.version}</Link>
              )}{" "}
              <span className="muted">
                · {v.publishedAt ? `published ${formatDateTime(v.publishedAt)}` : `draft saved ${formatDateTime(v.createdAt)}`} · {plural(v.runs, "run")}
              </span>
              {v.changeNote && <p className="history__message">{v.changeNote}</p>}
            </li>
          ))}
        </ol>
      </section>

      <CommentThread target="experiment" id={experiment.id} />
    </article>
  );
}
