/** The spec schema: defaults, and malformed specs and data sets refused with messages that say what to fix. */
import { describe, expect, it } from "vitest";
import { checkRuntimeLimits, parseProbeDataset, parseProbeSpec, PROBE_LIMITS, type ProbeSpec } from "../../server/probes/spec";
import { runProbe } from "../../workers/probes/run-probe";
import { toStableJson } from "../../workers/probes/serialize";
import { ProbeInputError } from "../../workers/probes/types";
import { orthonormal, plantedPairs, SyntheticSource } from "./synthetic";
import { createRng } from "../../workers/probes/stats/rng";

const pairs = (n: number) => Array.from({ length: n }, (_, i) => ({ positive: `p${i} good`, negative: `p${i} bad` }));
const base = { version: 1, data: { kind: "pairs", pairs: pairs(6) }, methods: [{ method: "diffmean" }] };

function errorsOf(input: unknown): string[] {
  const r = parseProbeSpec(input);
  if (r.ok) throw new Error("expected the spec to be refused");
  return r.errors;
}

describe("probe spec", () => {
  it("applies defaults: last token, resid_post at every layer, 5 folds, seed 0", () => {
    const r = parseProbeSpec(base);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec.readout).toEqual({ position: { kind: "last" }, hooks: ["blocks.{L}.hook_resid_post"], layers: "all" });
    expect(r.spec.split).toEqual({ kind: "kfold", k: 5 });
    expect(r.spec.seed).toBe(0);
    const full = parseProbeSpec({ ...base, methods: [{ method: "logistic" }, { method: "dimensionality" }] });
    expect(full.ok && full.spec.methods).toEqual([
      { method: "logistic", l2: 0.01, controlTask: true, maxIterations: 500 },
      { method: "dimensionality", center: true, components: 3, inlp: { enabled: true, maxDirections: 20, l2: 0.01, chanceSigmas: 2 } },
    ]);
    // JSON text is accepted too.
    expect(parseProbeSpec(JSON.stringify(base)).ok).toBe(true);
  });

  it("refuses wrong types, empty prompts and too-long prompts, naming the field", () => {
    const errors = errorsOf({
      ...base,
      data: { kind: "pairs", pairs: [{ positive: "ok", negative: "   " }, { positive: 42, negative: "b" }, { positive: "x".repeat(PROBE_LIMITS.maxPromptChars + 1), negative: "y" }, { positive: "c" }] },
    });
    expect(errors).toContain("data.pairs[0].negative: prompt is empty — give the text of the prompt");
    expect(errors).toContain("data.pairs[1].positive: prompt must be text, got number 42 — put the prompt in quotes");
    expect(errors).toContain(`data.pairs[2].positive: prompt is ${PROBE_LIMITS.maxPromptChars + 1} characters; the limit is ${PROBE_LIMITS.maxPromptChars} — shorten it`);
    expect(errors).toContain("data.pairs[3].negative: prompt is missing — give the text of the prompt");
  });

  it("refuses one class only, a missing contrast, and too few examples for the folds", () => {
    const oneClass = errorsOf({ ...base, data: { kind: "labelled", examples: [{ text: "a", label: "happy" }, { text: "b", label: "happy" }] } });
    expect(oneClass).toEqual(['data.examples: only one class ("happy") — add examples with at least one other label so there is something to contrast']);
    const three = errorsOf({ ...base, data: { kind: "labelled", examples: ["a", "b", "c"].flatMap((l) => Array.from({ length: 5 }, (_, i) => ({ text: `${l}${i}`, label: l }))) } });
    expect(three[0]).toMatch(/^data\.contrast: the data has 3 classes \("a", "b", "c"\) — set contrast to/);
    const badContrast = errorsOf({ ...base, data: { kind: "labelled", contrast: { positive: "joy", negative: "rest" }, examples: [{ text: "a", label: "x" }, { text: "b", label: "y" }] }, split: { kind: "kfold", k: 2 } });
    expect(badContrast[0]).toBe('data.contrast.positive: no examples are labelled "joy" — use one of "x", "y"');
    const few = errorsOf({ ...base, data: { kind: "pairs", pairs: pairs(3) } });
    expect(few).toEqual(["data.pairs: 3 pairs; the split needs at least 5 — add pairs or use fewer folds"]);
  });

  it("refuses unknown fields, bad versions, methods, hooks and layers with the fix", () => {
    expect(errorsOf({ ...base, version: 3 })).toEqual(['version: this engine reads version 1 and 2 specs, got number 3 — set "version": 1 (or 2 for steeredGeneration, activationPatching, logitLens, attentionPatterns)']);
    expect(errorsOf({ ...base, seeed: 3 })).toEqual(['spec: unknown field "seeed" — remove it or check the spelling']);
    expect(errorsOf({ ...base, methods: [{ method: "svm" }] })[0]).toMatch(/^methods\[0\]\.method: unknown method "svm" — use one of "diffmean"/);
    expect(errorsOf({ ...base, readout: { hooks: ["resid"] } })[0]).toMatch(/^readout\.hooks\[0\]: "resid" is not a hook template — use one of/);
    expect(errorsOf({ ...base, readout: { layers: [0, 1.5] } })).toContain("readout.layers[1]: layer must be a whole number, got number 1.5");
    expect(errorsOf({ ...base, methods: [] })).toEqual(['methods: choose at least one method, e.g. {"method": "diffmean"}']);
    expect(errorsOf({ ...base, methods: [{ method: "diffmean" }, { method: "diffmean" }] })).toEqual(['methods[1]: method "diffmean" is listed twice — keep one']);
    expect(errorsOf({ ...base, readout: { position: { kind: "marker", marker: "good" } }, data: { kind: "pairs", pairs: [...pairs(5), { positive: "fine", negative: "p bad" }] } })).toContain(
      'data.pairs[5].positive: marker "good" does not occur in the prompt — add it or choose another read-out position',
    );
    expect(errorsOf("{not json")[0]).toMatch(/^spec: not valid JSON/);
  });

  it("refuses NaN and non-numbers in vectors, and enforces the limits", () => {
    expect(errorsOf({ ...base, methods: [{ method: "steering", vector: [0.1, Number.NaN, 0.3] }] })).toEqual([
      "methods[0].vector[1]: vector entry must be a finite number, got NaN — replace it with a real number",
    ]);
    expect(errorsOf({ ...base, methods: [{ method: "ablation", vector: [1, "2"] }] })[0]).toBe('methods[0].vector[1]: vector entry must be a finite number, got text "2" — replace it with a real number');
    expect(errorsOf({ ...base, methods: [{ method: "steering", alphas: [Infinity] }] })[0]).toMatch(/^methods\[0\]\.alphas\[0\]: alpha must be a finite number, got Infinity/);
    const many = errorsOf({ ...base, data: { kind: "pairs", pairs: pairs(PROBE_LIMITS.maxExamples / 2 + 1) } });
    expect(many[0]).toBe(`data.pairs: more than ${PROBE_LIMITS.maxExamples / 2} pairs — split the data set or sample from it`);
    const cells = errorsOf({
      ...base,
      readout: { layers: { from: 0, to: 299 }, hooks: ["blocks.{L}.hook_resid_post", "blocks.{L}.hook_mlp_out"] },
      methods: [{ method: "diffmean" }, { method: "logistic" }, { method: "consistency" }, { method: "dimensionality" }],
    });
    expect(cells[0]).toBe(`methods: 300 layers × 2 hooks × 4 methods = 2400; the limit is ${PROBE_LIMITS.maxLayerMethodCells} — select fewer layers, hooks or methods`);
    const steer = errorsOf({ ...base, readout: { layers: { from: 0, to: 99 } }, methods: [{ method: "steering", alphas: [1, 2, 3, 4, 5, 6, 7, 8], maxPrompts: 256, completions: { target: " a", opposite: " b" } }] });
    expect(steer[0]).toMatch(/forward passes; the limit is 50000 — use fewer layers, alphas or prompts$/);
    const r = parseProbeSpec({ ...base, readout: { layers: "all" }, methods: [{ method: "diffmean" }, { method: "logistic" }] });
    if (!r.ok) throw new Error(r.errors.join());
    expect(checkRuntimeLimits(r.spec, { nLayers: 2000 })[0]).toMatch(/2000 layers × 1 hooks × 2 methods = 4000; the limit is 2048/);
  });

  it("validates uploaded data sets on their own", () => {
    expect(parseProbeDataset({ kind: "pairs", pairs: pairs(4) }).ok).toBe(true);
    const bad = parseProbeDataset({ kind: "labelled", examples: [{ text: "a", label: "x" }, { text: "", label: "x" }] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toEqual(["examples[1].text: prompt is empty — give the text of the prompt"]);
    const one = parseProbeDataset({ kind: "labelled", examples: [{ text: "a", label: "x" }, { text: "b", label: "x" }] });
    expect(!one.ok && one.errors[0]).toMatch(/^examples: only one class/);
    const kind = parseProbeDataset({ kind: "csv" });
    expect(!kind.ok && kind.errors[0]).toBe('kind: must be "labelled" or "pairs", got text "csv"');
  });
});

describe("runProbe on synthetic activations", () => {
  const d = 12;
  const nLayers = 3;
  const rng = createRng(2);
  const data = plantedPairs({ pairs: 30, d, nLayers, strength: () => 1.5, directions: orthonormal(nLayers, d, rng), noise: 0.1, baseScale: 0.2, seed: 5 });
  const texts = Array.from({ length: 60 }, (_, i) => `story ${i >> 1} ${i % 2 === 0 ? "happy" : "sad"}`);
  const makeSource = () => {
    const s = new SyntheticSource({ nLayers, d, vocab: ["happy", "sad"], unembed: Float64Array.from({ length: 2 * d }, (_, i) => Math.sin(i)) });
    s.add(texts, data);
    return s;
  };
  const spec = (seed: number): ProbeSpec => {
    const r = parseProbeSpec({
      version: 1,
      data: { kind: "pairs", pairs: Array.from({ length: 30 }, (_, p) => ({ positive: texts[2 * p], negative: texts[2 * p + 1], domain: p % 2 === 0 ? "a" : "b" })) },
      methods: [
        { method: "diffmean" },
        { method: "logistic" },
        { method: "dimensionality" },
        { method: "consistency" },
        { method: "crossDomain", classifier: "logistic" },
        { method: "steering", alphas: [-1, 1], maxPrompts: 4 },
        { method: "ablation", maxPrompts: 8 },
        { method: "anchors", first: { name: "good", prompts: texts.filter((_, i) => i % 2 === 0).slice(0, 5) }, second: { name: "bad", prompts: texts.filter((_, i) => i % 2 === 1).slice(0, 5) }, queries: [{ text: texts[20]! }, { text: texts[21]! }] },
        { method: "neuronMap", layer: 1, embedding: "umap", umap: { nNeighbors: 5, nEpochs: 30 }, clusters: 3 },
      ],
      seed,
    });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    return r.spec;
  };

  it("the same spec, model and seed give byte-identical metrics JSON", async () => {
    const a = await runProbe(spec(11), { source: makeSource() });
    const b = await runProbe(spec(11), { source: makeSource() });
    expect(toStableJson(a.metrics)).toBe(toStableJson(b.metrics));
    expect(toStableJson(a.artifacts)).toBe(toStableJson(b.artifacts));
    // Reading in smaller groups of hooks (a tighter memory budget) changes nothing.
    const c = await runProbe(spec(11), { source: makeSource(), maxActivationBytes: 1 });
    expect(toStableJson(c.metrics)).toBe(toStableJson(a.metrics));
    // Another seed changes the folds, hence the metrics.
    const other = await runProbe(spec(12), { source: makeSource() });
    expect(toStableJson(other.metrics)).not.toBe(toStableJson(a.metrics));
    // Anchor queries from each class land near their own side.
    const anchors = a.metrics.methods[7]!.perLayer as Array<{ positions: number[] }>;
    for (const row of anchors) {
      expect(row.positions[0]!).toBeLessThan(0.5);
      expect(row.positions[1]!).toBeGreaterThan(0.5);
    }
  });

  it("refuses NaN activations and vectors of the wrong length with the example's path", async () => {
    const src = makeSource();
    const poisoned = plantedPairs({ pairs: 30, d, nLayers, strength: () => 1.5, directions: orthonormal(nLayers, d, createRng(2)), noise: 0.3, seed: 5 });
    poisoned.layers[1]![7 * d + 3] = Number.NaN;
    src.add(texts, poisoned);
    await expect(runProbe(spec(1), { source: src })).rejects.toThrow(
      'data.pairs[3].negative: the activations at blocks.1.hook_resid_post contain NaN for "story 3 sad" — the model produced non-finite values; check the model weights or remove this prompt',
    );
    const wrong = parseProbeSpec({ version: 1, data: { kind: "pairs", pairs: Array.from({ length: 30 }, (_, p) => ({ positive: texts[2 * p], negative: texts[2 * p + 1] })) }, methods: [{ method: "steering", vector: [1, 2, 3] }] });
    if (!wrong.ok) throw new Error(wrong.errors.join());
    const run = runProbe(wrong.spec, { source: makeSource() });
    await expect(run).rejects.toThrow(ProbeInputError);
    await expect(runProbe(wrong.spec, { source: makeSource() })).rejects.toThrow("methods[0].vector: has 3 entries; the model's residual stream has 12 — give a vector of length 12");
  });

  it("labelled data with three classes: the contrast picks positive vs the rest; the neuron map keeps every class", async () => {
    const labels = texts.map((_, i) => (i % 2 === 0 ? "joy" : i % 4 === 1 ? "anger" : "fear"));
    const r = parseProbeSpec({
      version: 1,
      data: { kind: "labelled", contrast: { positive: "joy", negative: "rest" }, examples: texts.map((t, i) => ({ text: t, label: labels[i] })) },
      methods: [{ method: "diffmean" }, { method: "neuronMap", layer: 0, clusters: 2 }],
      split: { kind: "fraction", trainFraction: 0.7 },
    });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    const run = await runProbe(r.spec, { source: makeSource() });
    expect(run.metrics.data).toMatchObject({ kind: "labelled", examples: 60, positives: 30, negatives: 30, positiveClass: "joy", negativeClass: "rest", classes: ["anger", "fear", "joy"] });
    const dm = run.metrics.methods[0]!.perLayer as Array<{ accuracy: number }>;
    for (const row of dm) expect(row.accuracy).toBeGreaterThan(0.9);
    const neurons = (run.artifacts[1]!.artifacts as { neurons: Array<{ classMeans: Record<string, number>; cohensD: number | null }> }).neurons;
    expect(Object.keys(neurons[0]!.classMeans)).toEqual(["anger", "fear", "joy"]);
    expect(neurons.every((nn) => nn.cohensD !== null)).toBe(true);
  });

  it("resolves data set references through the resolver and validates them", async () => {
    const ref = parseProbeSpec({ version: 1, data: { kind: "dataset", datasetId: "ds-1" }, methods: [{ method: "diffmean" }], split: { kind: "kfold", k: 2 } });
    if (!ref.ok) throw new Error(ref.errors.join());
    const good = { kind: "pairs", pairs: Array.from({ length: 30 }, (_, p) => ({ positive: texts[2 * p], negative: texts[2 * p + 1] })) };
    const run = await runProbe(ref.spec, { source: makeSource(), resolveDataset: async (id) => (id === "ds-1" ? good : null) });
    expect(run.metrics.data?.examples).toBe(60);
    await expect(runProbe(ref.spec, { source: makeSource(), resolveDataset: async () => ({ kind: "pairs", pairs: [{ positive: "a", negative: "a" }, { positive: "b", negative: "c" }] }) })).rejects.toThrow(
      /data set "ds-1" is malformed:\npairs\[0\]: positive and negative are the same text — a contrastive pair must differ/,
    );
    await expect(runProbe(ref.spec, { source: makeSource() })).rejects.toThrow(/no data set store is available/);
  });
});
