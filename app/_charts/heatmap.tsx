"use client";

import type { CosineHeatmap } from "~/server/services/runs/chart-data";
import { usePlot } from "./use-plot";

/** Layer × layer cosines of the mean-difference directions, on a diverging scale from −1 to 1. */
export function CosineHeatmapChart({ heatmap, summary, id }: { heatmap: CosineHeatmap; summary: string; id: string }) {
  const ref = usePlot(
    (Plot, width) => {
      const cells = heatmap.cosines.flatMap((row, i) => row.map((cosine, j) => ({ row: heatmap.layers[i]!, column: heatmap.layers[j]!, cosine })));
      const side = Math.min(width, 120 + 56 * heatmap.layers.length);
      return Plot.plot({
        width: side,
        height: side - 40,
        marginLeft: 56,
        padding: 0.04,
        ariaLabel: summary,
        ariaDescription: "Cosine between the unit mean-difference directions of every pair of layers.",
        x: { label: "Layer (block index)", type: "band" },
        y: { label: "Layer (block index)", type: "band" },
        color: { type: "linear", scheme: "RdBu", domain: [-1, 1], legend: true, label: "Cosine (−1 to 1)" },
        marks: [
          Plot.cell(cells, { x: "column", y: "row", fill: "cosine", tip: { format: { fill: ".3f" } } }),
          ...(heatmap.layers.length <= 16 ? [Plot.text(cells, { x: "column", y: "row", text: (d: { cosine: number }) => d.cosine.toFixed(2), fill: (d: { cosine: number }) => (Math.abs(d.cosine) > 0.6 ? "white" : "black"), fontSize: 10 })] : []),
        ],
      });
    },
    [heatmap, summary],
  );
  return <div ref={ref} className="chart chart--square" data-testid={`chart-${id}`} />;
}


/** A rows × columns matrix of values in [−1, 1] (null: undefined there), e.g. correlations between two models' layers. */
export interface MatrixHeatmap {
  rows: number[];
  columns: number[];
  values: Array<Array<number | null>>;
  rowLabel: string;
  columnLabel: string;
  valueLabel: string;
  /** Cells outlined in black (e.g. each row's best match). */
  highlight?: Array<{ row: number; column: number }>;
}

/**
 * A rectangular heatmap on the same diverging scale as the cosine heatmap; undefined cells are grey
 * with a dash. Hover a cell for its row, column and value.
 */
export function MatrixHeatmapChart({ heatmap, summary, description, id }: { heatmap: MatrixHeatmap; summary: string; description: string; id: string }) {
  const ref = usePlot(
    (Plot, width) => {
      const cells = heatmap.values.flatMap((row, i) => row.map((value, j) => ({ row: heatmap.rows[i]!, column: heatmap.columns[j]!, value })));
      const defined = cells.filter((c): c is { row: number; column: number; value: number } => c.value !== null);
      const undefinedCells = cells.filter((c) => c.value === null);
      const side = 56;
      const plotWidth = Math.min(width, 120 + side * heatmap.columns.length);
      return Plot.plot({
        width: plotWidth,
        height: 90 + side * heatmap.rows.length,
        marginLeft: 56,
        padding: 0.04,
        ariaLabel: summary,
        ariaDescription: description,
        x: { label: heatmap.columnLabel, type: "band", domain: heatmap.columns },
        y: { label: heatmap.rowLabel, type: "band", domain: heatmap.rows },
        color: { type: "linear", scheme: "RdBu", domain: [-1, 1], legend: true, label: heatmap.valueLabel },
        marks: [
          Plot.cell(undefinedCells, { x: "column", y: "row", fill: "#e5e7eb", title: () => "undefined (a constant column)" }),
          Plot.cell(defined, { x: "column", y: "row", fill: "value", tip: { format: { fill: ".3f" } } }),
          Plot.cell(heatmap.highlight ?? [], { x: "column", y: "row", fill: "none", stroke: "black", strokeWidth: 2.5, inset: 1 }),
          ...(heatmap.rows.length * heatmap.columns.length <= 400
            ? [
                Plot.text(defined, { x: "column", y: "row", text: (d: { value: number }) => d.value.toFixed(2), fill: (d: { value: number }) => (Math.abs(d.value) > 0.6 ? "white" : "black"), fontSize: 10 }),
                Plot.text(undefinedCells, { x: "column", y: "row", text: () => "—", fontSize: 10 }),
              ]
            : []),
        ],
      });
    },
    [heatmap, summary, description],
  );
  return <div ref={ref} className="chart chart--square" data-testid={`chart-${id}`} />;
}
