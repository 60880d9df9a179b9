import Link from "next/link";
import { VerdictBadge } from "../../_components/verdict-badge";
import { formatDate, plural } from "../../_lib/format";
import type { RouterOutputs } from "../../_lib/types";

type Evidence = RouterOutputs["evidence"]["technique"];

const STATUS_LABEL: Record<string, string> = { queued: "queued", running: "running", done: "done", failed: "failed", cancelled: "cancelled" };

/** 0.9234 → "0.923"; counts stay whole. */
function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

type Counts = Evidence["reproduction"];

/** "reproduced on 2 models, partly on 1": the non-zero verdict counts of some runs. */
function verdictCounts(c: Pick<Counts, "reproduced" | "partly" | "notReproduced" | "unchecked">, unit: string): string {
  const parts = [
    c.reproduced ? `reproduced on ${plural(c.reproduced, unit)}` : "",
    c.partly ? `partly on ${plural(c.partly, unit)}` : "",
    c.notReproduced ? `not reproduced on ${plural(c.notReproduced, unit)}` : "",
    c.unchecked ? `nothing checkable on ${plural(c.unchecked, unit)}` : "",
  ].filter(Boolean);
  return parts.join(", ");
}

/** The technique's reproduction rate, what it counts and how it is computed. */
function ReproductionRate({ reproduction }: { reproduction: Counts }) {
  const runs = reproduction.reproduced + reproduction.partly + reproduction.notReproduced + reproduction.unchecked;
  return (
    <div className="evidence__rate" data-testid="reproduction-rate">
      {reproduction.rate === null ? (
        <p>
          <strong>Reproduction rate: not checked yet.</strong>{" "}
          {runs === 0 ? "No run of an experiment with claims has finished." : `${plural(runs, "finished run")}, none with a claim it could check.`}
        </p>
      ) : (
        <p>
          <strong>Reproduction rate: {Math.round(reproduction.rate * 100)}%</strong> — the experiments&apos; claims were {verdictCounts(reproduction, "run")}.
        </p>
      )}
      <p className="hint">
        Each published experiment counts once per model: the latest finished run of its latest version (a rerun replaces the earlier attempt; drafts and older
        versions do not count). Rate = (reproduced + ½ × partly) ÷ (reproduced + partly + not reproduced); runs with nothing to check are left out.
      </p>
    </div>
  );
}

/**
 * What the community's experiments show about this technique: its reproduction rate, each
 * published experiment that exercises it, and its runs per model with the best-layer headline
 * metric and the claims' verdict.
 */
export function EvidenceSection({ evidence }: { evidence: Evidence }) {
  const { technique, experiments, totals } = evidence;
  const propose = `/experiments/new?technique=${encodeURIComponent(technique.slug)}`;
  return (
    <section aria-labelledby="evidence" className="evidence" data-testid="evidence">
      <h2 id="evidence">
        Evidence{" "}
        <span className="muted">
          ({plural(totals.experiments, "experiment")}, {plural(totals.runsDone, "finished run")})
        </span>
      </h2>
      {experiments.length === 0 ? (
        <p className="empty" data-testid="evidence-empty">
          No experiment has tested {technique.name} yet. <Link href={propose}>Propose an experiment</Link>.
        </p>
      ) : (
        <>
          <ReproductionRate reproduction={evidence.reproduction} />
          <ul className="evidence__list">
            {experiments.map((e) => (
              <li key={e.id} className="evidence__item" data-testid="evidence-experiment">
                <h3 className="evidence__title">
                  <Link href={`/experiments/${e.id}`}>{e.title}</Link>{" "}
                  <span className="muted">
                    v{e.version} by {e.owner}
                    {e.publishedAt ? `, ${formatDate(e.publishedAt)}` : ""}
                  </span>
                </h3>
                <p className="evidence__claims" data-testid="evidence-claims">
                  {e.claims.total === 0
                    ? "No structured claims."
                    : e.runs.every((r) => r.verdict === null)
                      ? `${plural(e.claims.total, "claim")}, checked on each model once its run is done; none is done yet.`
                      : `${plural(e.claims.total, "claim")}: ${verdictCounts(e.claims.verdicts, "model")}.`}
                </p>
                {e.runs.length === 0 ? (
                  <p className="muted">No runs yet.</p>
                ) : (
                  <table className="data-table evidence__runs">
                    <caption className="visually-hidden">Runs of {e.title} per model</caption>
                    <thead>
                      <tr>
                        <th scope="col">Model</th>
                        <th scope="col">Status</th>
                        <th scope="col">Headline (best layer)</th>
                        <th scope="col">Claims</th>
                      </tr>
                    </thead>
                    <tbody>
                      {e.runs.map((r) => (
                        <tr key={r.id} data-testid="evidence-run">
                          <th scope="row">
                            <Link href={`/runs/${r.id}`}>{r.model}</Link>
                          </th>
                          <td>
                            <span className={`status status--${r.status}`}>{STATUS_LABEL[r.status] ?? r.status}</span>
                            {r.attempt > 0 && <span className="muted"> (rerun {r.attempt})</span>}
                          </td>
                          <td data-testid="evidence-headline">
                            {r.headline ? (
                              <>
                                <code>{r.headline.metric}</code> = <strong>{formatValue(r.headline.value)}</strong>
                                {r.headline.layer !== null && <span className="muted"> at layer {r.headline.layer}</span>}
                                {r.headline.runId !== r.id && (
                                  <>
                                    {" "}
                                    <Link href={`/runs/${r.headline.runId}`} className="muted">
                                      (earlier run)
                                    </Link>
                                  </>
                                )}
                              </>
                            ) : (
                              <span className="muted">—</span>
                            )}
                          </td>
                          <td data-testid="evidence-verdict">
                            {r.verdict ? (
                              <>
                                <VerdictBadge verdict={r.verdict.value} />
                                {r.verdict.runId !== r.id && (
                                  <>
                                    {" "}
                                    <Link href={`/runs/${r.verdict.runId}`} className="muted">
                                      (earlier run)
                                    </Link>
                                  </>
                                )}
                              </>
                            ) : (
                              <VerdictBadge verdict="not_run" title="No finished run on this model yet." />
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </li>
            ))}
          </ul>
          <p>
            <Link href={propose}>Propose another experiment</Link>
          </p>
        </>
      )}
    </section>
  );
}
