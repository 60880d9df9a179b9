import type { ActivationPatchingResult } from "~/server/services/runs/causal-results";
import { fmt } from "./format";
import { HeatGrid, HeatLegend } from "./heat-grid";
import { quoteToken, showToken } from "./colour-scale";

/**
 * Activation patching: how much of the clean answer's logit difference comes back when one
 * activation of the corrupted run is replaced by the clean run's — per (layer, position) of the
 * residual stream and per (layer, head) of the attention output. 0 is the corrupted run, 1 the clean.
 */

function restoredWords(v: number | null): string {
  if (v === null) return "undefined (the clean and corrupted runs do not differ)";
  return `${fmt(v)} restored${v > 1.05 ? " (beyond the clean run)" : v < -0.05 ? " (pushes towards the wrong answer)" : ""}`;
}

/** The largest |value| cell of a matrix, for the figure's text summary. */
function peak(m: Array<Array<number | null>>): { i: number; j: number; v: number } | null {
  let best: { i: number; j: number; v: number } | null = null;
  m.forEach((row, i) => row.forEach((v, j) => {
    if (v !== null && (best === null || Math.abs(v) > Math.abs(best.v))) best = { i, j, v };
  }));
  return best;
}

export function PatchingView({ result, id }: { result: ActivationPatchingResult; id: string }) {
  const layers = result.layers.map((l) => `L${l}`);
  const residPeak = result.resid ? peak(result.resid) : null;
  const headPeak = result.heads ? peak(result.heads) : null;
  const nHeads = result.heads?.[0]?.length ?? 0;
  return (
    <div data-testid={`${id}-patching`}>
      <p>
        {result.pairs} clean/corrupted pair{result.pairs === 1 ? "" : "s"}; logit difference (answer − wrong answer) {fmt(result.cleanLogitDiff)} on the clean prompts and {fmt(result.corruptedLogitDiff)} on the corrupted ones. Each cell is the fraction of that difference restored by patching in the clean activation: 0 = as corrupted, 1 = as clean.
      </p>
      <HeatLegend scale="diverging" label="Restored" ticks={["−1", "0 (corrupted)", "1 (clean)"]} />
      {result.resid && (
        <figure className="chart-figure">
          <HeatGrid
            testId={`${id}-resid`}
            caption="Fraction of the logit difference restored by patching the residual stream, per layer (rows) and clean-prompt token (columns)"
            rowHeader="Layer"
            rows={layers}
            columns={result.tokens.map(showToken)}
            columnTitles={result.tokens.map((t, p) => `position ${p}: ${quoteToken(t)}`)}
            cells={result.resid.map((row, i) =>
              row.map((v, p) => ({ value: v, tip: `Residual stream after block ${result.layers[i]}, position ${p} ${quoteToken(result.tokens[p] ?? "")}: ${restoredWords(v)}` })),
            )}
            scale="diverging"
          />
          <figcaption>
            Residual stream (<code>hook_resid_post</code>), layer × position; columns are the tokens of the first clean prompt
            {result.pairs > 1 ? ", the values the mean over all pairs" : ""}.
            {residPeak && ` The largest effect is ${fmt(residPeak.v)} at layer ${result.layers[residPeak.i]}, position ${residPeak.j} (${quoteToken(result.tokens[residPeak.j] ?? "")}).`}
          </figcaption>
        </figure>
      )}
      {result.heads && nHeads > 0 && (
        <figure className="chart-figure">
          <HeatGrid
            testId={`${id}-heads`}
            caption="Fraction of the logit difference restored by patching one attention head's output (hook_z) at every position, per layer (rows) and head (columns)"
            rowHeader="Layer"
            rows={layers}
            columns={Array.from({ length: nHeads }, (_, h) => `H${h}`)}
            columnTitles={Array.from({ length: nHeads }, (_, h) => `head ${h}`)}
            cells={result.heads.map((row, i) => row.map((v, h) => ({ value: v, tip: `Layer ${result.layers[i]}, head ${h}: ${restoredWords(v)}` })))}
            scale="diverging"
          />
          <figcaption>
            Attention heads (<code>attn.hook_z</code>), layer × head.
            {headPeak && ` The largest effect is ${fmt(headPeak.v)} at layer ${result.layers[headPeak.i]}, head ${headPeak.j}.`}
          </figcaption>
        </figure>
      )}
      {!result.resid && !result.heads && <p className="empty">The run patched no components.</p>}
    </div>
  );
}
