/**
 * Generation benchmark (`npm run bench -- generate`): greedy decoding on stories260K, 256 new
 * tokens per stream, through HostedModel.generate (KV cache) as a single stream and batched 8 and
 * 32 (ragged prompts), against two sequential baselines measured in the same run:
 * - "reference": the float32 token-by-token model with its own KV cache (workers/runtime/reference,
 *   written in the style of llama2.c's run.c; no run.c copy is given to this project);
 * - "full-prefix": the ONNX full-sequence graph re-run over the whole prefix at every step
 *   (how decoding worked before the KV cache).
 * Rounds are interleaved and the median is reported (the machine is shared). Writes
 * bench/results/generate.json and prints a table.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadHostedModel, type OnnxHostedModel } from "../workers/runtime/hosted-model";
import { ReferenceModel, argmax, greedyDecode, hostedNextLogits } from "../workers/runtime/reference";
import { SessionCache } from "../workers/runtime/session-cache";

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const FIXTURES_DIR = path.resolve(process.env.MECHMAP_FIXTURES_DIR ?? path.join(PROJECT_ROOT, "..", "shared", "fixtures"));
const NEW_TOKENS = 256;
/** Interleaved rounds per case; the median is reported (5: the shared machine makes single rounds unreliable). */
const ROUNDS = 5;
const PROMPTS = [
  "Once upon a time",
  "Tom had a red ball.",
  "The cat sat on the mat and",
  "Lily went to the park with her mom. She saw",
  "One day, a little bird",
  "Sam and his dog",
  "There was a big tree in the garden. Every morning",
  "Mia wanted to bake a cake",
];

interface Row {
  name: string;
  /** Streams decoded at once. */
  batch: number;
  rounds: number;
  medianSeconds: number;
  /** New tokens (all streams) per second, from the median round. */
  tokensPerSecond: number;
  bestTokensPerSecond: number;
  /** Process CPU time (user + system, all threads) of the median round; less sensitive to other processes than wall time. */
  medianCpuSeconds: number;
  tokensPerCpuSecond: number;
}

type Runner = () => Promise<void>;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The reference model decoding one stream greedily, incrementally (prompt, then one token per step). */
function referenceGreedy(ref: ReferenceModel, prompt: number[], newTokens: number): number[] {
  ref.reset();
  let logits: Float32Array | null = null;
  for (const id of prompt) logits = ref.step(id);
  const out: number[] = [];
  for (let i = 0; i < newTokens; i++) {
    const id = argmax(logits!);
    out.push(id);
    if (i < newTokens - 1) logits = ref.step(id);
  }
  return out;
}

function kvRunner(model: OnnxHostedModel, prompts: number[][]): Runner {
  return async () => {
    const result = await model.generate({ prompts, maxNewTokens: NEW_TOKENS, stopIds: [] });
    if (result.tokens.some((t) => t.length !== NEW_TOKENS)) throw new Error("a stream stopped early");
  };
}

export async function runGenerateBench(): Promise<void> {
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), "mechmap-bench-generate-"));
  const sessions = new SessionCache();
  const loadBefore = os.loadavg();
  try {
    const model = await loadHostedModel(path.join(FIXTURES_DIR, "stories260K.gguf"), { cacheDir, sessionCache: sessions });
    const prompts = PROMPTS.map((text) => model.tokenizer.encode(text, { addBos: true }).ids);
    const batchOf = (n: number): number[][] => Array.from({ length: n }, (_, i) => prompts[i % prompts.length]!);
    const ref = new ReferenceModel(model.weights, prompts[0]!.length + NEW_TOKENS);
    console.log(
      `generate bench: stories260K, greedy, ${NEW_TOKENS} new tokens per stream, onnxruntime intra-op threads ${sessions.intraOpNumThreads}, ${os.cpus().length} CPUs`,
    );

    // the KV-cache path must decode what the sequential reference decodes
    const want = referenceGreedy(ref, prompts[0]!, NEW_TOKENS);
    const got = (await model.generate({ prompts: [prompts[0]!], maxNewTokens: NEW_TOKENS, stopIds: [] })).tokens[0]!;
    const agreeing = got.findIndex((id, i) => id !== want[i]);
    console.log(agreeing === -1 ? `KV-cache tokens equal the reference's (${NEW_TOKENS})` : `KV-cache tokens differ from the reference's at step ${agreeing}`);

    const cases: Array<{ name: string; batch: number; run: Runner }> = [
      { name: "reference (sequential, KV cache, JS)", batch: 1, run: async () => void referenceGreedy(ref, prompts[0]!, NEW_TOKENS) },
      {
        name: "full-prefix re-run (ONNX)",
        batch: 1,
        run: async () => void (await greedyDecode(hostedNextLogits(model), prompts[0]!, { maxNewTokens: NEW_TOKENS })),
      },
      { name: "generate, KV cache", batch: 1, run: kvRunner(model, batchOf(1)) },
      { name: "generate, KV cache", batch: 8, run: kvRunner(model, batchOf(8)) },
      { name: "generate, KV cache", batch: 32, run: kvRunner(model, batchOf(32)) },
    ];
    for (const c of cases) await c.run(); // warm-up: graphs compiled, sessions created, JIT warm
    const seconds = cases.map((): number[] => []);
    const cpuSeconds = cases.map((): number[] => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, c] of cases.entries()) {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await c.run();
        seconds[i]!.push((performance.now() - t0) / 1000);
        const cpu = process.cpuUsage(cpu0);
        cpuSeconds[i]!.push((cpu.user + cpu.system) / 1e6);
      }
    }
    const rows: Row[] = cases.map((c, i) => {
      const med = median(seconds[i]!);
      const cpu = median(cpuSeconds[i]!);
      return {
        name: c.name,
        batch: c.batch,
        rounds: ROUNDS,
        medianSeconds: med,
        tokensPerSecond: (c.batch * NEW_TOKENS) / med,
        bestTokensPerSecond: (c.batch * NEW_TOKENS) / Math.min(...seconds[i]!),
        medianCpuSeconds: cpu,
        tokensPerCpuSecond: (c.batch * NEW_TOKENS) / cpu,
      };
    });
    const rate = (name: string, batch: number): number => rows.find((r) => r.name === name && r.batch === batch)!.tokensPerSecond;
    const single = rate("generate, KV cache", 1);
    const ratios = {
      singleOverReference: single / rate("reference (sequential, KV cache, JS)", 1),
      singleOverFullPrefix: single / rate("full-prefix re-run (ONNX)", 1),
      batch8OverSingle: rate("generate, KV cache", 8) / single,
      batch32OverSingle: rate("generate, KV cache", 32) / single,
      batch32OverReference: rate("generate, KV cache", 32) / rate("reference (sequential, KV cache, JS)", 1),
    };
    // the same ratios from process CPU time, which other processes on the machine disturb less
    const cpuRate = (name: string, batch: number): number => rows.find((r) => r.name === name && r.batch === batch)!.tokensPerCpuSecond;
    const cpuSingle = cpuRate("generate, KV cache", 1);
    const cpuRatios = {
      singleOverReference: cpuSingle / cpuRate("reference (sequential, KV cache, JS)", 1),
      batch8OverSingle: cpuRate("generate, KV cache", 8) / cpuSingle,
      batch32OverSingle: cpuRate("generate, KV cache", 32) / cpuSingle,
    };
    const targets = {
      singleAtLeastReference: ratios.singleOverReference >= 1,
      batch32AtLeast10xSingle: ratios.batch32OverSingle >= 10,
    };
    const results = {
      generatedAt: new Date().toISOString(),
      host: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        node: process.version,
        ortIntraOpThreads: sessions.intraOpNumThreads,
        /** 1-minute load average before and after: other processes on the machine skew the numbers. */
        loadAverage: { before: loadBefore[0], after: os.loadavg()[0] },
      },
      model: "stories260K",
      newTokensPerStream: NEW_TOKENS,
      baseline: "no run.c copy was given: the sequential float32 reference (workers/runtime/reference) and the full-prefix ONNX re-run",
      kvMatchesReference: agreeing === -1,
      rows,
      ratios,
      cpuRatios,
      targets,
    };
    mkdirSync(path.join(PROJECT_ROOT, "bench", "results"), { recursive: true });
    const out = path.join(PROJECT_ROOT, "bench", "results", "generate.json");
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);

    console.log();
    console.log(
      `${"path".padEnd(38)} ${"batch".padStart(5)} ${"median s".padStart(9)} ${"tok/s".padStart(9)} ${"best tok/s".padStart(11)} ${"CPU s".padStart(7)} ${"tok/CPU s".padStart(10)}`,
    );
    for (const r of rows) {
      console.log(
        `${r.name.padEnd(38)} ${String(r.batch).padStart(5)} ${r.medianSeconds.toFixed(3).padStart(9)} ${r.tokensPerSecond.toFixed(0).padStart(9)} ` +
          `${r.bestTokensPerSecond.toFixed(0).padStart(11)} ${r.medianCpuSeconds.toFixed(2).padStart(7)} ${r.tokensPerCpuSecond.toFixed(0).padStart(10)}`,
      );
    }
    console.log(
      `\nsingle stream ÷ reference ${ratios.singleOverReference.toFixed(2)}×, ÷ full-prefix ${ratios.singleOverFullPrefix.toFixed(2)}×; ` +
        `batch 8 ÷ single ${ratios.batch8OverSingle.toFixed(1)}×, batch 32 ÷ single ${ratios.batch32OverSingle.toFixed(1)}×`,
    );
    console.log(
      `by CPU time: single ÷ reference ${cpuRatios.singleOverReference.toFixed(2)}×; ` +
        `batch 8 ÷ single ${cpuRatios.batch8OverSingle.toFixed(1)}×, batch 32 ÷ single ${cpuRatios.batch32OverSingle.toFixed(1)}×`,
    );
    console.log(`load average (1 min) before ${loadBefore[0]?.toFixed(2)}, after ${os.loadavg()[0]?.toFixed(2)} on ${os.cpus().length} CPUs`);
    console.log(`targets: ${JSON.stringify(targets)}`);
    console.log(`results written to ${path.relative(PROJECT_ROOT, out)}`);
  } finally {
    await sessions.clear();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
