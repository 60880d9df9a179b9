"use client";

import type { NeuronScatter } from "~/server/services/runs/chart-data";
import { usePlot } from "./use-plot";

/** The neuron map: one dot per neuron in the 2-D embedding, coloured by cluster; hover shows its top snippets. */
export function NeuronScatterChart({ map, summary, id }: { map: NeuronScatter; summary: string; id: string }) {
  const ref = usePlot(
    (Plot, width) => {
      const data = map.points.map((p) => ({ ...p, clusterName: p.cluster === null ? "none" : `cluster ${p.cluster}`, top1: p.snippets[0] ?? "(no snippets)", top2: p.snippets[1] ?? "", top3: p.snippets[2] ?? "" }));
      const name = map.embedding.toUpperCase();
      return Plot.plot({
        width,
        height: 380,
        marginLeft: 56,
        ariaLabel: summary,
        ariaDescription: "Each dot is a neuron placed by its activation profile over the examples; nearby neurons respond to similar inputs.",
        x: { label: `${name} 1 (unitless)` },
        y: { label: `${name} 2 (unitless)` },
        color: { legend: true, label: "Cluster", type: "categorical" },
        marks: [
          Plot.dot(data, {
            x: "x",
            y: "y",
            fill: "clusterName",
            r: 3.5,
            fillOpacity: 0.8,
            // Wide tips, so a snippet is shown whole rather than cut off.
            tip: { format: { x: false, y: false, fill: true }, lineWidth: 60, textOverflow: null },
            channels: { neuron: "index", "Cohen's d": "cohensD", "top snippet": "top1", "2nd": "top2", "3rd": "top3" },
          }),
        ],
      });
    },
    [map, summary],
  );
  return <div ref={ref} className="chart" data-testid={`chart-${id}`} />;
}
