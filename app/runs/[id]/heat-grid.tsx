"use client";

import { type KeyboardEvent, useState } from "react";
import styles from "./causal.module.css";
import { type ColourScale, cellColour, legendGradient } from "./colour-scale";

export interface HeatCell {
  value: number | null;
  /** Shown in the cell (e.g. the top token); without it the cell holds its value for screen readers only. */
  text?: string;
  /** Everything about the cell in words: the hover title and the status line when it has focus. */
  tip: string;
  /** Outlined (e.g. the best head of a score). */
  best?: boolean;
}

export interface HeatGridProps {
  /** data-testid of the table; its cells are `${testId}-cell`. */
  testId: string;
  caption: string;
  /** Header of the row-label column, e.g. "Layer". */
  rowHeader: string;
  rows: string[];
  columns: string[];
  /** Full column names for screen readers and titles (default: `columns`). */
  columnTitles?: string[];
  cells: HeatCell[][];
  scale: ColourScale;
  /** A tokens-as-text grid (logit lens) uses a wider monospace cell. */
  tokenCells?: boolean;
  /** Extra column at the end of each row, e.g. the target token's rank per layer. */
  trailing?: { header: string; cells: Array<{ text: string; tip: string }> };
}

const fmtValue = (v: number | null) => (v === null ? "no value" : v.toFixed(3));

/**
 * A heatmap as a table: server-rendered with its colours (readable without JavaScript, each cell's
 * value in its title and in text for screen readers), one Tab stop with arrow keys to move between
 * cells; the focused or hovered cell is described in a line below.
 */
export function HeatGrid({ testId, caption, rowHeader, rows, columns, columnTitles, cells, scale, tokenCells, trailing }: HeatGridProps) {
  const [focus, setFocus] = useState<[number, number]>([0, 0]);
  const [active, setActive] = useState<[number, number] | null>(null);
  const nCols = columns.length;

  const move = (e: KeyboardEvent<HTMLTableCellElement>, r: number, c: number) => {
    const next: Record<string, [number, number]> = {
      ArrowRight: [r, Math.min(nCols - 1, c + 1)],
      ArrowLeft: [r, Math.max(0, c - 1)],
      ArrowDown: [Math.min(rows.length - 1, r + 1), c],
      ArrowUp: [Math.max(0, r - 1), c],
      Home: [r, 0],
      End: [r, nCols - 1],
    };
    const to = next[e.key];
    if (!to) return;
    e.preventDefault();
    setFocus(to);
    setActive(to);
    const table = e.currentTarget.closest("table");
    table?.querySelector<HTMLElement>(`[data-row="${to[0]}"][data-col="${to[1]}"]`)?.focus();
  };

  const activeTip = active ? cells[active[0]]?.[active[1]]?.tip : undefined;
  return (
    <div>
      <div className="table-scroll">
        <table className={styles.grid} data-testid={testId} role="grid" aria-describedby={`${testId}-status`}>
          <caption className="visually-hidden">{caption}. Use the arrow keys to move between cells.</caption>
          <thead>
            <tr>
              <th scope="col">{rowHeader}</th>
              {columns.map((c, j) => (
                <th scope="col" key={j} title={columnTitles?.[j] ?? c}>
                  {c}
                </th>
              ))}
              {trailing && <th scope="col">{trailing.header}</th>}
            </tr>
          </thead>
          <tbody>
            {cells.map((row, i) => (
              <tr key={i}>
                <th scope="row">{rows[i]}</th>
                {row.map((cell, j) => {
                  const colour = cellColour(cell.value, scale);
                  const isFocus = focus[0] === i && focus[1] === j;
                  return (
                    <td
                      key={j}
                      role="gridcell"
                      className={`${styles.cell} ${tokenCells ? styles.tokenCell : ""} ${cell.best ? styles.cellBest : ""}`}
                      style={{ background: colour.background, color: colour.color }}
                      title={cell.tip}
                      tabIndex={isFocus ? 0 : -1}
                      data-row={i}
                      data-col={j}
                      data-value={cell.value ?? ""}
                      data-testid={`${testId}-cell`}
                      data-active={active !== null && active[0] === i && active[1] === j}
                      onKeyDown={(e) => move(e, i, j)}
                      onFocus={() => {
                        setFocus([i, j]);
                        setActive([i, j]);
                      }}
                      onMouseEnter={() => setActive([i, j])}
                    >
                      {cell.text ?? <span className="visually-hidden">{fmtValue(cell.value)}</span>}
                    </td>
                  );
                })}
                {trailing && (
                  <td className={styles.cell} title={trailing.cells[i]?.tip}>
                    {trailing.cells[i]?.text ?? ""}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className={styles.status} id={`${testId}-status`} aria-live="polite" data-testid={`${testId}-status`}>
        {activeTip ?? "Hover over a cell, or focus the table and use the arrow keys, to read its value."}
      </p>
    </div>
  );
}

/** The colour legend of a heatmap: the gradient with its end and middle values named. */
export function HeatLegend({ scale, label, ticks }: { scale: ColourScale; label: string; ticks: [string, string, string] }) {
  return (
    <div className={styles.legend} aria-hidden="true">
      <span>{label}</span>
      <span className={styles.legendScale}>
        <span className={styles.legendBar} style={{ background: legendGradient(scale) }} />
        <span className={styles.legendTicks}>
          {ticks.map((t) => (
            <span key={t}>{t}</span>
          ))}
        </span>
      </span>
    </div>
  );
}
