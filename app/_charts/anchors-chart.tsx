"use client";

import type { AnchorPositions } from "~/server/services/runs/chart-data";
import { useLayerAxis } from "./layer-axis";
import { usePlot } from "./use-plot";

/** Where each query falls on the axis from the first anchor set (0) to the second (1), per layer. */
export function AnchorsChart({ anchors, summary, id }: { anchors: AnchorPositions; summary: string; id: string }) {
  const axis = useLayerAxis();
  const rowOf = (layer: number, depth: number) => (axis === "depth" ? depth.toFixed(2) : String(layer));
  const depthByLayer = new Map(anchors.points.map((p) => [p.layer, p.depth]));
  const ref = usePlot(
    (Plot, width) => {
      const points = anchors.points.map((p) => ({ ...p, row: rowOf(p.layer, p.depth) }));
      const means = anchors.anchorMeans.flatMap((m) => {
        const row = rowOf(m.layer, depthByLayer.get(m.layer) ?? 0);
        return [
          ...(m.first === null ? [] : [{ row, position: m.first, set: anchors.firstName }]),
          ...(m.second === null ? [] : [{ row, position: m.second, set: anchors.secondName }]),
        ];
      });
      return Plot.plot({
        width,
        height: 80 + 36 * new Set(points.map((p) => p.row)).size,
        marginLeft: 64,
        ariaLabel: summary,
        ariaDescription: `Position of each query along the axis from "${anchors.firstName}" (0) to "${anchors.secondName}" (1); crosses mark the anchor sets' own leave-one-out positions.`,
        x: { label: `Position (0 = ${anchors.firstName}, 1 = ${anchors.secondName})`, grid: true },
        y: { label: axis === "depth" ? "Relative depth" : "Layer", type: "band" },
        color: { legend: true, label: "Query label", type: "categorical" },
        marks: [
          Plot.ruleX([0, 1], { stroke: "#56616e", strokeDasharray: "2,3" }),
          Plot.dot(means, { x: "position", y: "row", symbol: "times", stroke: "#56616e", r: 5, title: (d: { set: string; position: number }) => `${d.set}: ${d.position.toFixed(3)}` }),
          Plot.dot(points, { x: "position", y: "row", fill: "label", r: 5, tip: { format: { x: ".3f", y: false } }, channels: { query: "query", layer: "layer" } }),
        ],
      });
    },
    [anchors, summary, axis],
  );
  return <div ref={ref} className="chart" data-testid={`chart-${id}`} />;
}
