import { z } from "zod";
import type { Database } from "~/db/client";
import { CLAIMABLE_METRICS, type ClaimMethod } from "../../experiments/claims";
import { relativeDepth } from "../../experiments/relative-depth";
import type { SessionUser } from "../../trpc/context";
import { hookKind } from "../runs/chart-data";
import { type ClaimMark, type ClaimSummary, claimMarks, claimSummaries } from "./claim-marks";
import { type MetricBaseline, metricBaseline, metricDescription } from "./metric-baselines";
import { type DoneRun, latestDoneRuns, visibleVersion, waitingModels } from "./runs";
import type { XAxis } from "./url-state";

/**
 * One metric's curves for every model that ran an experiment version, aligned by relative depth
 * (l / (L − 1)) or by absolute layer, with the claims about that metric and its chance level or
 * baseline. Pure shaping functions are exported for tests.
 */

export interface CurvePoint {
  layer: number;
  depth: number;
  value: number;
}

export interface ModelCurve {
  model: string;
  runId: number;
  attempt: number;
  nLayers: number;
  points: CurvePoint[];
}

const methodEntry = z.looseObject({ method: z.string(), perLayer: z.array(z.unknown()).catch([]) });
const perLayerEntry = z.looseObject({ hook: z.string(), layer: z.number().int().min(0) });
const metricsShape = z.looseObject({ methods: z.array(z.unknown()).catch([]) });

/** Each method's per-layer entries (first occurrence of a method wins, as for headlines); malformed parts skipped. */
function methodEntries(metrics: unknown): Array<{ method: string; entries: Array<z.infer<typeof perLayerEntry>> }> {
  const parsed = metricsShape.safeParse(metrics);
  if (!parsed.success) return [];
  const out: Array<{ method: string; entries: Array<z.infer<typeof perLayerEntry>> }> = [];
  for (const raw of parsed.data.methods) {
    const m = methodEntry.safeParse(raw);
    if (!m.success || out.some((o) => o.method === m.data.method)) continue;
    out.push({ method: m.data.method, entries: m.data.perLayer.flatMap((e) => perLayerEntry.safeParse(e).data ?? []) });
  }
  return out;
}

const isClaimMethod = (m: string): m is ClaimMethod => Object.hasOwn(CLAIMABLE_METRICS, m);
const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** The claimable metrics a run measured (some layer has a number), in the spec's method order. */
export function measuredMetrics(metrics: unknown): string[] {
  const out: string[] = [];
  for (const { method, entries } of methodEntries(metrics)) {
    if (!isClaimMethod(method)) continue;
    for (const field of Object.keys(CLAIMABLE_METRICS[method])) {
      if (entries.some((e) => finite(e[field]))) out.push(`${method}.${field}`);
    }
  }
  return out;
}

/** The hook kinds a run reported per-layer numbers at ("hook_resid_post" first, then by name). */
export function reportedHooks(metrics: unknown): string[] {
  const kinds = new Set(methodEntries(metrics).flatMap((m) => m.entries.map((e) => hookKind(e.hook))));
  return [...kinds].sort((a, b) => (a === "hook_resid_post" ? -1 : b === "hook_resid_post" ? 1 : a.localeCompare(b)));
}

/** One run's curve of `metric` at one hook kind, by layer, with each layer's relative depth. */
export function curvePoints(metrics: unknown, metric: string, hook: string, nLayers: number): CurvePoint[] {
  const [method, field] = metric.split(".");
  const found = methodEntries(metrics).find((m) => m.method === method);
  if (!found || !field) return [];
  return found.entries
    .filter((e) => hookKind(e.hook) === hook && finite(e[field]))
    .map((e) => ({ layer: e.layer, depth: relativeDepth(e.layer, nLayers), value: e[field] as number }))
    .sort((a, b) => a.layer - b.layer);
}

export interface CurveTableRow {
  /** The row's x: a layer, or a relative depth. */
  x: number;
  /** Per model (the table's columns, in `curves` order): its value and layer there, or null. */
  cells: Array<{ layer: number; depth: number; value: number } | null>;
}

/** Depths equal up to rounding (2/4 and 3/6) share a row. */
const depthKey = (d: number) => Math.round(d * 1e9);

/**
 * The numbers of the chart as a table: one row per layer (x = layer) or per relative depth that
 * any model has (x = depth), one column per model. With depth, models of different depths share
 * a row only where their layers sit at the same relative depth (the first and last blocks always do).
 */
export function curveTable(curves: readonly ModelCurve[], axis: XAxis): CurveTableRow[] {
  const rows = new Map<number, CurveTableRow>();
  curves.forEach((curve, column) => {
    for (const p of curve.points) {
      const key = axis === "layer" ? p.layer : depthKey(p.depth);
      let row = rows.get(key);
      if (!row) {
        row = { x: axis === "layer" ? p.layer : p.depth, cells: curves.map(() => null) };
        rows.set(key, row);
      }
      row.cells[column] = { layer: p.layer, depth: p.depth, value: p.value };
    }
  });
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
}

/** The metric shown by default: the first claimed metric some run measured, else the first measured one. */
export function defaultMetric(measured: readonly string[], claimed: readonly string[]): string | null {
  return claimed.find((m) => measured.includes(m)) ?? measured[0] ?? null;
}

export interface CurvesInput {
  id: number;
  version?: number | null;
  metric?: string | null;
  hook?: string | null;
}

export interface CurvesResult {
  experiment: { id: number; title: string; state: "draft" | "published"; latestVersion: number };
  version: { version: number; publishedAt: Date | null };
  versions: Array<{ version: number; publishedAt: Date | null }>;
  /** Models with a done run of this version, and those whose run is still queued or running. */
  doneModels: string[];
  waiting: Array<{ model: string; status: string }>;
  /** Claimable metrics some done run measured, with their descriptions. */
  metrics: Array<{ name: string; description: string }>;
  /** The metric shown (null when no run is done); it may be one no run measured (then `curves` is empty). */
  metric: { name: string; description: string } | null;
  hooks: string[];
  hook: string | null;
  /** One curve per model that measured the metric at the hook, by model name. */
  curves: ModelCurve[];
  /** Models with a done run that has no number for this metric at this hook. */
  notMeasured: string[];
  claims: ClaimSummary[];
  marks: Record<XAxis, ClaimMark[]>;
  baseline: MetricBaseline | null;
  tables: Record<XAxis, CurveTableRow[]>;
}

/** Shapes the done runs into the curves view (pure: the database part is in `crossModelCurves`). */
export function shapeCurves(done: readonly DoneRun[], claims: Parameters<typeof claimMarks>[0], input: { metric?: string | null; hook?: string | null }) {
  const measuredByRun = done.map((r) => measuredMetrics(r.metrics));
  const measured = [...new Set(measuredByRun.flat())];
  // In the claims table's order, so the selector reads like the claim editor.
  const order = Object.entries(CLAIMABLE_METRICS).flatMap(([method, fields]) => Object.keys(fields).map((f) => `${method}.${f}`));
  measured.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const metric = input.metric ?? defaultMetric(measured, claims.map((c) => c.metric));
  const hooks = [...new Set(done.flatMap((r) => reportedHooks(r.metrics)))].sort((a, b) => (a === "hook_resid_post" ? -1 : b === "hook_resid_post" ? 1 : a.localeCompare(b)));
  const hook = input.hook && hooks.includes(input.hook) ? input.hook : (hooks[0] ?? null);
  const curves: ModelCurve[] = [];
  const notMeasured: string[] = [];
  if (metric && hook) {
    for (const r of done) {
      const points = curvePoints(r.metrics, metric, hook, r.nLayers);
      if (points.length > 0) curves.push({ model: r.model, runId: r.runId, attempt: r.attempt, nLayers: r.nLayers, points });
      else notMeasured.push(r.model);
    }
  } else {
    notMeasured.push(...done.map((r) => r.model));
  }
  const depths = curves.map((c) => ({ name: c.model, nLayers: c.nLayers }));
  return {
    metrics: measured.map((name) => ({ name, description: metricDescription(name) })),
    metric: metric ? { name: metric, description: metricDescription(metric) } : null,
    hooks,
    hook,
    curves,
    notMeasured,
    claims: metric ? claimSummaries(claims, metric) : [],
    marks: { layer: metric ? claimMarks(claims, metric, depths, "layer") : [], depth: metric ? claimMarks(claims, metric, depths, "depth") : [] },
    baseline: metric ? metricBaseline(metric) : null,
    tables: { layer: curveTable(curves, "layer"), depth: curveTable(curves, "depth") },
  };
}

export async function crossModelCurves(db: Database, viewer: SessionUser | null, input: CurvesInput): Promise<CurvesResult> {
  const ctx = await visibleVersion(db, viewer, input.id, input.version);
  const [done, waiting] = await Promise.all([latestDoneRuns(db, ctx.version.id), waitingModels(db, ctx.version.id)]);
  return {
    experiment: { id: ctx.experiment.id, title: ctx.version.title, state: ctx.experiment.state, latestVersion: ctx.experiment.latestVersion },
    version: { version: ctx.version.version, publishedAt: ctx.version.publishedAt },
    versions: ctx.versions,
    doneModels: done.map((r) => r.model),
    waiting,
    ...shapeCurves(done, ctx.version.claims, input),
  };
}
