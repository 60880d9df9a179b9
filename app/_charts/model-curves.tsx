"use client";

import type { ClaimMark } from "~/server/services/cross-model/claim-marks";
import type { ModelCurve } from "~/server/services/cross-model/curves";
import type { MetricBaseline } from "~/server/services/cross-model/metric-baselines";
import type { XAxis } from "~/server/services/cross-model/url-state";
import { xAxisLabel } from "./layer-axis";
import { usePlot } from "./use-plot";

const CLAIM_COLOUR = "#b42318";
const BASELINE_COLOUR = "#8a5a00";


/**
 * One metric per layer for every model on one chart: x = absolute layer or relative depth, one
 * line per model in the colour given for it (legend with the model names; a colour used twice is
 * drawn dashed the second time), the claims about the metric in red
 * (rules at the claimed value over where they hold, bands for a claimed peak) and the chance level
 * or zero dashed. Hover a point for its model, layer, depth and value.
 */
export function ModelCurvesChart({
  curves,
  colours,
  axis,
  marks,
  baseline,
  yLabel,
  summary,
  id,
}: {
  curves: ModelCurve[];
  /** Each model's colour (the page's table header uses the same). */
  colours: Record<string, string>;
  axis: XAxis;
  marks: ClaimMark[];
  baseline: MetricBaseline | null;
  yLabel: string;
  summary: string;
  id: string;
}) {
  const x = axis === "depth" ? "depth" : "layer";
  const ref = usePlot(
    (Plot, width) => {
      const models = curves.map((c) => c.model);
      const colourOf = (m: string) => colours[m] ?? "#555";
      // A model whose colour an earlier model already has is dashed.
      const repeated = new Set(models.filter((m, i) => models.slice(0, i).some((o) => colourOf(o) === colourOf(m))));
      const points = curves.flatMap((c) => c.points.map((p) => ({ ...p, model: c.model, repeat: repeated.has(c.model) })));
      const maxLayer = Math.max(0, ...curves.map((c) => c.nLayers - 1));
      const rules = marks.filter((m) => m.kind === "rule");
      const bands = marks.filter((m) => m.kind === "band");
      const approx = rules.filter((r) => r.low !== null && r.high !== null);
      // One label per claim (a claim at one layer is drawn once per model depth).
      const labelled = marks.filter((m, i) => marks.findIndex((o) => o.claimIndex === m.claimIndex) === i);
      const markTitle = (m: ClaimMark) => `${m.label}${m.models.length ? ` — for ${m.models.join(", ")}` : ""}`;
      return Plot.plot({
        width,
        height: 340,
        marginLeft: 56,
        marginRight: 24,
        ariaLabel: summary,
        ariaDescription: `${xAxisLabel(axis)} on the x axis, ${yLabel} on the y axis, one line per model. Claims are drawn in red, the reference level dashed.`,
        x: { label: xAxisLabel(axis), ...(axis === "layer" ? { ticks: Array.from({ length: maxLayer + 1 }, (_, l) => l), tickFormat: "d", domain: [-0.4, maxLayer + 0.4] } : { domain: [0, 1] }) },
        y: { label: yLabel, grid: true },
        color: { type: "categorical", domain: models, range: models.map(colourOf), legend: true, label: "Model" },
        marks: [
          Plot.rect(bands, { x1: "from", x2: "to", fill: CLAIM_COLOUR, fillOpacity: 0.08, title: markTitle }),
          Plot.rect(approx, { x1: "from", x2: "to", y1: "low", y2: "high", fill: CLAIM_COLOUR, fillOpacity: 0.1, title: markTitle }),
          ...(baseline
            ? [
                Plot.ruleY([baseline.value], { stroke: BASELINE_COLOUR, strokeDasharray: "2,3", ariaLabel: baseline.label, title: baseline.label }),
                Plot.text([baseline], { y: "value", text: () => baseline.label, frameAnchor: "right", dy: -6, fill: BASELINE_COLOUR, fontSize: 10 }),
              ]
            : []),
          Plot.ruleY(rules, { x1: "from", x2: "to", y: "y", stroke: CLAIM_COLOUR, strokeWidth: 2.5, title: markTitle }),
          Plot.text(
            labelled.filter((m) => m.kind === "rule"),
            { x: (m: ClaimMark) => (m.from + m.to) / 2, y: (m: ClaimMark) => (m.kind === "rule" ? m.y : 0), text: "label", dy: -8, fill: CLAIM_COLOUR, fontSize: 10 },
          ),
          Plot.text(
            labelled.filter((m) => m.kind === "band"),
            { x: (m: ClaimMark) => (m.from + m.to) / 2, text: "label", frameAnchor: "top", dy: 8, fill: CLAIM_COLOUR, fontSize: 10 },
          ),
          Plot.lineY(points.filter((p) => !p.repeat), { x, y: "value", z: "model", stroke: "model", marker: "circle" }),
          // Past ten models the colours repeat: those lines are dashed so they stay distinguishable.
          Plot.lineY(points.filter((p) => p.repeat), { x, y: "value", z: "model", stroke: "model", strokeDasharray: "6,3", marker: "circle-stroke" }),
          Plot.tip(
            points,
            Plot.pointer({ x, y: "value", stroke: "model", channels: { model: "model", layer: "layer", depth: "depth" }, format: { x: false, stroke: false, model: true, y: ".3f", layer: true, depth: ".2f" } }),
          ),
        ],
      });
    },
    [curves, colours, axis, marks, baseline, yLabel, summary],
  );
  return <div ref={ref} className="chart" data-testid={`chart-${id}`} />;
}
