/**
 * diffmean's per-example scores (what cross-model agreement correlates): each example's activation
 * projected onto the layer's unit direction on all data, checked against a plain float64 reference
 * (class means, their difference normalised, dot products over number[]), in both coordinate
 * regimes of the layer view (n > d: X itself; n ≤ d: Gram + Cholesky), and stored by the worker as
 * one float32 `diffmean.scores` artifact per hook and layer.
 */
import { describe, expect, it } from "vitest";
import { parseProbeSpec, type ProbeSpec } from "../../server/probes/spec";
import { float32FromBytes } from "../../server/artifacts/tensor-files";
import { ARTIFACT, artifactNames } from "../../server/services/runs/artifact-names";
import { collectArtifacts } from "../../workers/jobs/run-experiment/artifacts";
import { diffmeanLayer } from "../../workers/probes/methods/diffmean";
import { runProbe } from "../../workers/probes/run-probe";
import { createRng } from "../../workers/probes/stats/rng";
import { labelledData, layerContext, pairData } from "./helpers";
import { plantedPairs, randomUnit, SyntheticSource, WORDS } from "./synthetic";

/** The reference: rows as number[][], the unit mean difference, then plain dot products. */
function referenceScores(X: Float32Array, n: number, d: number, y: ArrayLike<number>): number[] {
  const rows = Array.from({ length: n }, (_, i) => Array.from(X.subarray(i * d, (i + 1) * d), Number));
  const mean = (cls: number) => {
    const members = rows.filter((_, i) => y[i] === cls);
    return Array.from({ length: d }, (_, k) => members.reduce((s, r) => s + r[k]!, 0) / members.length);
  };
  const pos = mean(1);
  const neg = mean(0);
  const w = pos.map((p, k) => p - neg[k]!);
  const len = Math.hypot(...w);
  const u = w.map((v) => v / len);
  return rows.map((r) => r.reduce((s, v, k) => s + v * u[k]!, 0));
}

describe("diffmean scores", () => {
  const cases = [
    { name: "60 pairs, d 12 (coordinates = X)", pairs: 60, d: 12 },
    { name: "20 pairs, d 64 (Gram + Cholesky coordinates)", pairs: 20, d: 64 },
  ];
  for (const { name, pairs, d } of cases) {
    it(`are the activations projected onto the unit direction on all data (${name})`, () => {
      const u = randomUnit(d, createRng(pairs * d));
      // A large common offset (baseScale) as residual streams have: scores must not lose it.
      const s = plantedPairs({ pairs, d, nLayers: 1, strength: () => 1, directions: [u], noise: 0.4, baseScale: 3, seed: pairs });
      const X = s.layers[0]!;
      const data = pairData(pairs);
      const got = diffmeanLayer(layerContext(X, d, data, { kind: "kfold", k: 4 }, 3));
      const ref = referenceScores(X, 2 * pairs, d, data.y);
      expect(got.artifact.scores).toBeInstanceOf(Float32Array);
      expect(got.artifact.scores).toHaveLength(2 * pairs);
      const scale = Math.max(...ref.map(Math.abs));
      ref.forEach((r, i) => expect(Math.abs(got.artifact.scores[i]! - r)).toBeLessThan(2e-6 * scale));
      // Oriented like the direction (μ₊ − μ₋): positives score higher on average.
      const avg = (cls: number) => ref.filter((_, i) => data.y[i] === cls).reduce((a, b) => a + b, 0) / pairs;
      expect(avg(1)).toBeGreaterThan(avg(0));
    });
  }

  it("cover every row of an unbalanced labelled contrast", () => {
    const d = 8;
    const n = 33;
    const rng = createRng(5);
    const y = Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const X = Float32Array.from({ length: n * d }, (_, idx) => rng.normal() + (y[Math.floor(idx / d)] === 1 && idx % d === 2 ? 2 : 0));
    const got = diffmeanLayer(layerContext(X, d, labelledData(y), { kind: "kfold", k: 3 }, 2));
    const ref = referenceScores(X, n, d, y);
    expect(Array.from(got.artifact.scores)).toHaveLength(n);
    ref.forEach((r, i) => expect(got.artifact.scores[i]!).toBeCloseTo(r, 5));
  });

  it("are stored by the worker as one float32 [n] artifact per layer, named diffmean.layer<L>.scores in downloads", async () => {
    const d = 16;
    const nLayers = 3;
    const pairs = 12;
    const u = randomUnit(d, createRng(21));
    const data = plantedPairs({ pairs, d, nLayers, strength: (l) => 0.5 + l, directions: [u, u, u], noise: 0.3, seed: 8 });
    const source = new SyntheticSource({ nLayers, d, vocab: WORDS, unembed: new Float64Array(WORDS.length * d) });
    const texts = Array.from({ length: 2 * pairs }, (_, i) => `story ${i >> 1} ${i % 2 === 0 ? "good" : "bad"}`);
    source.add(texts, data);
    const spec = parseProbeSpec({
      version: 1,
      data: { kind: "pairs", pairs: Array.from({ length: pairs }, (_, p) => ({ positive: texts[2 * p], negative: texts[2 * p + 1] })) },
      methods: [{ method: "logistic" }, { method: "diffmean" }],
      split: { kind: "kfold", k: 3 },
    });
    if (!spec.ok) throw new Error(spec.errors.join("\n"));
    const run = await runProbe(spec.spec as ProbeSpec, { source });
    const { rows } = collectArtifacts(run);
    const scores = rows.filter((r) => r.name === ARTIFACT.diffmeanScores);
    // Only diffmean (method 1) stores scores; the logistic probe keeps just its direction.
    expect(scores.map((r) => [r.methodIndex, r.layer, r.hook, r.shape])).toEqual(
      [0, 1, 2].map((l) => [1, l, `blocks.${l}.hook_resid_post`, [2 * pairs]]),
    );
    for (const r of scores) {
      const values = float32FromBytes(r.data);
      const ref = referenceScores(data.layers[r.layer!]!, 2 * pairs, d, pairData(pairs).y);
      ref.forEach((v, i) => expect(values[i]!).toBeCloseTo(v, 4));
    }
    // The metrics JSON is unchanged by the new artifact: no scores inside it.
    expect(JSON.stringify(run.metrics)).not.toContain("scores");
    const names = artifactNames(rows);
    expect(names.filter((n) => n.endsWith(".scores"))).toEqual(["diffmean.layer0.scores", "diffmean.layer1.scores", "diffmean.layer2.scores"]);
  });
});
