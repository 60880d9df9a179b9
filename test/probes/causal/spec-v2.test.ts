/** Spec version 2: v1 specs unchanged, the four causal methods, data-less specs, and refusals that say what to fix. */
import { describe, expect, it } from "vitest";
import { CAUSAL_METHODS, checkRuntimeLimits, METHOD_TECHNIQUE_SLUGS, parseProbeSpec, type ProbeSpec } from "../../../server/probes/spec";

const pairs = (n: number) => Array.from({ length: n }, (_, i) => ({ positive: `p${i} good`, negative: `p${i} bad` }));
const v1 = { version: 1, data: { kind: "pairs", pairs: pairs(6) }, methods: [{ method: "diffmean" }] };
const lens = { method: "logitLens", prompts: ["Once upon a time"] };
const patterns = { method: "attentionPatterns" };
const patching = { method: "activationPatching", pairs: [{ clean: "Lily gave the ball to Tom. Tom gave it back to", corrupted: "Lily gave the ball to Tom. Sam gave it back to", answer: " Lily", wrongAnswer: " Tom" }] };
const steer = { method: "steeredGeneration", prompts: ["The girl felt"], direction: { kind: "meanDifference", positive: ["happy"], negative: ["sad"] }, layers: [1] };

function ok(input: unknown): ProbeSpec {
  const r = parseProbeSpec(input);
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.spec;
}
function errorsOf(input: unknown): string[] {
  const r = parseProbeSpec(input);
  if (r.ok) throw new Error("expected the spec to be refused");
  return r.errors;
}

describe("probe spec version 2", () => {
  it("parses version 1 specs exactly as before", () => {
    const spec = ok(v1);
    expect(spec).toEqual({
      version: 1,
      data: { kind: "pairs", pairs: pairs(6) },
      readout: { position: { kind: "last" }, hooks: ["blocks.{L}.hook_resid_post"], layers: "all" },
      methods: [{ method: "diffmean" }],
      split: { kind: "kfold", k: 5 },
      seed: 0,
    });
    expect(errorsOf({ methods: [{ method: "diffmean" }], version: 1 })).toEqual(['data: is missing — give the prompts to read ("labelled", "pairs" or "dataset")']);
  });

  it("accepts the four causal methods without data, with their defaults", () => {
    const spec = ok({ version: 2, methods: [lens, patterns, patching, steer] });
    expect(spec.data).toBeUndefined();
    expect(spec.methods).toEqual([
      { method: "logitLens", prompts: ["Once upon a time"], topK: 5 },
      { method: "attentionPatterns", prompts: [], layers: "all", induction: { length: 24, sequences: 8 } },
      { ...patching, components: ["resid", "heads"], layers: "all" },
      { ...steer, strengths: [0.5, 1], maxNewTokens: 24 },
    ]);
    // v1 methods and data still work in version 2, side by side with causal ones (twice is fine for these).
    expect(ok({ ...v1, version: 2, methods: [{ method: "diffmean" }, lens, lens] }).methods).toHaveLength(3);
    expect(ok({ ...v1, version: 2, methods: [{ ...steer, direction: { kind: "data" } }] }).data?.kind).toBe("pairs");
    expect([...CAUSAL_METHODS].sort()).toEqual(["activationPatching", "attentionPatterns", "logitLens", "steeredGeneration"]);
    expect(METHOD_TECHNIQUE_SLUGS.logitLens).toEqual(["logit-lens"]);
  });

  it("refuses a causal method in a version 1 spec, and data-less specs whose methods read data", () => {
    expect(errorsOf({ ...v1, methods: [lens] })).toEqual(['methods[0].method: "logitLens" needs "version": 2 — set "version": 2 at the top of the spec']);
    expect(errorsOf({ version: 2, methods: [{ method: "diffmean" }, lens] })).toEqual([
      'data: is missing — diffmean reads the spec\'s data; give "data", or use only steeredGeneration, activationPatching, logitLens and attentionPatterns',
    ]);
    expect(errorsOf({ version: 2, methods: [{ ...steer, direction: { kind: "data" } }] })[0]).toMatch(/^data: is missing — steeredGeneration with direction "data" reads the spec's data/);
    expect(errorsOf({ ...v1, version: 3 })[0]).toMatch(/^version: this engine reads version 1 and 2 specs, got number 3/);
  });

  it("refuses out-of-range parameters with the fix", () => {
    expect(errorsOf({ version: 2, methods: [{ ...lens, prompts: [], topK: 21 }] })).toEqual(["methods[0].prompts: give at least 1 prompt", "methods[0].topK: topK must be at most 20"]);
    expect(errorsOf({ version: 2, methods: [{ ...lens, prompts: Array(9).fill("a") }] })).toEqual(["methods[0].prompts: at most 8 prompts — remove some"]);
    expect(errorsOf({ version: 2, methods: [{ ...patterns, induction: { length: 3 } }] })).toEqual(["methods[0].induction.length: induction.length must be at least 4"]);
    expect(errorsOf({ version: 2, methods: [{ ...patching, pairs: Array(33).fill(patching.pairs[0]) }] })).toEqual(["methods[0].pairs: at most 32 pairs — remove some"]);
    expect(errorsOf({ version: 2, methods: [{ ...patching, components: ["resid", "resid"] }] })).toEqual(["methods[0].components: a component is listed twice — keep each once"]);
    expect(errorsOf({ version: 2, methods: [{ ...steer, layers: [1, 1] }] })).toEqual(["methods[0].layers: a layer is listed twice — keep each once"]);
    expect(errorsOf({ version: 2, methods: [{ ...steer, layers: Array.from({ length: 9 }, (_, i) => i) }] })).toEqual(["methods[0].layers: at most 8 layers — steer fewer at once"]);
    expect(errorsOf({ version: 2, methods: [{ ...steer, maxNewTokens: 65 }] })).toEqual(["methods[0].maxNewTokens: maxNewTokens must be at most 64"]);
    expect(errorsOf({ version: 2, methods: [{ ...steer, sampling: { temperature: 3 } }] })).toEqual(["methods[0].sampling.temperature: sampling.temperature must be at most 2"]);
    expect(errorsOf({ version: 2, methods: [{ ...steer, direction: { kind: "artifact" } }] })[0]).toMatch(/^methods\[0\]\.direction\.runId: /);
    expect(errorsOf({ version: 2, methods: [{ ...steer, direction: { kind: "vibes" } }] })[0]).toMatch(/direction\.kind must be "meanDifference" \(two prompt sets\), "artifact"/);
    expect(errorsOf({ version: 2, methods: [{ ...lens, prompts: ["   "] }] })).toEqual(["methods[0].prompts[0]: prompt is empty — give the text of the prompt"]);
    expect(errorsOf({ version: 2, methods: [{ ...lens, colour: "red" }] })).toEqual(['methods[0]: unknown field "colour" — remove it or check the spelling']);
  });

  it("checks layer indices against the model at run time", () => {
    const spec = ok({
      version: 2,
      readout: { layers: [40] },
      methods: [
        { ...patterns, layers: [0, 7] },
        { ...patching, layers: [9] },
        { ...steer, layers: [2, 6], direction: { kind: "artifact", runId: 3, layer: 8 } },
        lens,
      ],
    });
    expect(checkRuntimeLimits(spec, { nLayers: 6 })).toEqual([
      "methods[0].layers: layer 7 does not exist — the model has 6 blocks (0 to 5)",
      "methods[1].layers: layer 9 does not exist — the model has 6 blocks (0 to 5)",
      "methods[2].layers: layer 6 does not exist — the model has 6 blocks (0 to 5)",
      "methods[2].direction.layer: layer 8 does not exist — the model has 6 blocks",
    ]);
    // readout.layers only matters with data methods.
    expect(checkRuntimeLimits(spec, { nLayers: 10 })).toEqual([]);
    expect(checkRuntimeLimits(ok({ ...v1, version: 2, readout: { layers: [40] }, methods: [{ method: "diffmean" }, lens] }), { nLayers: 10 })[0]).toMatch(/layer 40 does not exist/);
  });
});
