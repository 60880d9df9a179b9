/** End to end on the real fixture model (stories260K) with the committed sentiment pairs. */
import { beforeAll, describe, expect, it } from "vitest";
import { type ProbeSpec, parseProbeSpec } from "../../server/probes/spec";
import type { HostedActivationSource } from "../../workers/probes/hosted-activation-source";
import { runProbe } from "../../workers/probes/run-probe";
import { toStableJson } from "../../workers/probes/serialize";
import { ProbeInputError } from "../../workers/probes/types";
import { hasStoriesFixtures, readStoriesGolden } from "../runtime/fixtures";
import { fixtureSource, realSpec, sentimentPairs } from "./real-spec";

type Row = Record<string, number | null> & { layer: number };

describe.skipIf(!hasStoriesFixtures())("probe engine on stories260K", () => {
  let source: HostedActivationSource;
  beforeAll(async () => {
    source = await fixtureSource();
  });

  it("the sentiment data set has at least 100 valid contrastive pairs over several domains", () => {
    const pairs = sentimentPairs();
    expect(pairs.length).toBeGreaterThanOrEqual(100);
    expect(new Set(pairs.map((p) => p.domain)).size).toBeGreaterThanOrEqual(5);
  });

  it("reads the residual stream at the read-out position (matches the golden C forward pass)", async () => {
    const golden = readStoriesGolden();
    const hooks = [0, 1, 2, 3, 4].map((l) => `blocks.${l}.hook_resid_post`);
    const last = await source.read([golden.prompt], hooks, { kind: "last" });
    const lastPos = golden.promptIds.length - 1;
    hooks.forEach((h, l) => {
      const got = last.get(h)!;
      const want = golden.residual.get(lastPos)![l + 1]!;
      for (let k = 0; k < 64; k++) expect(Math.abs(got[k]! - want[k]!)).toBeLessThan(1e-3);
    });
    // Marker "upon" is token 2 of "Once upon a time" (after BOS and "Once").
    const marker = await source.read([golden.prompt], ["blocks.2.hook_resid_post"], { kind: "marker", marker: "upon", occurrence: "first", token: "last" });
    const want = golden.residual.get(2)![3]!;
    for (let k = 0; k < 64; k++) expect(Math.abs(marker.get("blocks.2.hook_resid_post")![k]! - want[k]!)).toBeLessThan(1e-3);
    // Mean over the prompt's tokens (BOS excluded).
    const mean = await source.read([golden.prompt], ["blocks.0.hook_resid_post"], { kind: "mean" });
    for (let k = 0; k < 64; k++) {
      let s = 0;
      for (let p = 1; p <= lastPos; p++) s += golden.residual.get(p)![1]![k]!;
      expect(Math.abs(mean.get("blocks.0.hook_resid_post")![k]! - s / lastPos)).toBeLessThan(1e-3);
    }
  });

  it("runs every method end to end, finds sentiment, and is byte-identical on a rerun", async () => {
    const spec = realSpec();
    const a = await runProbe(spec, { source });
    const b = await runProbe(spec, { source });
    expect(toStableJson(a.metrics)).toBe(toStableJson(b.metrics));
    expect(toStableJson(a.artifacts)).toBe(toStableJson(b.artifacts));
    const names = a.metrics.methods.map((m) => m.method);
    expect(names).toEqual(["diffmean", "logistic", "dimensionality", "consistency", "crossDomain", "steering", "ablation", "anchors", "neuronMap", "neuronMap"]);
    for (const m of a.metrics.methods.slice(0, 8)) expect(m.perLayer.map((r) => (r as Row).layer)).toEqual([0, 1, 2, 3, 4]);
    const dm = a.metrics.methods[0]!.perLayer as Row[];
    const lg = a.metrics.methods[1]!.perLayer as Row[];
    // Sentiment is linearly decodable in the later blocks, well above the control task.
    expect(Math.max(...dm.map((r) => r.accuracy!))).toBeGreaterThan(0.75);
    expect(Math.max(...lg.map((r) => r.selectivity!))).toBeGreaterThan(0.15);
    const dim = a.metrics.methods[2]!.perLayer as Row[];
    for (const r of dim) expect(r.components80!).toBeLessThanOrEqual(r.components95!);
    const steer = a.metrics.methods[5]!.perLayer as Row[];
    // Steering along the best layer's sentiment direction raises log p(" happy") − log p(" sad").
    const best = dm.reduce((x, y) => (y.accuracy! > x.accuracy! ? y : x)).layer;
    expect(steer[best]!.slope!).toBeGreaterThan(0);
    const nm = a.metrics.methods[8]!.perLayer[0] as Row;
    expect(nm.neurons).toBe(172);
  });

  it("refuses prompts longer than the model's limit and malformed data with clear messages", async () => {
    const long = "a b c d e f g h ".repeat(120); // under the character limit, over 512 tokens
    const spec = parseProbeSpec({
      version: 1,
      data: { kind: "pairs", pairs: [{ positive: long, negative: "Tom was sad." }, { positive: "Sue was glad.", negative: "Ben was mad." }] },
      methods: [{ method: "diffmean" }],
      split: { kind: "kfold", k: 2 },
    });
    if (!spec.ok) throw new Error(spec.errors.join("\n"));
    await expect(runProbe(spec.spec as ProbeSpec, { source })).rejects.toThrow(/data\.pairs\[0\]\.positive: prompt is \d+ tokens; the limit is 512 — shorten it/);
    const badLayer = parseProbeSpec({
      version: 1,
      data: { kind: "pairs", pairs: [{ positive: "a b", negative: "c d" }, { positive: "e f", negative: "g h" }] },
      readout: { layers: [1, 9] },
      methods: [{ method: "diffmean" }],
      split: { kind: "kfold", k: 2 },
    });
    if (!badLayer.ok) throw new Error(badLayer.errors.join("\n"));
    await expect(runProbe(badLayer.spec, { source })).rejects.toThrow(ProbeInputError);
    await expect(runProbe(badLayer.spec, { source })).rejects.toThrow(/layer 9 does not exist — the model has 5 blocks/);
  });
});
