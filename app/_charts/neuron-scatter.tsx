"use client";

import type { NeuronScatter } from "~/server/services/runs/chart-data";
import { usePlot } from "./use-plot";

/** The neuron map: one dot per neuron in the 2-D embedding, coloured by cluster; hover shows its top snippets. */
export function NeuronScatterChart({ map, summary, id }: { map: NeuronScatter; summary: string; id: string }) {
  const ref = usePlot(
    (Plot, width) => {
      const data = map.points.map((p) => ({ ...p, clusterName: p.cluster === null ? "none" : `cluster ${p.cluster}`, snippet: p.snippets.join("\n") || "(no snippets)" }));
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
            tip: { format: { x: false, y: false, fill: true } },
            channels: { neuron: "index", "Cohen's d": "cohensD", snippet: "snippet" },
          }),
        ],
      });
    },
    [map, summary],
  );
  return <div ref={ref} className="chart" data-testid={`chart-${id}`} />;
}
