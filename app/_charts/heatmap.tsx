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

