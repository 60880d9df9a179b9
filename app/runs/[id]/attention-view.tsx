import { type AttentionPatternsResult, bestHeads } from "~/server/services/runs/causal-results";
import { AttentionViewer } from "./attention-viewer";
import { fmt } from "./format";
import { HeatGrid, HeatLegend } from "./heat-grid";

/**
 * Attention patterns: the heads' summary scores (how much each attends to the previous token, to the
 * first token, and — on repeated random tokens — to the token after the earlier copy of the current
 * one: induction), the best head of each outlined; then the patterns themselves.
 */

const SCORES = [
  { key: "previousToken", label: "Previous-token score", what: "mean attention to the previous token" },
  { key: "firstToken", label: "First-token score", what: "mean attention to the first (BOS) token" },
  { key: "induction", label: "Induction score", what: "mean attention, on a repeated random sequence, to the token after the earlier copy of the current token" },
] as const;

export function AttentionView({ result, runId, methodIndex, id }: { result: AttentionPatternsResult; runId: number; methodIndex: number; id: string }) {
  const best = bestHeads(result);
  const heads = Array.from({ length: result.nHeads }, (_, h) => h);
  return (
    <div data-testid={`${id}-attention`}>
      <p>
        Best heads:{" "}
        {SCORES.map((s, k) => {
          const b = best[s.key];
          return (
            <span key={s.key} data-testid={`${id}-best-${s.key}`}>
              {k > 0 && "; "}
              {s.label.replace(" score", "").toLowerCase()} {b ? `layer ${b.layer} head ${b.head} (${fmt(b.score)})` : "—"}
            </span>
          );
        })}
        .
      </p>
      <HeatLegend scale="probability" label="Score" ticks={["0", "0.5", "1"]} />
      {SCORES.map((s) => (
        <figure key={s.key} className="chart-figure">
          <HeatGrid
            testId={`${id}-scores-${s.key}`}
            caption={`${s.label} per layer (rows) and head (columns)`}
            rowHeader="Layer"
            rows={result.layers.map((l) => `L${l}`)}
            columns={heads.map((h) => `H${h}`)}
            columnTitles={heads.map((h) => `head ${h}`)}
            cells={result.scores.map((row, i) =>
              row.map((score, h) => {
                const isBest = best[s.key]?.layer === result.layers[i] && best[s.key]?.head === h;
                return { value: score[s.key], tip: `Layer ${result.layers[i]}, head ${h}: ${s.label.toLowerCase()} ${fmt(score[s.key])}${isBest ? " (the best head)" : ""}`, best: isBest };
              }),
            )}
            scale="probability"
          />
          <figcaption>
            {s.label}: {s.what}; the best head is outlined.
          </figcaption>
        </figure>
      ))}
      <h4>Patterns</h4>
      <AttentionViewer runId={runId} methodIndex={methodIndex} layers={result.layers} nHeads={result.nHeads} prompts={result.prompts} id={id} />
    </div>
  );
}
