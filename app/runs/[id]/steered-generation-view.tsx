import type { SteeredGenerationResult } from "~/server/services/runs/causal-results";
import styles from "./causal.module.css";
import { fmt } from "./format";

/**
 * Steered generation: per prompt, the model's own continuation beside the steered one and the one
 * steered along a random direction of the same norm (the baseline every steering claim must beat),
 * for each (layer, strength); then the target words' log-probability shifts against the baseline's.
 */

const signed = (v: number | null) => (v === null ? "—" : `${v > 0 ? "+" : ""}${v.toFixed(3)}`);

export function SteeredGenerationView({ result, id }: { result: SteeredGenerationResult; id: string }) {
  const hasShifts = result.summary.some((s) => s.meanTargetShift !== null);
  return (
    <div data-testid={`${id}-steered`}>
      <p>
        Added after block{result.layers.length === 1 ? "" : "s"} {result.layers.join(", ")} at strength{result.strengths.length === 1 ? "" : "s"} {result.strengths.join(", ")} (multiples of the mean residual norm at that layer); direction norm{" "}
        {result.layers.map((l, i) => `${fmt(result.directionNorm[i] ?? null)} at layer ${l}`).join(", ")}. The baseline adds a random direction of the same norm.
      </p>
      {hasShifts && (
        <div className="table-scroll">
          <table className="data-table" data-testid={`${id}-steered-summary`}>
            <caption>Mean shift of log p(target words) − log p(opposite words) at the first generated token, steered minus default (nats)</caption>
            <thead>
              <tr>
                <th scope="col">Layer</th>
                <th scope="col">Strength</th>
                <th scope="col">Steered</th>
                <th scope="col">Random baseline</th>
                <th scope="col">Steered − baseline</th>
              </tr>
            </thead>
            <tbody>
              {result.summary.map((s) => {
                const gap = s.meanTargetShift !== null && s.meanBaselineShift !== null ? s.meanTargetShift - s.meanBaselineShift : null;
                return (
                  <tr key={`${s.layer}|${s.strength}`}>
                    <th scope="row">{s.layer}</th>
                    <td>{s.strength}</td>
                    <td data-value={s.meanTargetShift ?? ""}>{signed(s.meanTargetShift)}</td>
                    <td data-value={s.meanBaselineShift ?? ""}>{signed(s.meanBaselineShift)}</td>
                    <td data-value={gap ?? ""}>
                      <strong>{signed(gap)}</strong>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {result.prompts.map((p, i) => (
        <section key={i} aria-labelledby={`${id}-steered-prompt-${i}`} data-testid={`${id}-steered-prompt`}>
          <h4 id={`${id}-steered-prompt-${i}`} className={styles.prompt}>
            Prompt {i + 1}: <q>{p.text}</q>
          </h4>
          <p>
            <span className="muted">Default: </span>
            <span className={styles.continuation}>{p.text}</span>
            <strong className={styles.continuation} data-testid={`${id}-default`}>
              {p.default}
            </strong>
          </p>
          <div className="table-scroll">
            <table className="data-table">
              <caption className="visually-hidden">Continuations of prompt {i + 1}, steered and along a random direction of the same norm, per layer and strength</caption>
              <thead>
                <tr>
                  <th scope="col">Layer</th>
                  <th scope="col">Strength</th>
                  <th scope="col">Steered</th>
                  <th scope="col">Random direction</th>
                  {hasShifts && <th scope="col">Shift (steered / random)</th>}
                </tr>
              </thead>
              <tbody>
                {p.cells.map((c) => (
                  <tr key={`${c.layer}|${c.strength}`}>
                    <th scope="row">{c.layer}</th>
                    <td>{c.strength}</td>
                    <td className={styles.continuation} data-testid={`${id}-steered-text`}>
                      {c.steered}
                    </td>
                    <td className={styles.continuation}>{c.baseline}</td>
                    {hasShifts && (
                      <td>
                        {signed(c.targetShift)} / {signed(c.baselineShift)}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}
