import type { LogitLensResult } from "~/server/services/runs/causal-results";
import styles from "./causal.module.css";
import { quoteToken, showToken } from "./colour-scale";
import { fmt } from "./format";
import { HeatGrid, HeatLegend } from "./heat-grid";

/**
 * The logit lens: the final norm and unembedding applied to the residual stream after each block.
 * One table per prompt, layers × positions, each cell the most likely next token there, shaded by
 * its probability (the top k in the title); and the target token's rank and probability per layer.
 */

type Prompt = LogitLensResult["prompts"][number];

const pct = (p: number) => `${(p * 100).toFixed(p >= 0.1 ? 0 : 1)}%`;

function topTip(prompt: Prompt, layerIndex: number, position: number): string {
  const top = prompt.top[layerIndex]?.[position] ?? [];
  const where = `Layer ${prompt.layers[layerIndex]}, after ${quoteToken(prompt.tokens[position] ?? "")} (position ${position})`;
  if (top.length === 0) return `${where}: no prediction stored`;
  return `${where}: ${top.map((t) => `${quoteToken(t.token)} p = ${t.prob.toFixed(3)}`).join(", ")}`;
}

function PromptLens({ prompt, index, id }: { prompt: Prompt; index: number; id: string }) {
  const target = prompt.target;
  return (
    <figure className="chart-figure" data-testid={`${id}-prompt`}>
      <p className={styles.prompt}>
        Prompt {index + 1}: <q>{prompt.text}</q>
      </p>
      <HeatGrid
        testId={`${id}-lens-${index}`}
        caption={`Logit lens of prompt ${index + 1}: the most likely next token per layer (rows) and position (columns)`}
        rowHeader="Layer"
        rows={prompt.layers.map((l) => `L${l}`)}
        columns={prompt.tokens.map(showToken)}
        columnTitles={prompt.tokens.map((t, p) => `position ${p}: ${quoteToken(t)}`)}
        cells={prompt.top.map((row, i) =>
          row.map((top, p) => ({ value: top[0]?.prob ?? null, text: top[0] ? showToken(top[0].token) : "—", tip: topTip(prompt, i, p) })),
        )}
        scale="probability"
        tokenCells
        trailing={
          target
            ? {
                header: `Target ${showToken(target.token)}`,
                cells: prompt.layers.map((l, i) => {
                  const rank = target.rank[i];
                  const prob = target.prob[i] ?? null;
                  // Ranks are 1-based (1 = the most likely token).
                  return { text: `#${rank ?? "—"} · ${prob === null ? "—" : pct(prob)}`, tip: `Layer ${l}: the target ${quoteToken(target.token)} is ranked ${rank ?? "—"} with p = ${fmt(prob)} at the last position` };
                }),
              }
            : undefined
        }
      />
      <figcaption>
        Columns are the prompt&apos;s tokens; each cell is the model&apos;s next-token guess read from the residual stream after that block (the last row is the model&apos;s own output).
        {target && ` The last column follows the target ${quoteToken(target.token)} at the last position: its rank (1 = top) and probability per layer.`}
      </figcaption>
      {target && <TargetByLayer layers={prompt.layers} prob={target.prob} token={target.token} id={`${id}-target-${index}`} />}
    </figure>
  );
}

/** The target's probability per layer as a small column chart (SVG, with a text alternative). */
function TargetByLayer({ layers, prob, token, id }: { layers: number[]; prob: Array<number | null>; token: string; id: string }) {
  const w = 22;
  const h = 60;
  const summary = `Probability of ${quoteToken(token)} at the last position by layer: ${layers.map((l, i) => `layer ${l} ${fmt(prob[i] ?? null)}`).join(", ")}.`;
  return (
    <svg width={layers.length * w + 8} height={h + 18} role="img" aria-label={summary} data-testid={id}>
      <title>{summary}</title>
      {layers.map((l, i) => {
        const p = Math.max(0, Math.min(1, prob[i] ?? 0));
        return (
          <g key={l} transform={`translate(${4 + i * w}, 0)`}>
            <rect x={3} y={h - p * h} width={w - 6} height={Math.max(1, p * h)} fill="#2166ac" />
            <text x={w / 2} y={h + 13} fontSize={10} textAnchor="middle" fill="currentColor">
              L{l}
            </text>
          </g>
        );
      })}
      <line x1={2} x2={layers.length * w + 6} y1={h} y2={h} stroke="currentColor" strokeWidth={1} />
    </svg>
  );
}

export function LogitLensView({ result, id }: { result: LogitLensResult; id: string }) {
  if (result.prompts.length === 0) return <p className="empty">The run read no prompts.</p>;
  return (
    <div data-testid={`${id}-logit-lens`}>
      <HeatLegend scale="probability" label="Top token's probability" ticks={["0", "0.5", "1"]} />
      {result.prompts.map((p, i) => (
        <PromptLens key={i} prompt={p} index={i} id={id} />
      ))}
    </div>
  );
}
