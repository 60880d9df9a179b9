/** Synthetic activations with known truth: each method must recover what was planted. */
import { describe, expect, it } from "vitest";
import { parseProbeSpec, type ProbeSpec } from "../../server/probes/spec";
import { consistencyLayer } from "../../workers/probes/methods/consistency";
import { diffmeanLayer } from "../../workers/probes/methods/diffmean";
import { dimensionalityLayer } from "../../workers/probes/methods/dimensionality";
import { logisticLayer } from "../../workers/probes/methods/logistic";
import { runProbe } from "../../workers/probes/run-probe";
import { createRng } from "../../workers/probes/stats/rng";
import { layerContext, pairData } from "./helpers";
import { orthonormal, plantedPairs, plantedSubspace, pureNoise, randomUnit, SyntheticSource, WORDS } from "./synthetic";

const dimParams = { method: "dimensionality", center: true, components: 3, inlp: { enabled: true, maxDirections: 20, l2: 1e-2, chanceSigmas: 2 } } as const;
const logParams = { method: "logistic", l2: 1e-2, controlTask: true, maxIterations: 500 } as const;

function cos(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

describe("planted truth", () => {
  it("recovers a planted direction (cosine > 0.95), in both n > d and n < d regimes", () => {
    for (const [pairs, d, noise] of [[150, 48, 0.3], [60, 512, 0.08]] as const) {
      const rng = createRng(5);
      const u = randomUnit(d, rng);
      const s = plantedPairs({ pairs, d, nLayers: 1, strength: () => 1.5, directions: [u], noise, baseScale: 0.3, seed: 9 });
      const ctx = layerContext(s.layers[0]!, d, pairData(pairs));
      const dm = diffmeanLayer(ctx);
      expect(cos(dm.artifact.direction, u)).toBeGreaterThan(0.95);
      expect(dm.metrics.accuracy).toBeGreaterThan(0.9);
      expect(dm.metrics.auroc).toBeGreaterThan(0.95);
      const lg = logisticLayer(ctx, logParams);
      expect(lg.metrics.accuracy).toBeGreaterThan(0.9);
      expect(lg.metrics.selectivity!).toBeGreaterThan(0.3);
      const cons = consistencyLayer(ctx, { method: "consistency", leaveOneOut: true });
      expect(cos(cons.direction, u)).toBeGreaterThan(0.95);
      // About zero, the leading component of the differences is the planted direction.
      const dim = dimensionalityLayer(ctx, { ...dimParams, center: false });
      expect(cos(dim.artifact.components[0]!, u) ** 2).toBeGreaterThan(0.9);
    }
  });

  it("runProbe keeps the dimensionality method's PCA components and INLP directions beside other methods' directions", async () => {
    const d = 24;
    const nLayers = 2;
    const u = randomUnit(d, createRng(11));
    const data = plantedPairs({ pairs: 40, d, nLayers, strength: () => 2, directions: [u, u], noise: 0.05, baseScale: 0.3, seed: 4 });
    const unembed = new Float64Array(WORDS.length * d);
    const source = new SyntheticSource({ nLayers, d, vocab: WORDS, unembed });
    const texts = Array.from({ length: 80 }, (_, i) => `story ${i >> 1} ${i % 2 === 0 ? "good" : "bad"}`);
    source.add(texts, data);
    const spec = parseProbeSpec({
      version: 1,
      data: { kind: "pairs", pairs: Array.from({ length: 40 }, (_, p) => ({ positive: texts[2 * p], negative: texts[2 * p + 1] })) },
      methods: [{ method: "diffmean" }, { method: "dimensionality", components: 3, center: false, inlp: { enabled: true, maxDirections: 4 } }],
    });
    if (!spec.ok) throw new Error(spec.errors.join("\n"));
    const run = await runProbe(spec.spec as ProbeSpec, { source });
    const dim = run.artifacts[1]!;
    expect(dim.method).toBe("dimensionality");
    const perLayer = dim.artifacts as Array<{ layer: number; components: Float32Array[]; inlpDirections: Float32Array[] }>;
    expect(perLayer.map((a) => a.layer)).toEqual([0, 1]);
    for (const a of perLayer) {
      expect(a.components).toHaveLength(3);
      expect(cos(a.components[0]!, u) ** 2).toBeGreaterThan(0.9);
      expect(a.inlpDirections.length).toBeGreaterThan(0);
    }
    const diffmean = run.artifacts[0]!.artifacts as { directions: Array<{ layer: number; direction: Float32Array }> };
    expect(diffmean.directions.map((x) => x.layer)).toEqual([0, 1]);
  });

  it("a planted k-dimensional subspace gives dimensionality k ± 1 and INLP count k ± 1", () => {
    for (const k of [3, 4]) {
      for (const seed of [1, 2]) {
        const s = plantedSubspace({ pairs: 200, d: 64, k, seed });
        const ctx = layerContext(s.X, s.d, pairData(200), { kind: "fraction", trainFraction: 0.7 }, seed);
        const r = dimensionalityLayer(ctx, dimParams);
        expect(Math.abs(r.metrics.components90 - k)).toBeLessThanOrEqual(1);
        expect(Math.abs(r.metrics.participationRatio - k)).toBeLessThanOrEqual(1);
        expect(Math.abs(r.metrics.inlpCount! - k)).toBeLessThanOrEqual(1);
        // The INLP directions lie in the planted subspace.
        const first = r.artifact.inlpDirections[0]!;
        expect(s.U.reduce((acc, u) => acc + cos(first, u) ** 2, 0)).toBeGreaterThan(0.8);
      }
    }
  });

  it("pure noise gives chance accuracy and selectivity ≈ 0", () => {
    for (const [pairs, d] of [[200, 32], [100, 400]] as const) {
      const avg = { dmAcc: 0, dmAuc: 0, lgAcc: 0, ctlAcc: 0, sel: 0, inlp: 0 };
      const seeds = [17, 18, 19];
      for (const seed of seeds) {
        const X = pureNoise(2 * pairs, d, seed);
        const ctx = layerContext(X, d, pairData(pairs), { kind: "kfold", k: 5 }, seed);
        const dm = diffmeanLayer(ctx);
        const lg = logisticLayer(ctx, logParams);
        avg.dmAcc += dm.metrics.accuracy / seeds.length;
        avg.dmAuc += dm.metrics.auroc / seeds.length;
        avg.lgAcc += lg.metrics.accuracy / seeds.length;
        avg.ctlAcc += lg.metrics.controlAccuracy! / seeds.length;
        avg.sel += lg.metrics.selectivity! / seeds.length;
        avg.inlp = Math.max(avg.inlp, dimensionalityLayer(ctx, dimParams).metrics.inlpCount!);
      }
      expect(Math.abs(avg.dmAcc - 0.5)).toBeLessThan(0.06);
      expect(Math.abs(avg.dmAuc - 0.5)).toBeLessThan(0.06);
      expect(Math.abs(avg.lgAcc - 0.5)).toBeLessThan(0.06);
      expect(Math.abs(avg.ctlAcc - 0.5)).toBeLessThan(0.06);
      expect(Math.abs(avg.sel)).toBeLessThan(0.06);
      expect(avg.inlp).toBeLessThanOrEqual(1);
    }
  });

  it("a planted layer profile: consistency and separation peak where planted", () => {
    const d = 32;
    const nLayers = 7;
    const peak = 4;
    const rng = createRng(21);
    const dirs = orthonormal(nLayers, d, rng);
    const s = plantedPairs({ pairs: 120, d, nLayers, strength: (l) => 0.6 + 1.6 * Math.exp(-((l - peak) ** 2) / 2), directions: dirs, noise: 0.35, seed: 4 });
    const meanCos: number[] = [];
    const sep: number[] = [];
    for (let l = 0; l < nLayers; l++) {
      const ctx = layerContext(s.layers[l]!, d, pairData(120), { kind: "kfold", k: 5 }, 1, l);
      meanCos.push(consistencyLayer(ctx, { method: "consistency", leaveOneOut: true }).metrics.meanCosine);
      sep.push(diffmeanLayer(ctx).metrics.cohensD);
    }
    expect(meanCos.indexOf(Math.max(...meanCos))).toBe(peak);
    expect(sep.indexOf(Math.max(...sep))).toBe(peak);
    // Inverted U: both ends below the peak.
    expect(meanCos[0]!).toBeLessThan(meanCos[peak]! - 0.1);
    expect(meanCos[nLayers - 1]!).toBeLessThan(meanCos[peak]! - 0.1);
  });

  it("a planted steering response: the effect curve peaks at the planted layer and matches α·N·Δw·u", async () => {
    const d = 16;
    const nLayers = 6;
    const peak = 2;
    const rng = createRng(33);
    const vocab = ["happy", "sad", "the", "dog"];
    const unembed = Float64Array.from({ length: vocab.length * d }, () => rng.normal() * 0.3);
    const r = randomUnit(d, rng);
    // happy − sad = 2 r
    for (let k = 0; k < d; k++) {
      unembed[k] = unembed[d + k]! + 2 * r[k]!;
    }
    const q = orthonormal(nLayers, d, rng);
    const dirs = Array.from({ length: nLayers }, (_, l) => {
      const theta = Math.abs(l - peak) * 0.45;
      // component of q orthogonal to r
      const qq = q[l]!.map((v, k) => v - cos(q[l]!, r) * r[k]!);
      const nq = Math.hypot(...qq);
      return r.map((v, k) => Math.cos(theta) * v + Math.sin(theta) * (qq[k]! / nq));
    });
    const data = plantedPairs({ pairs: 40, d, nLayers, strength: () => 2, directions: dirs, noise: 0.05, seed: 3 });
    const source = new SyntheticSource({ nLayers, d, vocab, unembed });
    const texts = Array.from({ length: 80 }, (_, i) => `story ${i >> 1} ${i % 2 === 0 ? "good" : "bad"}`);
    source.add(texts, data);
    const spec = parseProbeSpec({
      version: 1,
      data: { kind: "pairs", pairs: Array.from({ length: 40 }, (_, p) => ({ positive: texts[2 * p], negative: texts[2 * p + 1] })) },
      methods: [
        { method: "steering", alphas: [-1, -0.5, 0.5, 1], completions: { target: " happy", opposite: " sad" }, maxPrompts: 8 },
        { method: "ablation", completions: { target: " happy", opposite: " sad" }, maxPrompts: 16 },
      ],
    });
    if (!spec.ok) throw new Error(spec.errors.join("\n"));
    const run = await runProbe(spec.spec as ProbeSpec, { source });
    const steer = run.metrics.methods[0]!.perLayer as Array<{ layer: number; slope: number; vectorNorm: number; effects: Array<{ alpha: number; effect: number }> }>;
    const slopes = steer.map((s) => s.slope);
    expect(slopes.indexOf(Math.max(...slopes))).toBe(peak);
    // Exact for the linear toy model: effect = α · N_L · (W_happy − W_sad) · û_L, û_L the data's mean difference.
    for (const row of steer) {
      const X = data.layers[row.layer]!;
      const mp = new Float64Array(d);
      const mn = new Float64Array(d);
      for (let p = 0; p < 40; p++) for (let k = 0; k < d; k++) {
        mp[k] = mp[k]! + X[2 * p * d + k]! / 40;
        mn[k] = mn[k]! + X[(2 * p + 1) * d + k]! / 40;
      }
      const u = mp.map((v, k) => v - mn[k]!);
      const nu = Math.hypot(...u);
      let norm = 0;
      for (let i = 0; i < 80; i++) norm += Math.hypot(...X.subarray(i * d, (i + 1) * d)) / 80;
      expect(row.vectorNorm).toBeCloseTo(norm, 4);
      let gain = 0;
      for (let k = 0; k < d; k++) gain += (unembed[k]! - unembed[d + k]!) * (u[k]! / nu);
      for (const e of row.effects) expect(e.effect).toBeCloseTo(e.alpha * norm * gain, 3);
    }
    // Ablation: removing û_L after every block leaves the final residual h − (h·û_L) û_L; the measure is the
    // gap in log-odds between the first 8 positive and first 8 negative prompts.
    const abl = run.metrics.methods[1]!.perLayer as Array<{ layer: number; baseline: number; ablated: number; relativeDrop: number }>;
    const F = data.layers[nLayers - 1]!;
    const wdiff = Array.from({ length: d }, (_, k) => unembed[k]! - unembed[d + k]!);
    const gapWith = (u: Float64Array | null) => {
      let gp = 0;
      let gn = 0;
      for (let p = 0; p < 8; p++) {
        for (const [row, sign] of [[2 * p, 1], [2 * p + 1, -1]] as const) {
          const h = Array.from(F.subarray(row * d, (row + 1) * d));
          const c = u ? h.reduce((a, v, k) => a + v * u[k]!, 0) : 0;
          const m = h.reduce((a, v, k) => a + (v - (u ? c * u[k]! : 0)) * wdiff[k]!, 0);
          if (sign === 1) gp += m / 8;
          else gn += m / 8;
        }
      }
      return gp - gn;
    };
    for (const row of abl) {
      const X = data.layers[row.layer]!;
      const u = new Float64Array(d);
      for (let p = 0; p < 40; p++) for (let k = 0; k < d; k++) u[k] = u[k]! + X[2 * p * d + k]! - X[(2 * p + 1) * d + k]!;
      const nu = Math.hypot(...u);
      expect(row.baseline).toBeCloseTo(gapWith(null), 3);
      expect(row.ablated).toBeCloseTo(gapWith(u.map((v) => v / nu)), 3);
    }
    // Ablating the final layer's own direction removes (almost) all of the gap.
    expect(abl[nLayers - 1]!.relativeDrop).toBeGreaterThan(0.95);
  });
});
