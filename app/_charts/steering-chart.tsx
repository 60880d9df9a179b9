"use client";

import type { SteeringCurves } from "~/server/services/runs/chart-data";
import { usePlot } from "./use-plot";

/** Steering effect against α, one line per layer, with no effect (0) drawn. */
export function SteeringChart({ curves, summary, id }: { curves: SteeringCurves; summary: string; id: string }) {
  const ref = usePlot(
    (Plot, width) => {
      const data = curves.points.map((p) => ({ ...p, series: `layer ${p.layer}` }));
      // Legend in layer order (10 after 9, not after 1).
      const layers = [...new Set(curves.points.map((p) => p.layer))].sort((a, b) => a - b).map((l) => `layer ${l}`);
      return Plot.plot({
        width,
        height: 300,
        marginLeft: 56,
        ariaLabel: summary,
        ariaDescription: "Mean change of the effect metric when the direction, scaled by α times the layer's mean activation norm, is added to the residual stream.",
        x: { label: "α (multiples of the layer's mean activation norm)", grid: true },
        y: { label: `Effect (${curves.unit})`, grid: true },
        color: { legend: true, label: "Layer", type: "ordinal", scheme: "viridis", domain: layers },
        marks: [
          Plot.ruleY([0], { stroke: "#8a5a00", strokeDasharray: "2,3" }),
          Plot.ruleX([0], { stroke: "#8a5a00", strokeDasharray: "2,3" }),
          Plot.lineY(data, { x: "alpha", y: "effect", stroke: "series", marker: "circle" }),
          Plot.tip(data, Plot.pointer({ x: "alpha", y: "effect", stroke: "series", channels: { stderr: "stderr" }, format: { y: ".3f", stderr: ".3f" } })),
        ],
      });
    },
    [curves, summary],
  );
  return <div ref={ref} className="chart" data-testid={`chart-${id}`} />;
}
