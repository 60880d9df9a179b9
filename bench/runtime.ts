/**
 * Runtime benchmark (`npm run bench -- runtime`): activation-extraction throughput of compiled
 * ONNX graphs vs logits-only graphs and vs the sequential float32 reference path, plus compile
 * time and peak RSS. Writes bench/results/runtime.json and prints a table.
 *
 * Models: stories260K (the real fixture) and a generated 8-layer, d_model 512 llama-style model
 * with random weights (built directly as ModelWeights). Sequence length 64, batches 1 / 8 / 32.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { loadModelWeights } from "../workers/runtime/load-weights";
import { createHostedModel, type OnnxHostedModel } from "../workers/runtime/hosted-model";
import { ReferenceModel } from "../workers/runtime/reference";
import { SessionCache } from "../workers/runtime/session-cache";
import type { ModelConfig, ModelWeights, Tensor } from "../workers/runtime/types";

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const FIXTURES_DIR = path.resolve(process.env.MECHMAP_FIXTURES_DIR ?? path.join(PROJECT_ROOT, "..", "shared", "fixtures"));
const SEQ = 64;
const BATCHES = [1, 8, 32];
const MIN_SECONDS = 1.5;
const MIN_REPS = 2;
const MAX_REPS = 50;

type Mode = "taps" | "taps+logits" | "logits";
const MODES: Mode[] = ["taps", "taps+logits", "logits"];

interface ThroughputRow {
  model: string;
  mode: Mode;
  batch: number;
  seq: number;
  reps: number;
  /** Median wall time of one forward (the whole batch). */
  medianSeconds: number;
  /** From the median run (the machine is shared; the median is robust to interference). */
  tokensPerSecond: number;
  bestTokensPerSecond: number;
}

interface ModelReport {
  model: string;
  config: ModelConfig;
  parameters: number;
  taps: string[];
  compile: Record<Mode, { compileSeconds: number; sessionSeconds: number; graphBytes: number }>;
  /** Peak RSS per phase: before, writing graphs, creating sessions, running. */
  peakRssMiB: { baseline: number; compile: number; sessions: number; run: number };
  throughput: ThroughputRow[];
  sequential: { tokens: number; seconds: number; tokensPerSecond: number };
  ratios: {
    /** taps-only ÷ logits-only throughput, per batch. */
    tapsOverLogits: Record<string, number>;
    /** (taps + logits) ÷ logits-only throughput, per batch. */
    tapsWithLogitsOverLogits: Record<string, number>;
    /** batched taps-only throughput ÷ sequential reference rate, per batch. */
    batchedOverSequential: Record<string, number>;
  };
}

/** Samples process RSS from a worker thread, so it keeps sampling while the main thread computes. */
class RssSampler {
  private readonly worker: Worker;
  private readonly shared = new BigInt64Array(new SharedArrayBuffer(8));

  constructor(intervalMs = 5) {
    this.worker = new Worker(
      `const { workerData } = require("node:worker_threads");
       const peak = workerData.peak;
       setInterval(() => { const r = BigInt(process.memoryUsage.rss()); if (r > Atomics.load(peak, 0)) Atomics.store(peak, 0, r); }, ${intervalMs});`,
      { eval: true, workerData: { peak: this.shared } },
    );
    this.worker.unref();
  }

  /** Starts a new phase; returns the peak RSS (MiB) since the previous reset. */
  reset(): number {
    const peak = Math.max(Number(Atomics.load(this.shared, 0)), process.memoryUsage.rss());
    Atomics.store(this.shared, 0, BigInt(process.memoryUsage.rss()));
    return peak / 2 ** 20;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An 8-layer, d_model 512 llama-style model with random weights. */
export function generatedLlama(seed = 1): ModelWeights {
  const config: ModelConfig = {
    architecture: "llama",
    nLayers: 8,
    dModel: 512,
    nHeads: 8,
    nKvHeads: 8,
    headDim: 64,
    dFfn: 1376,
    vocabSize: 32000,
    contextLength: 2048,
    normEps: 1e-5,
    ropeTheta: 10000,
    ropeLayout: "rotate-half",
    tiedEmbeddings: false,
    attentionBias: false,
    qkNorm: false,
  };
  const rand = mulberry32(seed);
  const tensors = new Map<string, Tensor>();
  const add = (name: string, shape: number[], scale: number, offset = 0): void => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = offset + (rand() * 2 - 1) * scale;
    tensors.set(name, { shape, data });
  };
  const { dModel: d, dFfn: F, vocabSize: V } = config;
  const s = 1 / Math.sqrt(d);
  add("token_embd.weight", [V, d], 0.5);
  for (let L = 0; L < config.nLayers; L++) {
    const p = `blk.${L}`;
    add(`${p}.attn_norm.weight`, [d], 0.1, 1);
    for (const m of ["attn_q", "attn_k", "attn_v", "attn_output"]) add(`${p}.${m}.weight`, [d, d], s);
    add(`${p}.ffn_norm.weight`, [d], 0.1, 1);
    add(`${p}.ffn_gate.weight`, [F, d], s);
    add(`${p}.ffn_up.weight`, [F, d], s);
    add(`${p}.ffn_down.weight`, [d, F], 1 / Math.sqrt(F));
  }
  add("output_norm.weight", [d], 0.1, 1);
  add("output.weight", [V, d], s);
  return { config, tensors, sha256: `bench-generated-llama-8x512-seed${seed}` };
}

function parameterCount(w: ModelWeights): number {
  let n = 0;
  for (const t of w.tensors.values()) n += t.data.length;
  return n;
}

function randomBatch(batch: number, seq: number, vocab: number, seed: number): number[][] {
  const rand = mulberry32(seed);
  return Array.from({ length: batch }, () => Array.from({ length: seq }, (_, t) => (t === 0 ? 1 : Math.floor(rand() * vocab))));
}

function requestFor(mode: Mode, taps: string[], inputIds: number[][]) {
  return { inputIds, taps: mode === "logits" ? [] : taps, logits: mode !== "taps" };
}

async function timeForward(model: OnnxHostedModel, mode: Mode, taps: string[], batch: number): Promise<ThroughputRow> {
  const inputIds = randomBatch(batch, SEQ, model.config.vocabSize, batch);
  const request = requestFor(mode, taps, inputIds);
  await model.forward(request); // warm-up (session creation, arena growth)
  const times: number[] = [];
  const start = performance.now();
  while (times.length < MAX_REPS && (times.length < MIN_REPS || performance.now() - start < MIN_SECONDS * 1000)) {
    const t = performance.now();
    await model.forward(request);
    times.push((performance.now() - t) / 1000);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const tokens = batch * SEQ;
  return {
    model: model.name,
    mode,
    batch,
    seq: SEQ,
    reps: times.length,
    medianSeconds: median,
    tokensPerSecond: tokens / median,
    bestTokensPerSecond: tokens / sorted[0]!,
  };
}

function sequentialRate(weights: ModelWeights, tokens: number): ModelReport["sequential"] {
  const ref = new ReferenceModel(weights, tokens);
  const ids = randomBatch(1, tokens, weights.config.vocabSize, 99)[0]!;
  for (const id of ids) ref.step(id); // warm-up: let the JIT optimise the whole path
  ref.reset();
  const start = performance.now();
  for (const id of ids) ref.step(id);
  const seconds = (performance.now() - start) / 1000;
  return { tokens, seconds, tokensPerSecond: tokens / seconds };
}

async function benchModel(name: string, weights: ModelWeights, sampler: RssSampler, cacheDir: string, seqTokens: number): Promise<ModelReport> {
  const sessions = new SessionCache({ budgetBytes: 8 * 1024 ** 3 });
  const model = createHostedModel(weights, null, { name, cacheDir, sessionCache: sessions, maxBatchTokens: 32 * SEQ });
  const taps = ["hook_embed", ...Array.from({ length: weights.config.nLayers }, (_, L) => `blocks.${L}.hook_resid_post`)];
  const baseline = sampler.reset();

  // compile every graph to the (empty) disk cache, then create the sessions
  const graphs = [];
  for (const mode of MODES) {
    const request = requestFor(mode, taps, [[1]]);
    const start = performance.now();
    const graph = await model.prepare({ taps: request.taps, logits: request.logits, steeringBlocks: [], ablationBlocks: [] });
    if (!graph.compiled) throw new Error("bench: expected a fresh compile");
    graphs.push({ mode, graph, compileSeconds: (performance.now() - start) / 1000 });
  }
  const compilePeak = sampler.reset();
  const compile = {} as ModelReport["compile"];
  for (const { mode, graph, compileSeconds } of graphs) {
    const start = performance.now();
    await sessions.with(graph.key, graph.path, graph.bytes, async () => undefined);
    compile[mode] = { compileSeconds, sessionSeconds: (performance.now() - start) / 1000, graphBytes: graph.bytes };
  }
  const sessionPeak = sampler.reset();

  const throughput: ThroughputRow[] = [];
  for (const batch of BATCHES) {
    for (const mode of MODES) {
      const row = await timeForward(model, mode, taps, batch);
      throughput.push(row);
      console.log(`  ${name} ${mode.padEnd(11)} batch ${String(batch).padStart(2)}: ${row.tokensPerSecond.toFixed(0).padStart(8)} tok/s (${row.reps} reps)`);
    }
  }
  const sequential = sequentialRate(weights, seqTokens);
  console.log(`  ${name} sequential reference: ${sequential.tokensPerSecond.toFixed(1)} tok/s`);
  const runPeak = sampler.reset();
  await sessions.clear();

  const rate = (mode: Mode, batch: number) => throughput.find((r) => r.mode === mode && r.batch === batch)?.tokensPerSecond ?? NaN;
  const perBatch = (f: (b: number) => number) => Object.fromEntries(BATCHES.map((b) => [`batch${b}`, f(b)]));
  return {
    model: name,
    config: weights.config,
    parameters: parameterCount(weights),
    taps,
    compile,
    peakRssMiB: { baseline, compile: compilePeak, sessions: sessionPeak, run: runPeak },
    throughput,
    sequential,
    ratios: {
      tapsOverLogits: perBatch((b) => rate("taps", b) / rate("logits", b)),
      tapsWithLogitsOverLogits: perBatch((b) => rate("taps+logits", b) / rate("logits", b)),
      batchedOverSequential: perBatch((b) => rate("taps", b) / sequential.tokensPerSecond),
    },
  };
}

function printTable(reports: ModelReport[]): void {
  const rows: string[][] = [["model", "batch", "taps tok/s", "taps+logits tok/s", "logits tok/s", "taps÷logits", "(taps+logits)÷logits", "taps÷sequential"]];
  for (const r of reports) {
    for (const b of BATCHES) {
      const rate = (m: Mode) => r.throughput.find((x) => x.mode === m && x.batch === b)!.tokensPerSecond;
      rows.push([
        r.model,
        String(b),
        rate("taps").toFixed(0),
        rate("taps+logits").toFixed(0),
        rate("logits").toFixed(0),
        r.ratios.tapsOverLogits[`batch${b}`]!.toFixed(2),
        r.ratios.tapsWithLogitsOverLogits[`batch${b}`]!.toFixed(2),
        `${r.ratios.batchedOverSequential[`batch${b}`]!.toFixed(1)}×`,
      ]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padStart(widths[c]!)).join("  "));
  console.log();
  for (const r of reports) {
    const compile = MODES.map(
      (m) => `${m} ${r.compile[m].compileSeconds.toFixed(2)} s + ${r.compile[m].sessionSeconds.toFixed(2)} s (${(r.compile[m].graphBytes / 2 ** 20).toFixed(1)} MiB)`,
    ).join(", ");
    console.log(`${r.model}: ${(r.parameters / 1e6).toFixed(2)} M params; sequential reference ${r.sequential.tokensPerSecond.toFixed(1)} tok/s`);
    console.log(`  compile + session creation: ${compile}`);
    const rss = r.peakRssMiB;
    console.log(
      `  peak RSS: before ${rss.baseline.toFixed(0)} MiB, compiling ${rss.compile.toFixed(0)} MiB, creating sessions ${rss.sessions.toFixed(0)} MiB, running ${rss.run.toFixed(0)} MiB`,
    );
  }
}

export async function runRuntimeBench(): Promise<void> {
  const sampler = new RssSampler();
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), "mechmap-bench-graphs-"));
  const threads = new SessionCache().intraOpNumThreads;
  const loadBefore = os.loadavg();
  console.log(`runtime bench: seq ${SEQ}, batches ${BATCHES.join("/")}, onnxruntime intra-op threads ${threads}, ${os.cpus().length} CPUs`);
  try {
    const reports: ModelReport[] = [];
    reports.push(await benchModel("stories260K", await loadModelWeights(path.join(FIXTURES_DIR, "stories260K.gguf")), sampler, cacheDir, SEQ));
    sampler.reset();
    reports.push(await benchModel("llama-8x512 (random)", generatedLlama(), sampler, cacheDir, 16));

    const stories = reports[0]!;
    const targets = {
      tapsAtLeastHalfOfLogitsOnly: reports.every((r) => Object.values(r.ratios.tapsWithLogitsOverLogits).every((x) => x >= 0.5)),
      storiesBatchedAtLeast20xSequential: (stories.ratios.batchedOverSequential.batch32 ?? 0) >= 20,
    };
    const results = {
      generatedAt: new Date().toISOString(),
      host: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        node: process.version,
        ortIntraOpThreads: threads,
        /** 1-minute load average before and after: other processes on the machine skew the numbers. */
        loadAverage: { before: loadBefore[0], after: os.loadavg()[0] },
      },
      seq: SEQ,
      batches: BATCHES,
      tapSet: "hook_embed + blocks.{L}.hook_resid_post for every block (every distinct residual-stream state)",
      reports,
      targets,
    };
    mkdirSync(path.join(PROJECT_ROOT, "bench", "results"), { recursive: true });
    const out = path.join(PROJECT_ROOT, "bench", "results", "runtime.json");
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    console.log();
    printTable(reports);
    console.log(`\nload average (1 min) before ${loadBefore[0]?.toFixed(2)}, after ${os.loadavg()[0]?.toFixed(2)} on ${os.cpus().length} CPUs`);
    console.log(`targets: ${JSON.stringify(targets)}`);
    console.log(`results written to ${path.relative(PROJECT_ROOT, out)}`);
  } finally {
    await sampler.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
