import Link from "next/link";
import { formatDate, plural } from "../../_lib/format";
import type { RouterOutputs } from "../../_lib/types";

type Evidence = RouterOutputs["evidence"]["technique"];

const STATUS_LABEL: Record<string, string> = { queued: "queued", running: "running", done: "done", failed: "failed", cancelled: "cancelled" };

/** 0.9234 → "0.923"; counts stay whole. */
function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

/**
 * What the community's experiments show about this technique: each published experiment that
 * exercises it, its runs per model with the best-layer headline metric, and its claims (checking
 * them against runs comes later, so none is reported as reproduced yet).
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
                <p className="evidence__claims">
                  {e.claims.total === 0
                    ? "No structured claims."
                    : e.claims.checked === 0
                      ? `${plural(e.claims.total, "claim")}, not yet checked against the runs.`
                      : `${e.claims.reproduced} of ${e.claims.checked} claims reproduced.`}
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
