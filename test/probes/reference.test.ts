/** Every method agrees with a plain float64 reference written separately (test/probes/reference/). */
import { describe, expect, it } from "vitest";
import { anchorsLayer } from "../../workers/probes/methods/anchors";
import { consistencyLayer, layerCosineMatrices } from "../../workers/probes/methods/consistency";
import { crossDomainLayer } from "../../workers/probes/methods/cross-domain";
import { diffmeanLayer } from "../../workers/probes/methods/diffmean";
import { dimensionalityLayer } from "../../workers/probes/methods/dimensionality";
import { controlLabels, logisticLayer } from "../../workers/probes/methods/logistic";
import { neuronMap } from "../../workers/probes/methods/neuron-map";
import { createRng } from "../../workers/probes/stats/rng";
import type { LayerContext } from "../../workers/probes/types";
import { labelledData, layerContext, pairData } from "./helpers";
import {
  accuracyR,
  aurocR,
  cosR,
  diffmeanR,
  dotR,
  eigenvaluesR,
  inlpR,
  logisticR,
  meanR,
  rowsOf,
  secondMomentR,
  sub,
  varianceCountsR,
} from "./reference/reference";
import { plantedPairs, plantedSubspace, randomUnit, SyntheticSource } from "./synthetic";

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Two regimes: more examples than dimensions (coordinates = X) and fewer (Gram + Cholesky coordinates). */
function cases(): Array<{ name: string; ctx: LayerContext; X: number[][] }> {
  const out: Array<{ name: string; ctx: LayerContext; X: number[][] }> = [];
  for (const [pairs, d] of [[60, 12], [20, 64]] as const) {
    const rng = createRng(pairs + d);
    const u = randomUnit(d, rng);
    const s = plantedPairs({ pairs, d, nLayers: 1, strength: () => 0.8, directions: [u], noise: 0.5, baseScale: 0.5, seed: pairs });
    const ctx = layerContext(s.layers[0]!, d, pairData(pairs, (p) => ["toys", "pets", "food"][p % 3]!), { kind: "kfold", k: 4 }, 3);
    out.push({ name: `${pairs} pairs, d ${d}`, ctx, X: rowsOf(s.layers[0]!, 2 * pairs, d) });
  }
  // Labelled (unpaired) data, unbalanced.
  const d = 10;
  const n = 70;
  const rng = createRng(99);
  const y = Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const X = Float32Array.from({ length: n * d }, (_, idx) => rng.normal() + (y[Math.floor(idx / d)] === 1 && idx % d === 0 ? 1.2 : 0));
  out.push({ name: "labelled 70, d 10", ctx: layerContext(X, d, labelledData(y), { kind: "kfold", k: 5 }, 5), X: rowsOf(X, n, d) });
  return out;
}

describe("methods agree with the float64 references", () => {
  for (const { name, ctx, X } of cases()) {
    const y = Array.from(ctx.data.y);
    const d = X[0]!.length;
    const scale = 1 / ctx.view.rmsNorm;

    it(`diffmean (${name})`, () => {
      const got = diffmeanLayer(ctx);
      const per = ctx.folds.map((f) => diffmeanR(X, y, Array.from(f.train), Array.from(f.test)));
      expect(got.metrics.accuracy).toBeCloseTo(mean(per.map((p) => p.acc)), 10);
      expect(got.metrics.auroc).toBeCloseTo(mean(per.map((p) => p.auc)), 10);
      expect(got.metrics.cohensD).toBeCloseTo(mean(per.map((p) => p.d)), 8);
      const all = Array.from({ length: X.length }, (_, i) => i);
      const full = diffmeanR(X, y, all, all);
      expect(cosR(Array.from(got.artifact.direction), full.w)).toBeGreaterThan(1 - 1e-6);
      expect(got.metrics.directionNorm).toBeCloseTo(Math.sqrt(dotR(full.w, full.w)), 5);
    });

    it(`logistic with control task (${name})`, () => {
      const params = { method: "logistic", l2: 0.05, controlTask: true, maxIterations: 2000 } as const;
      const got = logisticLayer(ctx, params);
      const evalFolds = (labels: number[]) => {
        const acc: number[] = [];
        const auc: number[] = [];
        for (const f of ctx.folds) {
          const fit = logisticR(X, labels, Array.from(f.train), 0.05, scale);
          const s = Array.from(f.test, (i) => dotR(X[i]!, fit.w) * scale + fit.b);
          const yt = Array.from(f.test, (i) => labels[i]!);
          acc.push(accuracyR(s, yt));
          auc.push(aurocR(s, yt));
        }
        return { acc: mean(acc), auc: mean(auc) };
      };
      const ref = evalFolds(y);
      expect(got.metrics.accuracy).toBeCloseTo(ref.acc, 8);
      expect(got.metrics.auroc).toBeCloseTo(ref.auc, 6);
      const ctl = evalFolds(Array.from(controlLabels(ctx)));
      expect(got.metrics.controlAccuracy!).toBeCloseTo(ctl.acc, 8);
      expect(got.metrics.selectivity!).toBeCloseTo(ref.acc - ctl.acc, 8);
      const all = Array.from({ length: X.length }, (_, i) => i);
      const full = logisticR(X, y, all, 0.05, scale);
      expect(cosR(Array.from(got.artifact.direction), full.w)).toBeGreaterThan(1 - 1e-6);
    });

    it(`dimensionality: PCA counts, participation ratio and INLP (${name})`, () => {
      for (const center of [true, false]) {
        const params = { method: "dimensionality", center, components: 2, inlp: { enabled: true, maxDirections: 6, l2: 0.05, chanceSigmas: 2 } } as const;
        const got = dimensionalityLayer(ctx, params);
        let D: number[][];
        if (ctx.data.pairs) D = Array.from(ctx.data.pairs.pos, (p, i) => sub(X[p]!, X[ctx.data.pairs!.neg[i]!]!));
        else {
          const mn = meanR(X.filter((_, i) => y[i] === 0));
          D = X.filter((_, i) => y[i] === 1).map((x) => sub(x, mn));
        }
        if (center) {
          const mu = meanR(D);
          D = D.map((r) => sub(r, mu));
        }
        const ev = eigenvaluesR(secondMomentR(D));
        const ref = varianceCountsR(ev);
        expect([got.metrics.components80, got.metrics.components90, got.metrics.components95]).toEqual([ref.k80, ref.k90, ref.k95]);
        expect(got.metrics.participationRatio).toBeCloseTo(ref.pr, 6);
        const total = ev.reduce((a, b) => a + Math.max(0, b), 0);
        got.metrics.explained.forEach((e, i) => expect(e).toBeCloseTo(Math.max(0, ev[i]!) / total, 6));
        // Leading component: a unit eigenvector of the second-moment matrix with the top eigenvalue.
        const c = Array.from(got.artifact.components[0]!);
        const M = secondMomentR(D);
        const Mc = M.map((row) => dotR(row, c));
        expect(dotR(Mc, c) / ev[0]!).toBeCloseTo(1, 4);
        const f = ctx.folds[0]!;
        const inlp = inlpR(X, y, Array.from(f.train), Array.from(f.test), 0.05, scale, 6, 2);
        expect(got.metrics.inlpCount).toBe(inlp.count);
        got.metrics.inlpAccuracies!.forEach((a, i) => expect(Math.abs(a - inlp.accuracies[i]!)).toBeLessThanOrEqual(1 / f.test.length + 1e-12));
      }
    });

    it(`consistency (${name})`, () => {
      for (const leaveOneOut of [true, false]) {
        const got = consistencyLayer(ctx, { method: "consistency", leaveOneOut });
        let D: number[][];
        if (ctx.data.pairs) D = Array.from(ctx.data.pairs.pos, (p, i) => sub(X[p]!, X[ctx.data.pairs!.neg[i]!]!));
        else {
          const mn = meanR(X.filter((_, i) => y[i] === 0));
          D = X.filter((_, i) => y[i] === 1).map((x) => sub(x, mn));
        }
        const cosines = D.map((di, i) => {
          const others = leaveOneOut ? D.filter((_, j) => j !== i) : D;
          return cosR(di, meanR(others));
        });
        const m = mean(cosines);
        expect(got.metrics.meanCosine).toBeCloseTo(m, 9);
        expect(got.metrics.varianceCosine).toBeCloseTo(mean(cosines.map((c) => (c - m) ** 2)), 9);
        expect(cosR(Array.from(got.direction), meanR(D))).toBeGreaterThan(1 - 1e-9);
      }
    });

    if (ctx.data.pairs) {
      it(`cross-domain transfer (${name})`, () => {
        const got = crossDomainLayer(ctx, { method: "crossDomain", classifier: "diffmean", l2: 0.01 });
        const domains = ["food", "pets", "toys"];
        expect(got.domains).toEqual(domains);
        const rowsOfDomain = (dom: string) => ctx.data.domains.flatMap((x, i) => (x === dom ? [i] : []));
        for (const t of got.transfers.filter((t) => t.from !== t.to)) {
          const a = diffmeanR(X, y, rowsOfDomain(t.from), rowsOfDomain(t.to));
          const b = diffmeanR(X, y, rowsOfDomain(t.to), rowsOfDomain(t.to));
          expect(t.accuracy).toBeCloseTo(a.acc, 10);
          expect(t.auroc).toBeCloseTo(a.auc, 10);
          expect(t.cosine).toBeCloseTo(cosR(a.w, b.w), 9);
        }
      });
    }

    it(`anchors (${name})`, () => {
      const n = X.length;
      const first = Float32Array.from(X.slice(0, 6).flat());
      const second = Float32Array.from(X.slice(6, 13).flat());
      const queries = Float32Array.from(X.slice(13, 20).flat());
      const got = anchorsLayer({ hook: "h", layer: 0, d, first, second, queries });
      const A = X.slice(0, 6);
      const B = X.slice(6, 13);
      const mA = meanR(A);
      const axis = sub(meanR(B), mA);
      const a2 = dotR(axis, axis);
      X.slice(13, 20).forEach((q, i) => {
        const t = dotR(sub(q, mA), axis) / a2;
        expect(got.positions[i]).toBeCloseTo(t, 9);
        const off = sub(sub(q, mA), axis.map((v) => v * t));
        expect(got.offAxis[i]).toBeCloseTo(Math.sqrt(dotR(off, off) / a2), 9);
      });
      const loo = mean(A.map((x, i) => {
        const mAi = meanR(A.filter((_, j) => j !== i));
        const ax = sub(meanR(B), mAi);
        return dotR(sub(x, mAi), ax) / dotR(ax, ax);
      }));
      expect(got.firstAnchorsMean).toBeCloseTo(loo, 9);
      expect(n).toBeGreaterThan(20);
    });
  }

  it("layer × layer cosine matrix of directions", () => {
    const rng = createRng(4);
    const dirs = [0, 1, 2].map((l) => ({ hook: `blocks.${l}.hook_resid_post`, layer: l, direction: Float32Array.from(randomUnit(8, rng)) }));
    const m = layerCosineMatrices(dirs).matrices[0]!;
    expect(m.hook).toBe("blocks.{L}.hook_resid_post");
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(m.cosines[i]![j]).toBeCloseTo(cosR(Array.from(dirs[i]!.direction), Array.from(dirs[j]!.direction)), 6);
  });

  it("neuron map: PCA of standardised profiles, k-means, and top-activating snippets", async () => {
    const source = new SyntheticSource({ nLayers: 1, d: 4, vocab: ["a"], unembed: new Float64Array(4), dMlp: 12 });
    const texts = ["Lily was happy today", "Tom lost the toy", "the dog was happy", "a bad day", "Lily found a toy", "Tom was sad"];
    const tokens = await source.tokenActivations(texts, "blocks.0.mlp.hook_post");
    const readout = new Float32Array(texts.length * 12);
    tokens.forEach((t, i) => readout.set(t.values.subarray(t.values.length - 12), i * 12));
    const out = neuronMap(
      { hook: "blocks.0.mlp.hook_post", layer: 0, texts, classes: ["p", "n", "p", "n", "p", "n"], y: Uint8Array.from([1, 0, 1, 0, 1, 0]), readout, width: 12, tokens },
      { method: "neuronMap", layer: 0, hook: "blocks.{L}.mlp.hook_post", embedding: "pca", umap: { nNeighbors: 5, minDist: 0.1, nEpochs: 50 }, topSnippets: 2, snippetChars: 6, clusters: 3 },
      1,
    );
    // Neuron 0 fires on "happy": its top snippets are the two "happy" tokens.
    const n0 = out.artifacts.neurons[0]!;
    expect(n0.top.map((t) => t.snippet)).toEqual(["…y was ⟦happy⟧ today", "…g was ⟦happy⟧"]);
    expect(n0.top[0]!.activation).toBe(5);
    // PCA: explained fractions are the top eigenvalues of the profiles' Gram over its trace.
    const n = texts.length;
    const profiles: number[][] = [];
    for (let j = 0; j < 12; j++) {
      const col = Array.from({ length: n }, (_, i) => readout[i * 12 + j]!);
      const m = mean(col);
      const sd = Math.sqrt(mean(col.map((v) => (v - m) ** 2)));
      profiles.push(sd > 1e-12 ? col.map((v) => (v - m) / sd) : col.map(() => 0));
    }
    const C: number[][] = Array.from({ length: n }, (_, a) => Array.from({ length: n }, (_, b) => profiles.reduce((s, p) => s + p[a]! * p[b]!, 0)));
    const ev = eigenvaluesR(C);
    const total = ev.reduce((a, b) => a + b, 0);
    expect(out.perLayer[0]!.explained![0]).toBeCloseTo(ev[0]! / total, 6);
    expect(out.perLayer[0]!.explained![1]).toBeCloseTo(ev[1]! / total, 6);
    // Coordinates: |x|² summed over neurons equals the first eigenvalue.
    const sx = out.artifacts.neurons.reduce((s, nn) => s + nn.x * nn.x, 0);
    expect(sx).toBeCloseTo(ev[0]!, 6);
    expect(out.perLayer[0]!.clusterSizes.reduce((a, b) => a + b, 0)).toBe(12);
    const umap = neuronMap(
      { hook: "blocks.0.mlp.hook_post", layer: 0, texts, classes: ["p", "n", "p", "n", "p", "n"], y: null, readout, width: 12, tokens: null },
      { method: "neuronMap", layer: 0, hook: "blocks.{L}.mlp.hook_post", embedding: "umap", umap: { nNeighbors: 5, minDist: 0.1, nEpochs: 50 }, topSnippets: 2, snippetChars: 6, clusters: 3 },
      1,
    );
    expect(umap.artifacts.neurons.every((nn) => Number.isFinite(nn.x) && Number.isFinite(nn.y))).toBe(true);
  });

  it("INLP agrees with the reference on a planted subspace", () => {
    const s = plantedSubspace({ pairs: 60, d: 16, k: 3, seed: 8 });
    const ctx = layerContext(s.X, 16, pairData(60), { kind: "fraction", trainFraction: 0.7 }, 2);
    const got = dimensionalityLayer(ctx, { method: "dimensionality", center: true, components: 0, inlp: { enabled: true, maxDirections: 8, l2: 0.01, chanceSigmas: 2 } });
    const X = rowsOf(s.X, 120, 16);
    const f = ctx.folds[0]!;
    const ref = inlpR(X, Array.from(ctx.data.y), Array.from(f.train), Array.from(f.test), 0.01, 1 / ctx.view.rmsNorm, 8, 2);
    expect(got.metrics.inlpCount).toBe(ref.count);
  });
});
