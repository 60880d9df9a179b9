/**
 * The decoding loop over a KV-cache graph (compile.ts with GraphSpec.kvCache): one prefill run
 * over the left-padded prompts, then one position per step. The cache lives in a KvBuffer
 * (kv-buffer.ts): each run returns only the new keys/values, stored in place, and the buffer is
 * fed back as it is, so no step copies the whole cache. Left padding keeps every sequence's last
 * position in the same column; positions come from the mask's cumulative sum, so padding and free
 * slots never shift them. Sequences that stopped are dropped from the batch.
 */
import * as ort from "onnxruntime-node";
import { deriveRng } from "../../probes/stats/rng";
import { LOGITS_OUTPUT, LOG_NORMALIZER_OUTPUT, pastKeyInputName, pastValueInputName, presentKeyOutputName, presentValueOutputName } from "../onnx";
import type { GenerateResult, ModelConfig } from "../types";
import { KvBuffer } from "./kv-buffer";
import { chooseToken, type SamplingOptions, type UniformSource } from "./sampler";

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
  signal?.throwIfAborted();

  // prefill: left-padded prompts, empty cache
  const promptLen = Math.max(...prompts.map((p) => p.length));
  const leading = prompts.map((p) => promptLen - p.length); // padding slots per row
  const ids = new BigInt64Array(B * promptLen);
  prompts.forEach((p, b) => p.forEach((id, t) => (ids[b * promptLen + leading[b]! + t] = BigInt(id))));
  const prefillMask = new BigInt64Array(B * promptLen).fill(1n);
  leading.forEach((n, b) => prefillMask.fill(0n, b * promptLen, b * promptLen + n));
  const emptyCache = new ort.Tensor("float32", new Float32Array(0), [B, config.nKvHeads, 0, config.headDim]);
  const prefill: Record<string, ort.Tensor> = {
    ...options.constantFeeds,
    input_ids: new ort.Tensor("int64", ids, [B, promptLen]),
    attention_mask: new ort.Tensor("int64", prefillMask, [B, promptLen]),
  };
  for (let L = 0; L < config.nLayers; L++) prefill[pastKeyInputName(L)] = prefill[pastValueInputName(L)] = emptyCache;
  // the prompt's slots, then one per token fed back (the last chosen token never is)
  const maxCapacity = promptLen + maxNewTokens - 1;
  const cache = new KvBuffer(config, leading, Math.min(maxCapacity, promptLen + INITIAL_FREE_SLOTS), maxCapacity);

  // rowOf[r]: the sequence in batch row r (rows of finished sequences are dropped)
  let rowOf = prompts.map((_, b) => b);
  let nextIds = new BigInt64Array(B);
  let out = await session.run(prefill);
  storePresents(cache, out, config.nLayers, promptLen);
  for (let step = 0; ; step++) {
    const logits = out[LOGITS_OUTPUT]?.data;
    const normalizers = out[LOG_NORMALIZER_OUTPUT]?.data;
    const rows = rowOf.length;
    if (!(logits instanceof Float32Array) || logits.length !== rows * V) throw new Error("KV-cache graph returned no [batch, 1, vocab] logits");
    if (!(normalizers instanceof Float32Array) || normalizers.length !== rows) throw new Error("KV-cache graph returned no [batch, 1] log normalizer");

    const produced: Array<number | null> = prompts.map(() => null);
    for (let r = 0; r < rows; r++) {
      const b = rowOf[r]!;
      const row = logits.subarray(r * V, (r + 1) * V);
      const id = chooseToken(row, sampling, rngs[b]!);
      tokens[b]!.push(id);
      logProbs[b]!.push(row[id]! - normalizers[r]!);
      produced[b] = id;
      if (stop.has(id)) stoppedBy[b] = "stop";
    }
    await options.onStep?.(step, produced);
    const keep = rowOf.flatMap((b, r) => (stoppedBy[b] === "stop" ? [] : [r]));
    if (step === maxNewTokens - 1 || keep.length === 0) break;
    signal?.throwIfAborted();

    // next step: one new position per running sequence
    if (keep.length < rows) {
      cache.keepRows(keep);
      rowOf = keep.map((r) => rowOf[r]!);
      nextIds = new BigInt64Array(keep.length);
    }
    rowOf.forEach((b, r) => (nextIds[r] = BigInt(tokens[b]!.at(-1)!)));
    out = await session.run({ ...options.constantFeeds, ...cache.feeds(), input_ids: new ort.Tensor("int64", nextIds, [rowOf.length, 1]) });
    storePresents(cache, out, config.nLayers, 1);
  }
  return { tokens, logProbs, stoppedBy };
}

/** Free slots allocated beyond the prompt at first (the buffer grows when they run out). */
const INITIAL_FREE_SLOTS = 32;

function storePresents(cache: KvBuffer, out: ort.InferenceSession.OnnxValueMapType, nLayers: number, newPositions: number): void {
  const keys: Float32Array[] = [];
  const values: Float32Array[] = [];
  for (let L = 0; L < nLayers; L++) {
    keys.push(presentData(out, presentKeyOutputName(L)));
    values.push(presentData(out, presentValueOutputName(L)));
  }
  cache.append(keys, values, newPositions);
}

function presentData(out: ort.InferenceSession.OnnxValueMapType, name: string): Float32Array {
  const data = out[name]?.data;
  if (!(data instanceof Float32Array)) throw new Error(`KV-cache graph did not return ${name}`);
  return data;
}
