"use client";

import type { LayerChart } from "~/server/services/runs/chart-data";
import { useLayerAxis, xAxisLabel } from "./layer-axis";
import { usePlot } from "./use-plot";

/** A method's headline metrics per layer, with its chance level or baseline drawn dashed. */
export function LayerLineChart({ chart, summary }: { chart: LayerChart; summary: string }) {
  const axis = useLayerAxis();
  const x = axis === "depth" ? "depth" : "layer";
  const metrics = chart.points.filter((p) => p.role === "metric");
  const baselineSeries = chart.points.filter((p) => p.role === "baseline");
  const ref = usePlot(
    (Plot, width) =>
      Plot.plot({
        width,
        height: 280,
        marginLeft: 56,
        ariaLabel: summary,
        ariaDescription: `${chart.title}. ${xAxisLabel(axis)} on the x axis, ${chart.yLabel} on the y axis.`,
        x: { label: xAxisLabel(axis), ...(axis === "layer" ? { ticks: [...new Set(chart.points.map((p) => p.layer))], tickFormat: "d" } : { domain: [0, 1] }) },
        y: { label: chart.yLabel, grid: true },
        color: { legend: true, label: "Series" },
        marks: [
          ...chart.baselines.map((b) => Plot.ruleY([b.value], { stroke: "#8a5a00", strokeDasharray: "2,3", ariaLabel: b.label, title: b.label })),
          ...chart.baselines.map((b) => Plot.text([b], { y: "value", text: () => b.label, frameAnchor: "right", dy: -6, fill: "#8a5a00", fontSize: 10 })),
          Plot.lineY(baselineSeries, { x, y: "value", stroke: "series", strokeDasharray: "6,4", marker: "circle-stroke" }),
          Plot.lineY(metrics, { x, y: "value", stroke: "series", marker: "circle" }),
          Plot.tip(chart.points, Plot.pointer({ x, y: "value", stroke: "series", channels: { layer: "layer", depth: "depth" }, format: { x: false, stroke: true, y: ".3f", depth: ".2f" } })),
        ],
      }),
    [chart, axis, summary],
  );
  return <div ref={ref} className="chart" data-testid={`chart-${chart.id}`} />;
}
