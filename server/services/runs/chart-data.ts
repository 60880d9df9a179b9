import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "~/db/client";
import { runArtifacts } from "~/db/schema";
import { float32FromBytes } from "../../artifacts/tensor-files";
import type { SessionUser } from "../../trpc/context";
import { causalViews } from "./causal-results";
import { visibleRun } from "./read";

/**
 * The run page's chart data, shaped from the stored metrics JSON, the artifact details kept in the
 * run's facts, and the two small float32 artifacts the charts draw (consistency's layer × layer
 * cosines, the neuron map's 2-D embedding). Pure shaping functions are exported for tests.
 */

/** Relative depth of a block: 0 for the first block, 1 for the last (layer / (nLayers − 1)), as claims use it. */
export function relativeDepth(layer: number, nLayers: number): number {
  return nLayers <= 1 ? 0 : layer / (nLayers - 1);
}

const perLayerEntry = z.looseObject({ hook: z.string(), layer: z.number().int() });
const methodEntry = z.looseObject({ method: z.string(), perLayer: z.array(z.unknown()) });
const metricsShape = z.looseObject({
  model: z.looseObject({ nLayers: z.number().int().positive() }),
  methods: z.array(z.unknown()),
});

type Entry = z.infer<typeof perLayerEntry>;

interface MethodPerLayer {
  methodIndex: number;
  method: string;
  entries: Entry[];
}

/** Each method's per-layer entries; malformed methods or entries are skipped, not fatal. */
export function methodsOf(metrics: unknown): { nLayers: number; methods: MethodPerLayer[] } | null {
  const parsed = metricsShape.safeParse(metrics);
  if (!parsed.success) return null;
  const methods: MethodPerLayer[] = [];
  parsed.data.methods.forEach((raw, methodIndex) => {
    const m = methodEntry.safeParse(raw);
    if (!m.success) return;
    const entries = m.data.perLayer.flatMap((e) => {
      const p = perLayerEntry.safeParse(e);
      return p.success ? [p.data] : [];
    });
    methods.push({ methodIndex, method: m.data.method, entries });
  });
  return { nLayers: parsed.data.model.nLayers, methods };
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** "blocks.3.hook_resid_post" → "hook_resid_post"; "blocks.2.mlp.hook_post" → "mlp.hook_post". */
export function hookKind(hook: string): string {
  return hook.replace(/^blocks\.(\d+|\{L\})\./, "");
}

export interface ChartField {
  key: string;
  label: string;
  /** "baseline" series (e.g. the control task) are drawn dashed. */
  role: "metric" | "baseline";
}

export interface LayerChartSpec {
  title: string;
  yLabel: string;
  fields: ChartField[];
  /** Constant reference lines (chance, zero). */
  baselines: Array<{ value: number; label: string }>;
}

export interface LayerPoint {
  /** Legend name of the line: the field's label, with the hook kind when the run read several. */
  series: string;
  field: string;
  role: ChartField["role"];
  hook: string;
  layer: number;
  depth: number;
  value: number;
}

export interface LayerChart extends LayerChartSpec {
  id: string;
  methodIndex: number;
  method: string;
  points: LayerPoint[];
}

const metric = (key: string, label: string): ChartField => ({ key, label, role: "metric" });
const CHANCE = { value: 0.5, label: "chance (0.5)" };
const ZERO = { value: 0, label: "zero" };

/** Effect units of the intervention methods, from their artifact details. */
function effectUnit(details: unknown): string {
  const d = z.looseObject({ metric: z.string() }).safeParse(details);
  if (d.success && d.data.metric === "final-projection") return "final-layer projection, class gaps";
  return "log p(target) − log p(opposite), nats";
}

/** The headline per-layer charts of each method. */
export function chartSpecsFor(method: string, details: unknown): LayerChartSpec[] {
  switch (method) {
    case "diffmean":
      return [
        { title: "Held-out accuracy and AUROC", yLabel: "Score (fraction, 0–1)", fields: [metric("accuracy", "accuracy"), metric("auroc", "AUROC")], baselines: [CHANCE] },
        { title: "Class separation", yLabel: "Cohen's d (pooled standard deviations)", fields: [metric("cohensD", "Cohen's d")], baselines: [ZERO] },
      ];
    case "logistic":
      return [
        {
          title: "Probe accuracy against the control task",
          yLabel: "Held-out accuracy (fraction, 0–1)",
          fields: [metric("accuracy", "accuracy"), metric("auroc", "AUROC"), { key: "controlAccuracy", label: "control-task accuracy", role: "baseline" }],
          baselines: [CHANCE],
        },
        { title: "Selectivity", yLabel: "Accuracy − control accuracy (fraction)", fields: [metric("selectivity", "selectivity")], baselines: [ZERO] },
      ];
    case "dimensionality":
      return [
        {
          title: "Directions needed",
          yLabel: "Number of directions (count)",
          fields: [metric("components80", "PCA components for 80%"), metric("components90", "PCA components for 90%"), metric("components95", "PCA components for 95%"), metric("participationRatio", "participation ratio"), metric("inlpCount", "INLP directions to chance")],
          baselines: [{ value: 1, label: "one direction" }],
        },
      ];
    case "consistency":
      return [
        {
          title: "Consistency of pair differences with the mean difference",
          yLabel: "Mean cosine (−1 to 1)",
          fields: [metric("meanCosine", "mean cosine"), metric("fractionPositive", "fraction with positive cosine")],
          baselines: [ZERO],
        },
      ];
    case "crossDomain":
      return [
        {
          title: "Transfer across domains",
          yLabel: "Held-out accuracy (fraction, 0–1)",
          fields: [metric("meanInDomainAccuracy", "in-domain accuracy"), metric("meanTransferAccuracy", "cross-domain accuracy")],
          baselines: [CHANCE],
        },
        { title: "Direction agreement across domains", yLabel: "Mean cosine between domains (−1 to 1)", fields: [metric("meanCosine", "mean cosine")], baselines: [ZERO] },
      ];
    case "steering":
      return [{ title: "Steering slope", yLabel: `Effect per unit α (${effectUnit(details)})`, fields: [metric("slope", "slope"), metric("maxAbsEffect", "largest |effect|")], baselines: [ZERO] }];
    case "ablation":
      return [{ title: "Effect of ablating the direction", yLabel: `Drop (${effectUnit(details)})`, fields: [metric("baseline", "before"), metric("ablated", "after ablation"), metric("drop", "drop")], baselines: [ZERO] }];
    default:
      // anchors and the neuron map have charts of their own.
      return [];
  }
}

/** Per-layer line charts of every method's headline metrics, as long-format points. */
export function layerCharts(metrics: unknown, details: readonly unknown[] = []): LayerChart[] {
  const shaped = methodsOf(metrics);
  if (!shaped) return [];
  const charts: LayerChart[] = [];
  for (const { methodIndex, method, entries } of shaped.methods) {
    const manyHooks = new Set(entries.map((e) => hookKind(e.hook))).size > 1;
    chartSpecsFor(method, details[methodIndex]).forEach((spec, k) => {
      const points: LayerPoint[] = [];
      for (const e of entries) {
        for (const f of spec.fields) {
          const value = num(e[f.key]);
          if (value === null) continue;
          points.push({ series: manyHooks ? `${f.label} (${hookKind(e.hook)})` : f.label, field: f.key, role: f.role, hook: e.hook, layer: e.layer, depth: relativeDepth(e.layer, shaped.nLayers), value });
        }
      }
      if (points.length > 0) charts.push({ id: `m${methodIndex}-${method}-${k}`, methodIndex, method, ...spec, points });
    });
  }
  return charts;
}

export interface SteeringCurves {
  methodIndex: number;
  unit: string;
  points: Array<{ layer: number; alpha: number; effect: number; stderr: number | null }>;
}

const steeringPoint = z.object({ alpha: z.number(), effect: z.number(), stderr: z.number().nullable().optional() });

/** Steering effect against α, one curve per layer. */
export function steeringCurves(metrics: unknown, details: readonly unknown[] = []): SteeringCurves[] {
  const shaped = methodsOf(metrics);
  if (!shaped) return [];
  return shaped.methods
    .filter((m) => m.method === "steering")
    .map(({ methodIndex, entries }) => ({
      methodIndex,
      unit: effectUnit(details[methodIndex]),
      points: entries.flatMap((e) => {
        const effects = z.array(steeringPoint).safeParse(e.effects);
        return effects.success ? effects.data.map((p) => ({ layer: e.layer, alpha: p.alpha, effect: p.effect, stderr: p.stderr ?? null })) : [];
      }),
    }))
    .filter((c) => c.points.length > 0);
}

export interface AnchorPositions {
  methodIndex: number;
  firstName: string;
  secondName: string;
  /** One point per (layer, query): 0 is the first anchor set's mean, 1 the second's. */
  points: Array<{ layer: number; depth: number; query: string; label: string; position: number }>;
  /** Leave-one-out positions of the anchor sets themselves (ideal 0 and 1). */
  anchorMeans: Array<{ layer: number; first: number | null; second: number | null }>;
}

const anchorsDetails = z.looseObject({ firstName: z.string(), secondName: z.string(), queries: z.array(z.object({ text: z.string(), label: z.string().nullable() })) });

export function anchorPositions(metrics: unknown, details: readonly unknown[] = []): AnchorPositions[] {
  const shaped = methodsOf(metrics);
  if (!shaped) return [];
  const out: AnchorPositions[] = [];
  for (const { methodIndex, method, entries } of shaped.methods) {
    if (method !== "anchors") continue;
    const d = anchorsDetails.safeParse(details[methodIndex]);
    const queries = d.success ? d.data.queries : [];
    const points: AnchorPositions["points"] = [];
    for (const e of entries) {
      const positions = z.array(z.number()).safeParse(e.positions);
      if (!positions.success) continue;
      positions.data.forEach((position, q) => {
        points.push({ layer: e.layer, depth: relativeDepth(e.layer, shaped.nLayers), query: queries[q]?.text ?? `query ${q + 1}`, label: queries[q]?.label ?? "unlabelled", position });
      });
    }
    out.push({
      methodIndex,
      firstName: d.success ? d.data.firstName : "first set",
      secondName: d.success ? d.data.secondName : "second set",
      points,
      anchorMeans: entries.map((e) => ({ layer: e.layer, first: num(e.firstAnchorsMean), second: num(e.secondAnchorsMean) })),
    });
  }
  return out;
}

/** A row-major float32 [n, n] tensor as rows. */
export function squareRows(data: Float32Array, n: number): number[][] {
  if (data.length !== n * n) throw new Error(`expected ${n * n} values for a ${n}×${n} matrix, got ${data.length}`);
  return Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * n, (i + 1) * n)));
}

export interface CosineHeatmap {
  methodIndex: number;
  hook: string;
  layers: number[];
  cosines: number[][];
}

export interface NeuronPoint {
  index: number;
  x: number;
  y: number;
  cluster: number | null;
  cohensD: number | null;
  /** The top-activating snippets, the token between ⟦ and ⟧. */
  snippets: string[];
}

export interface NeuronScatter {
  methodIndex: number;
  hook: string | null;
  layer: number | null;
  embedding: string;
  points: NeuronPoint[];
}

const consistencyDetails = z.looseObject({ matrices: z.array(z.object({ hook: z.string(), layers: z.array(z.number().int()) })) });
const neuronDetails = z.looseObject({
  embedding: z.string(),
  neurons: z.array(
    z.looseObject({
      index: z.number().int(),
      cluster: z.number().int().nullable().optional(),
      cohensD: z.number().nullable().optional(),
      top: z.array(z.looseObject({ snippet: z.string() })).optional(),
    }),
  ),
});

/** Neuron points: row j of the [n, 2] embedding is neurons[j] of the details (as the worker stores them). */
export function neuronPoints(xy: Float32Array, details: unknown): { embedding: string; points: NeuronPoint[] } | null {
  const d = neuronDetails.safeParse(details);
  if (!d.success || xy.length !== d.data.neurons.length * 2) return null;
  return {
    embedding: d.data.embedding,
    points: d.data.neurons.map((n, j) => ({ index: n.index, x: xy[2 * j]!, y: xy[2 * j + 1]!, cluster: n.cluster ?? null, cohensD: n.cohensD ?? null, snippets: (n.top ?? []).slice(0, 3).map((t) => t.snippet) })),
  };
}

const factsShape = z.looseObject({ artifactDetails: z.array(z.unknown()).optional() });

/** Everything the run page's charts draw, or empty lists while the run has no results. */
export async function runChartData(db: Database, viewer: SessionUser | null, runId: number) {
  const { run } = await visibleRun(db, viewer, runId);
  const empty = { nLayers: null as number | null, lines: [] as LayerChart[], steering: [] as SteeringCurves[], anchors: [] as AnchorPositions[], heatmaps: [] as CosineHeatmap[], neuronMaps: [] as NeuronScatter[], causal: [] as ReturnType<typeof causalViews> };
  if (run.status !== "done" || run.metrics === null) return empty;
  const details = factsShape.safeParse(run.facts).data?.artifactDetails ?? [];
  const artifacts = await db
    .select({ name: runArtifacts.name, methodIndex: runArtifacts.methodIndex, hook: runArtifacts.hook, layer: runArtifacts.layer, shape: runArtifacts.shape, data: runArtifacts.data })
    .from(runArtifacts)
    .where(and(eq(runArtifacts.runId, runId), inArray(runArtifacts.name, ["consistency.cosines", "neuronMap.embedding"])))
    .orderBy(asc(runArtifacts.methodIndex), asc(runArtifacts.id));
  const heatmaps: CosineHeatmap[] = [];
  const neuronMaps: NeuronScatter[] = [];
  for (const a of artifacts) {
    if (a.name === "consistency.cosines") {
      const n = a.shape[0] ?? 0;
      const d = consistencyDetails.safeParse(details[a.methodIndex]);
      const layers = (d.success ? d.data.matrices.find((m) => m.hook === a.hook)?.layers : undefined) ?? Array.from({ length: n }, (_, i) => i);
      if (a.shape.length !== 2 || a.shape[1] !== n || layers.length !== n) continue;
      heatmaps.push({ methodIndex: a.methodIndex, hook: a.hook ?? "", layers, cosines: squareRows(float32FromBytes(a.data), n) });
    } else {
      const shaped = neuronPoints(float32FromBytes(a.data), details[a.methodIndex]);
      if (shaped) neuronMaps.push({ methodIndex: a.methodIndex, hook: a.hook, layer: a.layer, ...shaped });
    }
  }
  const shaped = methodsOf(run.metrics);
  return {
    nLayers: shaped?.nLayers ?? null,
    lines: layerCharts(run.metrics, details),
    steering: steeringCurves(run.metrics, details),
    anchors: anchorPositions(run.metrics, details),
    heatmaps,
    neuronMaps,
    /** The causal methods' views (spec version 2), each parsed or with the reason it cannot be shown. */
    causal: causalViews(run.metrics),
  };
}

export type RunChartData = Awaited<ReturnType<typeof runChartData>>;
