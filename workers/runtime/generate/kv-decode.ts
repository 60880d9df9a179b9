/**
 * The decoding loop over a KV-cache graph (compile.ts with GraphSpec.kvCache): one prefill run
 * over the left-padded prompts, then one position per step, feeding each step's present_* outputs
 * back as the next step's past_* inputs. Left padding keeps every sequence's last position in the
 * same column; positions come from the mask's cumulative sum, so padding never shifts them.
 * Sequences that stopped keep their slot (their tokens are ignored) so the cache stays aligned.
 */
import * as ort from "onnxruntime-node";
import { deriveRng } from "../../probes/stats/rng";
import { LOGITS_OUTPUT, pastKeyInputName, pastValueInputName, presentKeyOutputName, presentValueOutputName } from "../onnx";
import type { GenerateResult, ModelConfig } from "../types";
import { chooseToken, logProbOf, type SamplingOptions, type UniformSource } from "./sampler";

export interface KvDecodeOptions {
  config: ModelConfig;
  prompts: number[][];
  maxNewTokens: number;
  stopIds: number[];
  sampling: (SamplingOptions & { seed: number }) | null;
  /** Intervention inputs (steer.{L}, ablate.directions), the same at every step. */
  constantFeeds: Record<string, ort.Tensor>;
  onStep?: (step: number, tokens: Array<number | null>) => void | Promise<void>;
  signal?: AbortSignal;
}

export async function kvDecode(session: ort.InferenceSession, options: KvDecodeOptions): Promise<GenerateResult> {
  const { config, prompts, maxNewTokens, signal } = options;
  const B = prompts.length;
  const V = config.vocabSize;
  const tokens: number[][] = prompts.map(() => []);
  const logProbs: number[][] = prompts.map(() => []);
  const stoppedBy: Array<"stop" | "budget"> = prompts.map(() => "budget");
  if (maxNewTokens === 0) return { tokens, logProbs, stoppedBy };

  const stop = new Set(options.stopIds);
  const sampling = options.sampling && options.sampling.temperature > 0 ? options.sampling : null;
  // one generator per sequence: a sequence's draws never depend on the others in the batch
  const rngs: Array<UniformSource | null> = prompts.map((_, b) => (sampling ? deriveRng(sampling.seed, "generate", b) : null));
  const active = prompts.map(() => true);

  // prefill: left-padded prompts, empty cache
  const promptLen = Math.max(...prompts.map((p) => p.length));
  const ids = new BigInt64Array(B * promptLen);
  const maskRows: number[] = prompts.map((p) => promptLen - p.length); // leading zeros per row
  prompts.forEach((p, b) => p.forEach((id, t) => (ids[b * promptLen + promptLen - p.length + t] = BigInt(id))));
  let total = promptLen;
  const emptyCache = new ort.Tensor("float32", new Float32Array(0), [B, config.nKvHeads, 0, config.headDim]);
  let feeds: Record<string, ort.Tensor> = {
    ...options.constantFeeds,
    input_ids: new ort.Tensor("int64", ids, [B, promptLen]),
    attention_mask: new ort.Tensor("int64", maskFor(maskRows, total), [B, total]),
  };
  for (let L = 0; L < config.nLayers; L++) {
    feeds[pastKeyInputName(L)] = emptyCache;
    feeds[pastValueInputName(L)] = emptyCache;
  }

  const last = prompts.map((p) => p[p.length - 1]!);
  for (let step = 0; step < maxNewTokens; step++) {
    signal?.throwIfAborted();
    const out = await session.run(feeds);
    const logits = out[LOGITS_OUTPUT]?.data;
    if (!(logits instanceof Float32Array) || logits.length !== B * V) throw new Error("KV-cache graph returned no [batch, 1, vocab] logits");

    const produced: Array<number | null> = [];
    for (let b = 0; b < B; b++) {
      if (!active[b]) {
        produced.push(null);
        continue;
      }
      const row = logits.subarray(b * V, (b + 1) * V);
      const id = chooseToken(row, sampling, rngs[b]!);
      tokens[b]!.push(id);
      logProbs[b]!.push(logProbOf(row, id));
      last[b] = id;
      produced.push(id);
      if (stop.has(id)) {
        active[b] = false;
        stoppedBy[b] = "stop";
      }
    }
    await options.onStep?.(step, produced);
    if (step === maxNewTokens - 1 || !active.some(Boolean)) break;

    // next step: one new position per sequence, the cache from this step
    total++;
    const next: Record<string, ort.Tensor> = {
      ...options.constantFeeds,
      input_ids: new ort.Tensor("int64", BigInt64Array.from(last, (id) => BigInt(id)), [B, 1]),
      attention_mask: new ort.Tensor("int64", maskFor(maskRows, total), [B, total]),
    };
    for (let L = 0; L < config.nLayers; L++) {
      next[pastKeyInputName(L)] = present(out, presentKeyOutputName(L));
      next[pastValueInputName(L)] = present(out, presentValueOutputName(L));
    }
    feeds = next;
  }
  return { tokens, logProbs, stoppedBy };
}

/** [B, total] mask: `leading[b]` zeros (left padding), then ones. */
function maskFor(leading: number[], total: number): BigInt64Array {
  const mask = new BigInt64Array(leading.length * total).fill(1n);
  leading.forEach((n, b) => mask.fill(0n, b * total, b * total + n));
  return mask;
}

function present(out: ort.InferenceSession.OnnxValueMapType, name: string): ort.Tensor {
  const t = out[name];
  if (!t) throw new Error(`KV-cache graph did not return ${name}`);
  return t as ort.Tensor;
}
