/**
 * Probe-engine benchmark (not a test): the method math — diffmean, logistic probe (5-fold + control
 * task), PCA of the pair differences and INLP — on synthetic activations: 1,000 examples
 * (500 contrastive pairs) × d 4,096 × 32 layers, processed layer by layer on two worker threads
 * (one per core). Reports wall time, CPU time per method, the GFLOP/s of the blocked Gram kernel
 * against the plain triple loop in the same run, and peak memory. Writes bench/results/probes.json.
 *
 *   npm run bench -- probes            (PROBES_BENCH_LAYERS / _N / _D / _THREADS override the size)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { gram, naiveGram } from "../workers/probes/linalg/gemm";
import { LayerView } from "../workers/probes/layer-view";
import { diffmeanLayer } from "../workers/probes/methods/diffmean";
import { differenceSpectrum, runInlp, varianceCounts } from "../workers/probes/methods/dimensionality";
import { differences } from "../workers/probes/methods/common";
import { logisticLayer } from "../workers/probes/methods/logistic";
import { deriveRng } from "../workers/probes/stats/rng";
import { makeFolds } from "../workers/probes/stats/splits";
import type { BinaryData, LayerContext } from "../workers/probes/types";

interface Config {
  layers: number;
  pairs: number;
  d: number;
  threads: number;
  k: number;
  seed: number;
}

interface LayerTiming {
  layer: number;
  generate: number;
  gram: number;
  cholesky: number;
  diffmean: number;
  logistic: number;
  pca: number;
  inlp: number;
  logisticIterations: number;
  inlpCount: number;
  diffmeanAccuracy: number;
  logisticAccuracy: number;
  selectivity: number;
  components90: number;
}

/** Planted 4-dimensional concept whose strength varies with depth, plus isotropic noise; float32. */
function synthLayer(cfg: Config, layer: number): Float32Array {
  const rng = deriveRng(cfg.seed, "bench-layer", layer);
  const { pairs, d, k } = cfg;
  const dirRng = deriveRng(cfg.seed, "bench-dirs", layer);
  const U: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = Float64Array.from({ length: d }, () => dirRng.normal());
    for (const u of U) {
      let c = 0;
      for (let t = 0; t < d; t++) c += u[t]! * v[t]!;
      for (let t = 0; t < d; t++) v[t] = v[t]! - c * u[t]!;
    }
    const nv = Math.hypot(...v);
    U.push(v.map((x) => x / nv));
  }
  const strength = 0.5 + 1.5 * Math.exp(-(((layer - cfg.layers / 2) / (cfg.layers / 4)) ** 2));
  const X = new Float32Array(2 * pairs * d);
  const noise = 0.1 / Math.sqrt(d);
  const base = new Float64Array(d);
  const diff = new Float64Array(d);
  for (let p = 0; p < pairs; p++) {
    for (let t = 0; t < d; t++) base[t] = 5 * noise * rng.normal();
    diff.fill(0);
    for (let j = 0; j < k; j++) {
      const b = rng.normal() * 0.2 * 2 ** j;
      const c = strength * (1 + 0.3 * rng.normal());
      const u = U[j]!;
      for (let t = 0; t < d; t++) {
        base[t] = base[t]! + b * u[t]!;
        diff[t] = diff[t]! + c * u[t]!;
      }
    }
    const po = 2 * p * d;
    const no = po + d;
    for (let t = 0; t < d; t++) {
      X[po + t] = base[t]! + 0.5 * diff[t]! + noise * rng.normal();
      X[no + t] = base[t]! - 0.5 * diff[t]! + noise * rng.normal();
    }
  }
  return X;
}

function pairData(pairs: number): BinaryData {
  const n = 2 * pairs;
  return {
    n,
    y: Uint8Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0)),
    groups: Int32Array.from({ length: n }, (_, i) => i >> 1),
    domains: new Array<string | null>(n).fill(null),
    pairs: { pos: Int32Array.from({ length: pairs }, (_, i) => 2 * i), neg: Int32Array.from({ length: pairs }, (_, i) => 2 * i + 1) },
    texts: [],
  };
}

function runLayer(cfg: Config, layer: number): LayerTiming {
  const now = () => performance.now() / 1000;
  let t = now();
  const X = synthLayer(cfg, layer);
  const generate = now() - t;
  const data = pairData(cfg.pairs);
  const n = data.n;
  const folds = makeFolds(data.groups, data.y, { kind: "kfold", k: 5 }, deriveRng(cfg.seed, "folds"));
  const view = new LayerView(`blocks.${layer}.hook_resid_post`, layer, X, n, cfg.d);
  // The view's basis is the Gram kernel followed by the pivoted Cholesky (timed apart by the view).
  view.basis();
  const gramTime = view.basisTimings?.gram ?? 0;
  const choleskyTime = view.basisTimings?.cholesky ?? 0;
  const ctx: LayerContext = { view, data, folds, seed: cfg.seed };
  t = now();
  const dm = diffmeanLayer(ctx);
  const diffmean = now() - t;
  t = now();
  const lg = logisticLayer(ctx, { method: "logistic", l2: 1e-2, controlTask: true, maxIterations: 500 });
  const logistic = now() - t;
  t = now();
  const basis = view.basis();
  const { D, m } = differences(basis, data.y, data.pairs, n);
  const mu = new Float64Array(basis.r);
  for (let i = 0; i < m; i++) for (let c = 0; c < basis.r; c++) mu[c] = mu[c]! + D[i * basis.r + c]! / m;
  for (let i = 0; i < m; i++) for (let c = 0; c < basis.r; c++) D[i * basis.r + c] = D[i * basis.r + c]! - mu[c]!;
  const counts = varianceCounts(differenceSpectrum(D, m, basis.r).values);
  const pca = now() - t;
  t = now();
  const inlp = runInlp(ctx, { enabled: true, maxDirections: 20, l2: 1e-2, chanceSigmas: 2 });
  const inlpTime = now() - t;
  return {
    layer,
    generate,
    gram: gramTime,
    cholesky: choleskyTime,
    diffmean,
    logistic,
    pca,
    inlp: inlpTime,
    logisticIterations: lg.metrics.iterations,
    inlpCount: inlp.count,
    diffmeanAccuracy: dm.metrics.accuracy,
    logisticAccuracy: lg.metrics.accuracy,
    selectivity: lg.metrics.selectivity ?? 0,
    components90: counts.counts[1]!,
  };
}

interface WorkerInput {
  cfg: Config;
  layers: number[];
}

if (!isMainThread && (workerData as { probesBench?: boolean } | null)?.probesBench) {
  const input = workerData as WorkerInput & { probesBench: true };
  for (const layer of input.layers) parentPort!.postMessage({ kind: "layer", timing: runLayer(input.cfg, layer), rss: process.memoryUsage().rss });
  parentPort!.postMessage({ kind: "done" });
}

function gflops(seconds: number, n: number, d: number, symmetric: boolean): number {
  const flops = symmetric ? n * (n + 1) * d : 2 * n * n * d;
  return flops / seconds / 1e9;
}

export async function runProbesBench(): Promise<void> {
  const env = (k: string, dflt: number) => Number(process.env[k] ?? dflt);
  const cfg: Config = {
    layers: env("PROBES_BENCH_LAYERS", 32),
    pairs: env("PROBES_BENCH_N", 1000) / 2,
    d: env("PROBES_BENCH_D", 4096),
    threads: env("PROBES_BENCH_THREADS", Math.min(2, os.availableParallelism())),
    k: 4,
    seed: 1,
  };
  const n = 2 * cfg.pairs;
  console.log(`probes bench: ${n} examples × d ${cfg.d} × ${cfg.layers} layers on ${cfg.threads} thread(s)`);

  // Inner-loop throughput in this run: blocked Gram kernel vs the plain triple loop.
  const sub = 256;
  const Xk = Float32Array.from({ length: sub * cfg.d }, (_, i) => Math.sin(i * 0.61));
  gram(Xk, 32, cfg.d); // warm up
  naiveGram(Xk, 16, cfg.d);
  let t = performance.now();
  const Kb = gram(Xk, sub, cfg.d);
  const blockedSub = (performance.now() - t) / 1000;
  t = performance.now();
  const Kn = naiveGram(Xk, sub, cfg.d);
  const naiveSub = (performance.now() - t) / 1000;
  let maxDiff = 0;
  for (let i = 0; i < Kb.length; i++) maxDiff = Math.max(maxDiff, Math.abs(Kb[i]! - Kn[i]!));
  // The triple loop computes both triangles (2 n² d flops); the blocked kernel computes one (n(n+1) d),
  // so "effective" GFLOP/s counts the full product for both.
  const kernel = {
    size: `${sub} × ${sub} × ${cfg.d}`,
    blockedSeconds: blockedSub,
    naiveSeconds: naiveSub,
    blockedGflops: gflops(blockedSub, sub, cfg.d, true),
    blockedEffectiveGflops: gflops(blockedSub, sub, cfg.d, false),
    naiveGflops: gflops(naiveSub, sub, cfg.d, false),
    maxAbsDifference: maxDiff,
  };
  console.log(
    `Gram kernel ${kernel.size}: blocked ${kernel.blockedGflops.toFixed(2)} GFLOP/s (${kernel.blockedEffectiveGflops.toFixed(2)} effective, symmetric), triple loop ${kernel.naiveGflops.toFixed(2)} GFLOP/s (max |Δ| ${maxDiff.toExponential(1)})`,
  );

  const timings: LayerTiming[] = [];
  let peakRss = process.memoryUsage().rss;
  const wall0 = performance.now();
  const assignments: number[][] = Array.from({ length: cfg.threads }, () => []);
  for (let l = 0; l < cfg.layers; l++) assignments[l % cfg.threads]!.push(l);
  const self = fileURLToPath(import.meta.url);
  await Promise.all(
    assignments.map(
      (layers) =>
        new Promise<void>((resolve, reject) => {
          // Workers load this same file through tsx's ESM loader.
          const boot = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(self).href)}); });`;
          const worker = new Worker(boot, { eval: true, workerData: { probesBench: true, cfg, layers } });
          worker.on("message", (msg: { kind: "layer"; timing: LayerTiming; rss: number } | { kind: "done" }) => {
            if (msg.kind === "done") {
              void worker.terminate().then(() => resolve());
              return;
            }
            timings.push(msg.timing);
            peakRss = Math.max(peakRss, msg.rss);
            const tm = msg.timing;
            console.log(
              `layer ${String(tm.layer).padStart(2)}: gram ${tm.gram.toFixed(2)}s chol ${tm.cholesky.toFixed(2)}s diffmean ${tm.diffmean.toFixed(2)}s logistic ${tm.logistic.toFixed(2)}s pca ${tm.pca.toFixed(2)}s inlp ${tm.inlp.toFixed(2)}s (INLP ${tm.inlpCount}, acc ${tm.logisticAccuracy.toFixed(3)}, sel ${tm.selectivity.toFixed(3)}, k90 ${tm.components90})`,
            );
          });
          worker.on("error", reject);
        }),
    ),
  );
  const wall = (performance.now() - wall0) / 1000;
  timings.sort((a, b) => a.layer - b.layer);
  const sum = (key: keyof LayerTiming) => timings.reduce((s, x) => s + (x[key] as number), 0);
  const cpu = {
    generate: sum("generate"),
    gram: sum("gram"),
    cholesky: sum("cholesky"),
    diffmean: sum("diffmean"),
    logistic: sum("logistic"),
    pca: sum("pca"),
    inlp: sum("inlp"),
  };
  const methodSeconds = cpu.gram + cpu.cholesky + cpu.diffmean + cpu.logistic + cpu.pca + cpu.inlp;
  const gramGflops = (timings.length * n * (n + 1) * cfg.d) / cpu.gram / 1e9;
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  const result = {
    suite: "probes",
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? "unknown", node: process.version },
    config: { examples: n, pairs: cfg.pairs, d: cfg.d, layers: cfg.layers, threads: cfg.threads, plantedDimensions: cfg.k },
    wallSeconds: wall,
    targetSeconds: 120,
    withinTarget: wall < 120,
    /** CPU seconds summed over layers (both threads). "methodMath" excludes generating the synthetic data. */
    cpuSeconds: { ...cpu, methodMath: methodSeconds },
    perLayerMeanSeconds: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v / Math.max(1, timings.length)])),
    gramKernelGflopsInRun: gramGflops,
    kernel,
    peakMemory: { rssBytes: peakRss, maxRssBytes, maxRssMiB: maxRssBytes / 2 ** 20 },
    perLayer: timings,
  };
  console.log(
    `\nwall ${wall.toFixed(1)} s (target < 120 s) | CPU s: gram ${cpu.gram.toFixed(1)}, cholesky ${cpu.cholesky.toFixed(1)}, diffmean ${cpu.diffmean.toFixed(1)}, logistic ${cpu.logistic.toFixed(1)}, pca ${cpu.pca.toFixed(1)}, inlp ${cpu.inlp.toFixed(1)} (synthetic data ${cpu.generate.toFixed(1)}) | Gram ${gramGflops.toFixed(2)} GFLOP/s | peak RSS ${(maxRssBytes / 2 ** 20).toFixed(0)} MiB`,
  );
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "results", "probes.json");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

