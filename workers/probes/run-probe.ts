/**
 * Runs a probe spec against an activation source: reads activations hook by hook (in groups that
 * fit a memory budget), runs the per-layer methods on each layer's view, then the methods that
 * need their own prompts (anchors), interventions (steering, ablation) or per-token activations
 * (neuron map). Every random choice comes from the spec's seed; results are assembled in the
 * spec's method order, so the same spec, model and seed give byte-identical metrics JSON.
 * Reads go through a metered wrapper (progress.ts): between batches of prompts the progress callback
 * is awaited and the abort signal checked, so a caller can report progress and stop a run.
 */
import {
  type AblationParams,
  type MethodParams,
  type ProbeSpec,
  type SteeringParams,
  checkRuntimeLimits,
  isCausalMethod,
  PROBE_LIMITS,
  resolveLayers,
} from "../../server/probes/spec";
import type { HostedModel } from "../runtime/types";
import { type ActivationSource, hookName, pickReadout, readoutIndex } from "./activation-source";
import { type DatasetResolver, type PreparedData, prepareData, resolveData } from "./data";
import { LayerView } from "./layer-view";
import { ablation } from "./methods/ablation";
import { type AnchorLayerInput, anchors } from "./methods/anchors";
import { allRows, meanDifference } from "./methods/common";
import { consistencyLayer, layerCosineMatrices } from "./methods/consistency";
import { crossDomainLayer } from "./methods/cross-domain";
import { diffmeanLayer } from "./methods/diffmean";
import { dimensionalityLayer } from "./methods/dimensionality";
import { runCausalMethods } from "./causal/run-causal";
import { type InterventionContext, type ResidInfo, resolveInterventionLayers } from "./methods/interventions-common";
import { logisticLayer } from "./methods/logistic";
import { neuronMap } from "./methods/neuron-map";
import { steering } from "./methods/steering";
import { deriveRng } from "./stats/rng";
import { makeFolds } from "./stats/splits";
import { MeteredSource, type ProbeProgress, type ProgressCallback } from "./progress";
import { type LayerContext, ProbeInputError } from "./types";

export interface RunProbeOptions {
  source: ActivationSource;
  resolveDataset?: DatasetResolver;
  /** Upper bound on activation bytes held at once (default 512 MiB). */
  maxActivationBytes?: number;
  /** Called (and awaited) at each stage and after each batch of prompts. */
  onProgress?: ProgressCallback;
  /** Checked between batches: once aborted, runProbe throws the signal's reason (an Error) or ProbeStoppedError. */
  signal?: AbortSignal;
  /** Prompts per forward batch between progress reports and stop checks (default 32). */
  batchSize?: number;
  /** The hosted model itself: required when the spec has a causal method (spec version 2). */
  model?: HostedModel;
  /** A stored run's unit diffmean direction at a layer (steeredGeneration's `direction.kind: "artifact"`). */
  resolveDirection?: (runId: number, layer: number) => Promise<Float32Array>;
}

export interface MethodResult {
  method: MethodParams["method"];
  /** Per (hook, layer) metrics of the data methods; empty for the causal methods. */
  perLayer: unknown[];
  /** A causal method's result (see workers/probes/README.md for each method's shape). */
  result?: unknown;
}

export interface ProbeMetrics {
  engine: "mechmap-probes";
  specVersion: number;
  seed: number;
  model: { name: string; nLayers: number; dModel: number };
  /** null for a version-2 spec without data (only causal methods). */
  data: {
    kind: "pairs" | "labelled";
    examples: number;
    positives: number;
    negatives: number;
    positiveClass: string;
    negativeClass: string;
    classes: string[];
    domains: string[];
  } | null;
  readout: ProbeSpec["readout"];
  /** Layers the data methods read; [] when the spec has none. */
  layers: number[];
  methods: MethodResult[];
}

export interface ProbeRun {
  metrics: ProbeMetrics;
  /** Per method (same order), its artifacts: directions, components, embeddings, snippets. */
  artifacts: Array<{ method: string; artifacts: unknown }>;
}

const PER_LAYER = new Set(["diffmean", "logistic", "dimensionality", "consistency", "crossDomain"]);

function assertFinite(values: Float32Array, width: number, hook: string, paths: readonly string[], texts: readonly string[]): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      const ex = Math.floor(i / width);
      throw new ProbeInputError(
        `${paths[ex] ?? `example ${ex}`}: the activations at ${hook} contain ${Number.isNaN(values[i]!) ? "NaN" : "an infinite value"} for "${(texts[ex] ?? "").slice(0, 60)}" — the model produced non-finite values; check the model weights or remove this prompt`,
      );
    }
  }
}

async function readChecked(
  source: ActivationSource,
  texts: readonly string[],
  paths: readonly string[],
  hooks: readonly string[],
  spec: ProbeSpec,
): Promise<Map<string, Float32Array>> {
  const acts = await source.read(texts, hooks, spec.readout.position);
  for (const h of hooks) {
    const v = acts.get(h);
    if (!v) throw new Error(`activation source returned nothing for ${h}`);
    if (v.length % Math.max(1, texts.length) !== 0) throw new Error(`activation source returned ${v.length} values for ${texts.length} prompts at ${h}`);
    assertFinite(v, v.length / Math.max(1, texts.length), h, paths, texts);
  }
  return acts;
}

/** Splits a list of hooks into groups whose activations fit the byte budget. */
function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function checkTokens(source: ActivationSource, texts: readonly string[], paths: readonly string[]): void {
  const limit = Math.min(PROBE_LIMITS.maxPromptTokens, source.info.maxTokens);
  if (!source.tokenCount) return;
  for (let i = 0; i < texts.length; i++) {
    const n = source.tokenCount(texts[i]!);
    if (n > limit) throw new ProbeInputError(`${paths[i]}: prompt is ${n} tokens; the limit is ${limit} — shorten it`);
  }
}

export async function runProbe(spec: ProbeSpec, opts: RunProbeOptions): Promise<ProbeRun> {
  const causalCount = spec.methods.filter(isCausalMethod).length;
  const dataCount = spec.methods.length - causalCount;
  if (causalCount > 0 && !opts.model) throw new Error("runProbe: the spec has causal methods; pass the hosted model (options.model)");
  // The data methods and the causal methods share the run's percentage by their count.
  const dataShare = dataCount / Math.max(1, spec.methods.length);
  const onProgress = opts.onProgress;
  const scaled: ProgressCallback | undefined = onProgress && ((p: ProbeProgress) => onProgress({ ...p, percent: p.percent * dataShare }));
  const meter = new MeteredSource(opts.source, Math.max(1, opts.batchSize ?? 32), scaled, opts.signal);
  const info = meter.info;
  const runtimeErrors = checkRuntimeLimits(spec, info);
  if (runtimeErrors.length > 0) throw new ProbeInputError(runtimeErrors.join("\n"));
  let data: PreparedData | null = null;
  if (spec.data) {
    const resolved = await resolveData(spec, opts.resolveDataset);
    data = prepareData(resolved.dataset, resolved.contrast, resolved.prefix);
    checkTokens(meter, data.texts, data.paths);
  }

  let layers: number[] = [];
  let perLayerResults = new Map<number, unknown[]>();
  let artifacts = new Map<number, unknown>();
  if (dataCount > 0) {
    if (!data) throw new ProbeInputError("data: this spec has no data — give \"data\" for the methods that read it");
    ({ layers, perLayerResults, artifacts } = await runDataMethods(spec, data, meter, opts));
    await meter.finish();
  }

  const causal = new Map<number, { result: unknown; artifacts: unknown }>();
  if (causalCount > 0) {
    const prepared = data;
    const out = await runCausalMethods(spec, opts.model!, {
      percentRange: [100 * dataShare, 100],
      ...(onProgress ? { onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.resolveDirection ? { resolveDirection: opts.resolveDirection } : {}),
      ...(prepared ? { contrastTexts: async () => contrastTexts(prepared) } : {}),
    });
    for (const [i, o] of out) causal.set(i, o);
    await onProgress?.({ stage: "done", message: "done", percent: 100, examplesDone: 0, examplesTotal: 0, layer: null });
  }

  let positives = 0;
  if (data) for (const v of data.binary.y) positives += v;
  const metrics: ProbeMetrics = {
    engine: "mechmap-probes",
    specVersion: spec.version,
    seed: spec.seed,
    model: { name: info.name, nLayers: info.nLayers, dModel: info.dModel },
    data: data && {
      kind: data.kind,
      examples: data.texts.length,
      positives,
      negatives: data.binary.n - positives,
      positiveClass: data.positiveClass,
      negativeClass: data.negativeClass,
      classes: data.classNames,
      domains: data.domains,
    },
    readout: spec.readout,
    layers,
    methods: spec.methods.map((m, i) => {
      const c = causal.get(i);
      return c ? { method: m.method, perLayer: [], result: c.result } : { method: m.method, perLayer: perLayerResults.get(i) ?? [] };
    }),
  };
  return {
    metrics,
    artifacts: spec.methods.map((m, i) => ({ method: m.method, artifacts: causal.has(i) ? causal.get(i)!.artifacts ?? null : artifacts.get(i) ?? null })),
  };
}

/** The binary contrast's texts as two prompt sets (steeredGeneration with `direction.kind: "data"`). */
function contrastTexts(data: PreparedData): { positive: string[]; negative: string[] } {
  const positive: string[] = [];
  const negative: string[] = [];
  for (let t = 0; t < data.binary.n; t++) (data.binary.y[t] === 1 ? positive : negative).push(data.binary.texts[t]!);
  return { positive, negative };
}

/** Phases 1–4: the methods that read the spec's data (every version-1 method). */
async function runDataMethods(
  spec: ProbeSpec,
  data: PreparedData,
  meter: MeteredSource,
  opts: RunProbeOptions,
): Promise<{ layers: number[]; perLayerResults: Map<number, unknown[]>; artifacts: Map<number, unknown> }> {
  const source: ActivationSource = meter;
  const info = source.info;
  for (const m of spec.methods) {
    if (m.method === "anchors") {
      checkTokens(source, m.first.prompts, m.first.prompts.map((_, i) => `anchors.first.prompts[${i}]`));
      checkTokens(source, m.second.prompts, m.second.prompts.map((_, i) => `anchors.second.prompts[${i}]`));
      checkTokens(source, m.queries.map((q) => q.text), m.queries.map((_, i) => `anchors.queries[${i}].text`));
    }
  }
  const layers = resolveLayers(spec.readout.layers, info.nLayers);
  const binTexts = data.binary.texts;
  const binPaths = Array.from(data.rows, (i) => data.paths[i]!);
  const folds = makeFolds(data.binary.groups, data.binary.y, spec.split, deriveRng(spec.seed, "folds"));
  const budget = opts.maxActivationBytes ?? 512 * 1024 * 1024;

  const perLayerResults = new Map<number, unknown[]>();
  const artifacts = new Map<number, unknown>();
  // diffmean also keeps each example's projection onto its direction (cross-model agreement).
  const directionsFor = new Map<number, Array<{ hook: string; layer: number; direction: Float32Array; scores?: Float32Array }>>();
  const resid = new Map<number, ResidInfo>();
  spec.methods.forEach((m, i) => {
    perLayerResults.set(i, []);
    // Dimensionality keeps its own per-layer artifacts (PCA components, INLP directions), set below.
    if (m.method === "diffmean" || m.method === "logistic" || m.method === "consistency") directionsFor.set(i, []);
  });

  const needsIntervention = spec.methods.some((m) => m.method === "steering" || m.method === "ablation");
  const residLayersNeeded = new Set<number>();
  if (needsIntervention) {
    residLayersNeeded.add(info.nLayers - 1);
    spec.methods.forEach((m, i) => {
      if (m.method === "steering" || m.method === "ablation") for (const l of resolveInterventionLayers(m.layers, info.nLayers, `methods[${i}]`)) residLayersNeeded.add(l);
    });
  }
  const residInfoFrom = (view: LayerView): ResidInfo => {
    const basis = view.basis();
    const md = meanDifference(basis, data.binary.y, allRows(data.binary.n));
    const dir = basis.toModelSpace(md.w);
    let nr = 0;
    for (const v of dir) nr += v * v;
    nr = Math.sqrt(nr);
    return { layer: view.layer, direction: Float32Array.from(dir, (v) => (nr > 0 ? v / nr : 0)), meanNorm: view.meanNorm(), gap: nr };
  };

  // Phase 1: per-layer methods on the main data.
  const perLayerMethods = spec.methods.map((m, i) => ({ m, i })).filter(({ m }) => PER_LAYER.has(m.method));
  const concrete: Array<{ template: string; layer: number; name: string }> = [];
  if (perLayerMethods.length > 0) for (const t of spec.readout.hooks) for (const l of layers) concrete.push({ template: t, layer: l, name: hookName(t, l) });
  const perHookBytes = Math.max(1, binTexts.length * info.dModel * 4 * 4); // mlp widths can be ~4× d_model
  const groupSize = Math.max(1, Math.floor(budget / perHookBytes));
  const perLayerGroups = chunk(concrete, groupSize);
  meter.plannedUnits = plannedUnits(spec, data, info.nLayers, info.dModel, layers.length, perLayerGroups.length, groupSize, budget, residLayersNeeded, concrete);
  for (const group of perLayerGroups) {
    await meter.stage("reading", `reading ${describeGroup(group)}`, group[0]!.layer, binTexts.length);
    const acts = await readChecked(source, binTexts, binPaths, group.map((g) => g.name), spec);
    for (const g of group) {
      await meter.at("computing", `computing ${perLayerMethods.map(({ m }) => m.method).join(", ")} at ${g.name}`, g.layer);
      const X = acts.get(g.name)!;
      const width = X.length / binTexts.length;
      const view = new LayerView(g.name, g.layer, X, binTexts.length, width);
      const ctx: LayerContext = { view, data: data.binary, folds, seed: spec.seed };
      for (const { m, i } of perLayerMethods) {
        const key = { hook: g.name, layer: g.layer };
        const list = perLayerResults.get(i)!;
        if (m.method === "diffmean") {
          const r = diffmeanLayer(ctx, m);
          list.push({ ...key, ...r.metrics });
          directionsFor.get(i)!.push({ ...key, direction: r.artifact.direction, scores: r.artifact.scores });
        } else if (m.method === "logistic") {
          const r = logisticLayer(ctx, m);
          list.push({ ...key, ...r.metrics });
          directionsFor.get(i)!.push({ ...key, direction: r.artifact.direction });
        } else if (m.method === "dimensionality") {
          const r = dimensionalityLayer(ctx, m);
          list.push({ ...key, ...r.metrics });
          const arts = (artifacts.get(i) as unknown[] | undefined) ?? [];
          arts.push({ ...key, ...r.artifact });
          artifacts.set(i, arts);
        } else if (m.method === "consistency") {
          const r = consistencyLayer(ctx, m);
          list.push({ ...key, ...r.metrics });
          directionsFor.get(i)!.push({ ...key, direction: r.direction });
        } else if (m.method === "crossDomain") {
          list.push({ ...key, ...crossDomainLayer(ctx, m) });
        }
      }
      if (g.template === "blocks.{L}.hook_resid_post" && residLayersNeeded.has(g.layer)) resid.set(g.layer, residInfoFrom(view));
    }
  }
  for (const [i, dirs] of directionsFor) {
    const m = spec.methods[i]!;
    if (m.method === "consistency") artifacts.set(i, layerCosineMatrices(dirs));
    else artifacts.set(i, { directions: dirs });
  }

  // Phase 2: anchors.
  for (const [i, m] of spec.methods.entries()) {
    if (m.method !== "anchors") continue;
    const texts = [...m.first.prompts, ...m.second.prompts, ...m.queries.map((q) => q.text)];
    const paths = [
      ...m.first.prompts.map((_, j) => `methods[${i}].first.prompts[${j}]`),
      ...m.second.prompts.map((_, j) => `methods[${i}].second.prompts[${j}]`),
      ...m.queries.map((_, j) => `methods[${i}].queries[${j}].text`),
    ];
    const hooks: Array<{ name: string; layer: number }> = [];
    for (const t of spec.readout.hooks) for (const l of layers) hooks.push({ name: hookName(t, l), layer: l });
    const inputs: AnchorLayerInput[] = [];
    const nA = m.first.prompts.length;
    const nB = m.second.prompts.length;
    for (const group of chunk(hooks, Math.max(1, Math.floor(budget / Math.max(1, texts.length * info.dModel * 16))))) {
      await meter.stage("anchors", `anchors: reading ${describeGroup(group)}`, group[0]!.layer, texts.length);
      const acts = await readChecked(source, texts, paths, group.map((g) => g.name), spec);
      for (const g of group) {
        const X = acts.get(g.name)!;
        const d = X.length / texts.length;
        inputs.push({ hook: g.name, layer: g.layer, d, first: X.slice(0, nA * d), second: X.slice(nA * d, (nA + nB) * d), queries: X.slice((nA + nB) * d) });
      }
    }
    const out = anchors(inputs, m);
    perLayerResults.set(i, out.perLayer);
    artifacts.set(i, out.artifacts);
  }

  // Phase 3: steering and ablation.
  if (needsIntervention) {
    const missing = [...residLayersNeeded].filter((l) => !resid.has(l)).sort((a, b) => a - b);
    for (const group of chunk(missing, groupSize)) {
      const names = group.map((l) => hookName("blocks.{L}.hook_resid_post", l));
      await meter.stage("reading", `reading ${names.join(", ")} for interventions`, group[0]!, binTexts.length);
      const acts = await readChecked(source, binTexts, binPaths, names, spec);
      group.forEach((l, t) => resid.set(l, residInfoFrom(new LayerView(names[t]!, l, acts.get(names[t]!)!, binTexts.length, info.dModel))));
    }
    const ictx: InterventionContext = { source, position: spec.readout.position, nLayers: info.nLayers, dModel: info.dModel, resid };
    for (const [i, m] of spec.methods.entries()) {
      if (m.method === "steering") {
        const prompts = steeringPrompts(m, data);
        await meter.stage("steering", `steering (method ${i})`, null, prompts.length * (1 + m.alphas.length * resolveInterventionLayers(m.layers, info.nLayers, `methods[${i}]`).length));
        const out = await steering(ictx, m, prompts, `methods[${i}]`);
        perLayerResults.set(i, out.perLayer);
        artifacts.set(i, out.artifacts);
      } else if (m.method === "ablation") {
        const { prompts, labels } = ablationPrompts(m, data);
        await meter.stage("ablation", `ablation (method ${i})`, null, prompts.length * (1 + resolveInterventionLayers(m.layers, info.nLayers, `methods[${i}]`).length));
        const out = await ablation(ictx, m, prompts, labels, `methods[${i}]`);
        perLayerResults.set(i, out.perLayer);
        artifacts.set(i, out.artifacts);
      }
    }
  }

  // Phase 4: neuron maps.
  for (const [i, m] of spec.methods.entries()) {
    if (m.method !== "neuronMap") continue;
    if (m.layer >= info.nLayers) throw new ProbeInputError(`methods[${i}].layer: layer ${m.layer} does not exist — the model has ${info.nLayers} blocks`);
    const hook = hookName(m.hook, m.layer);
    await meter.stage("neuron map", `neuron map: ${hook}`, m.layer, data.texts.length);
    let readout: Float32Array;
    let tokens = null;
    let width: number;
    if (source.tokenActivations) {
      tokens = await source.tokenActivations(data.texts, hook);
      width = tokens[0]?.width ?? 0;
      readout = new Float32Array(data.texts.length * width);
      tokens.forEach((t, e) => {
        const idx = readoutIndex(data.texts[e]!, t.offsets, spec.readout.position);
        if (idx === null) throw new ProbeInputError(`${data.paths[e]}: the read-out marker was not found in the prompt`);
        pickReadout(t.values, t.width, idx, readout, e * width);
      });
    } else {
      readout = (await readChecked(source, data.texts, data.paths, [hook], spec)).get(hook)!;
      width = readout.length / data.texts.length;
    }
    assertFinite(readout, width, hook, data.paths, data.texts);
    // Contrast labels for every example: 1 positive, 0 negative, 255 outside the contrast (ignored by Cohen's d).
    const yAll = Uint8Array.from(data.classes, (c) => (c === data.positiveClass ? 1 : data.negativeClass === "rest" || c === data.negativeClass ? 0 : 255));
    const out = neuronMap({ hook, layer: m.layer, texts: data.texts, classes: data.classes, y: yAll, readout, width, tokens }, m, spec.seed);
    perLayerResults.set(i, out.perLayer);
    artifacts.set(i, out.artifacts);
  }

  return { layers, perLayerResults, artifacts };
}

function steeringPrompts(m: SteeringParams, data: PreparedData): string[] {
  if (m.prompts) return m.prompts;
  const out: string[] = [];
  for (let t = 0; t < data.binary.n && out.length < m.maxPrompts; t++) if (data.binary.y[t] === 0) out.push(data.binary.texts[t]!);
  return out;
}

function ablationPrompts(m: AblationParams, data: PreparedData): { prompts: string[]; labels: Uint8Array | null } {
  if (m.prompts) return { prompts: m.prompts, labels: null };
  const half = Math.max(1, Math.floor(m.maxPrompts / 2));
  const pos: string[] = [];
  const neg: string[] = [];
  for (let t = 0; t < data.binary.n; t++) {
    if (data.binary.y[t] === 1 && pos.length < half) pos.push(data.binary.texts[t]!);
    if (data.binary.y[t] === 0 && neg.length < half) neg.push(data.binary.texts[t]!);
  }
  return { prompts: [...pos, ...neg], labels: Uint8Array.from([...pos.map(() => 1), ...neg.map(() => 0)]) };
}

function describeGroup(group: ReadonlyArray<{ name: string }>): string {
  return group.length <= 3 ? group.map((g) => g.name).join(", ") : `${group[0]!.name} … ${group[group.length - 1]!.name} (${group.length} hooks)`;
}

/** Forward passes (prompt sequences) the run will make, for the progress percentage. */
function plannedUnits(
  spec: ProbeSpec,
  data: PreparedData,
  nLayers: number,
  dModel: number,
  nReadLayers: number,
  perLayerGroups: number,
  groupSize: number,
  budget: number,
  residLayersNeeded: ReadonlySet<number>,
  concrete: ReadonlyArray<{ template: string; layer: number }>,
): number {
  let units = perLayerGroups * data.binary.n;
  const residRead = new Set(concrete.filter((c) => c.template === "blocks.{L}.hook_resid_post").map((c) => c.layer));
  const missing = [...residLayersNeeded].filter((l) => !residRead.has(l)).length;
  units += Math.ceil(missing / groupSize) * data.binary.n;
  spec.methods.forEach((m, i) => {
    if (m.method === "anchors") {
      const texts = m.first.prompts.length + m.second.prompts.length + m.queries.length;
      const hooks = spec.readout.hooks.length * nReadLayers;
      units += Math.ceil(hooks / Math.max(1, Math.floor(budget / Math.max(1, texts * dModel * 16)))) * texts;
    } else if (m.method === "steering" || m.method === "ablation") {
      const path = `methods[${i}]`;
      const nl = resolveInterventionLayers(m.layers, nLayers, path).length;
      const prompts = m.method === "steering" ? steeringPrompts(m, data).length : ablationPrompts(m, data).prompts.length;
      const passes = m.method === "steering" ? 1 + nl * m.alphas.length : 1 + nl;
      units += prompts * passes * (m.completions ? 2 : 1);
    } else if (m.method === "neuronMap") {
      units += data.texts.length;
    }
  });
  return Math.max(1, units);
}
