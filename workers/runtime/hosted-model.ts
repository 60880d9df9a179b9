/**
 * A model hosted in this process: weights → compiled ONNX graphs (disk cache) → onnxruntime
 * sessions (LRU cache). `forward()` validates the request, right-pads ragged batches, runs and
 * returns only the real positions.
 */
import path from "node:path";
import * as ort from "onnxruntime-node";
import { z } from "zod";
import { kvDecode } from "./generate/kv-decode";
import { validateGenerateRequest } from "./generate/request";
import { checkPatches, patchFeeds, patchFields, preparePatches, type PreparedPatches } from "./activation-patches";
import { getOrCompileGraph, type CachedGraph, type GraphCacheOptions } from "./graph-cache";
import { loadModelWeights } from "./load-weights";
import { ABLATION_INPUT, LOGITS_OUTPUT, hookWidth, normalizeSpec, parseHook, steeringInputName, type GraphSpec } from "./onnx";
import { sharedSessionCache, type SessionCache } from "./session-cache";
import { loadTokenizer } from "./tokenizers/load-tokenizer";
import type {
  ForwardRequest,
  ForwardResult,
  GenerateRequest,
  GenerateResult,
  HookName,
  HostedModel,
  ModelConfig,
  ModelWeights,
  Tokenizer,
} from "./types";

export interface HostedModelOptions extends GraphCacheOptions {
  /** Display name (default: the file name). */
  name?: string;
  /** Session cache (default: the process-wide one). */
  sessionCache?: SessionCache;
  /** Split a request into runs of at most this many padded positions (batch × seq); default 16384. */
  maxBatchTokens?: number;
  /** Also keep each run's outputs (taps + logits, float32) under this many bytes; default 1 GiB. */
  maxOutputBytes?: number;
}

/** Validated, normalised request. */
interface PreparedRequest {
  inputIds: number[][];
  maxLen: number;
  spec: GraphSpec;
  /** block → summed steering vector: [d] (broadcast) or [maxLen * d] (per position). */
  steering: Map<number, Float32Array>;
  /** Orthonormal rows, [k * d]. */
  ablation: { k: number; directions: Float32Array } | null;
  /** Patches and head ablations by hook (spec.patchHooks lists those that reach an output). */
  patches: PreparedPatches;
}

export class OnnxHostedModel implements HostedModel {
  readonly name: string;
  readonly config: ModelConfig;
  private readonly sessions: SessionCache;
  private readonly maxBatchTokens: number;
  private readonly maxOutputBytes: number;
  private readonly schema: ReturnType<typeof forwardRequestSchema>;

  constructor(
    readonly weights: ModelWeights,
    readonly tokenizer: Tokenizer,
    private readonly options: HostedModelOptions = {},
  ) {
    this.name = options.name ?? "model";
    this.config = weights.config;
    this.sessions = options.sessionCache ?? sharedSessionCache();
    this.maxBatchTokens = options.maxBatchTokens ?? 16384;
    this.maxOutputBytes = options.maxOutputBytes ?? 2 ** 30;
    this.schema = forwardRequestSchema(this.config);
  }

  /** Compiles (or finds on disk) the graph for a spec without running it. */
  async prepare(spec: GraphSpec): Promise<CachedGraph> {
    return getOrCompileGraph(this.weights, spec, this.options);
  }

  async forward(request: ForwardRequest): Promise<ForwardResult> {
    const prepared = this.validate(request);
    const graph = await this.prepare(prepared.spec);
    const ns = normalizeSpec(prepared.spec, this.config);
    const outputs = [
      ...ns.hooks.map((h) => ({ name: h.name, width: hookWidth(h, this.config), pattern: h.layout === "pattern" })),
      ...(ns.logits ? [{ name: LOGITS_OUTPUT, width: this.config.vocabSize, pattern: false }] : []),
    ];
    const collected = new Map<string, Float32Array[]>(outputs.map((o) => [o.name, []]));

    await this.sessions.with(graph.key, graph.path, graph.bytes, async (session) => {
      // a pattern output holds nHeads × seq floats per position
      const bytesPerPosition = 4 * outputs.reduce((sum, o) => sum + (o.pattern ? o.width * prepared.maxLen : o.width), 0);
      const tokensPerRun = Math.min(this.maxBatchTokens, Math.floor(this.maxOutputBytes / bytesPerPosition));
      let start = 0;
      for (const chunk of chunkBatch(prepared.inputIds, tokensPerRun)) {
        const S = Math.max(...chunk.map((s) => s.length));
        const feeds = {
          ...this.feeds(chunk, prepared, ns.steeringBlocks, ns.ablationBlocks.length > 0),
          ...patchFeeds(prepared.patches, ns.patchHooks, this.config, start, chunk.length, S),
        };
        const result = await session.run(feeds);
        for (const o of outputs) {
          const tensor = result[o.name];
          if (!tensor || !(tensor.data instanceof Float32Array)) throw new Error(`graph did not return float output ${o.name}`);
          const data = tensor.data;
          const list = collected.get(o.name)!;
          if (o.pattern) {
            const masked = o.name.endsWith(".hook_attn_scores");
            chunk.forEach((seq, b) => list.push(realPatternBlock(data, b, o.width, S, seq.length, masked)));
            continue;
          }
          // views, not copies: one batch's outputs share one buffer (large logits would otherwise be copied again)
          chunk.forEach((seq, b) => list.push(data.subarray(b * S * o.width, (b * S + seq.length) * o.width)));
        }
        start += chunk.length;
      }
    });

    const taps = new Map<HookName, Float32Array[]>();
    for (const h of ns.hooks) taps.set(h.name, collected.get(h.name)!);
    return { logits: ns.logits ? collected.get(LOGITS_OUTPUT)! : null, taps };
  }

  /** Prefill, then one position per step through the KV-cache graph (see generate/kv-decode.ts). */
  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const r = validateGenerateRequest(request, this.config, this.tokenizer, this.name);
    // the forward validation checks the ids and interventions and sums/orthonormalises them
    const prepared = this.validate({ inputIds: r.prompts, taps: [], logits: true, steering: request.steering, ablation: request.ablation });
    const spec: GraphSpec = { ...prepared.spec, kvCache: true };
    const ns = normalizeSpec(spec, this.config);
    const d = this.config.dModel;
    const constantFeeds: Record<string, ort.Tensor> = {};
    for (const L of ns.steeringBlocks) constantFeeds[steeringInputName(L)] = new ort.Tensor("float32", prepared.steering.get(L)!.slice(), [1, 1, d]);
    if (ns.ablationBlocks.length > 0 && prepared.ablation) {
      constantFeeds[ABLATION_INPUT] = new ort.Tensor("float32", prepared.ablation.directions.slice(), [prepared.ablation.k, d]);
    }
    const graph = await this.prepare(spec);
    return this.sessions.with(graph.key, graph.path, graph.bytes, (session) =>
      kvDecode(session, {
        config: this.config,
        prompts: r.prompts,
        maxNewTokens: r.maxNewTokens,
        stopIds: r.stopIds,
        sampling: r.sampling,
        constantFeeds,
        onStep: request.onStep,
        signal: request.signal,
      }),
    );
  }

  private validate(request: ForwardRequest): PreparedRequest {
    const parsed = this.schema.safeParse(request);
    if (!parsed.success) throw new Error(`invalid forward request for ${this.name}: ${z.prettifyError(parsed.error)}`);
    const r = parsed.data;
    const d = this.config.dModel;
    const maxLen = Math.max(...r.inputIds.map((s) => s.length));

    const steering = new Map<number, Float32Array>();
    for (const s of r.steering ?? []) {
      const prev = steering.get(s.afterBlock);
      if (!prev) steering.set(s.afterBlock, Float32Array.from(s.vector));
      else steering.set(s.afterBlock, addVectors(prev, s.vector, d));
    }
    let ablation: PreparedRequest["ablation"] = null;
    if (r.ablation) {
      const rows = orthonormalize(r.ablation.directions, d);
      if (rows.length === 0) throw new Error(`invalid forward request for ${this.name}: ablation directions are all zero`);
      const directions = new Float32Array(rows.length * d);
      rows.forEach((row, i) => directions.set(row, i * d));
      ablation = { k: rows.length, directions };
    }
    const patches = preparePatches(r, this.config);
    for (const [block, vector] of steering) {
      if (vector.length !== d && vector.length !== maxLen * d) {
        throw new Error(`steering after block ${block}: vector length ${vector.length} is neither d (${d}) nor seq × d (${maxLen} × ${d})`);
      }
    }
    return {
      inputIds: r.inputIds,
      maxLen,
      spec: {
        taps: r.taps,
        logits: r.logits,
        steeringBlocks: [...steering.keys()],
        ablationBlocks: ablation ? r.ablation?.blocks ?? [] : [],
        patchHooks: [...patches.keys()],
      },
      steering,
      ablation,
      patches,
    };
  }

  private feeds(chunk: number[][], req: PreparedRequest, steeringBlocks: number[], withAblation: boolean): Record<string, ort.Tensor> {
    const B = chunk.length;
    const S = Math.max(...chunk.map((s) => s.length));
    const ids = new BigInt64Array(B * S);
    const mask = new BigInt64Array(B * S);
    chunk.forEach((seq, b) => {
      seq.forEach((id, t) => {
        ids[b * S + t] = BigInt(id);
        mask[b * S + t] = 1n;
      });
    });
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor("int64", ids, [B, S]),
      attention_mask: new ort.Tensor("int64", mask, [B, S]),
    };
    const d = this.config.dModel;
    for (const L of steeringBlocks) {
      const v = req.steering.get(L);
      if (!v) throw new Error(`internal: no steering vector for block ${L}`);
      feeds[steeringInputName(L)] =
        v.length === d ? new ort.Tensor("float32", v.slice(), [1, 1, d]) : new ort.Tensor("float32", v.slice(0, S * d), [1, S, d]);
    }
    if (withAblation) {
      if (!req.ablation) throw new Error("internal: ablation graph without directions");
      feeds[ABLATION_INPUT] = new ort.Tensor("float32", req.ablation.directions.slice(), [req.ablation.k, d]);
    }
    return feeds;
  }
}

/** zod schema for a ForwardRequest against one model's shape. */
export function forwardRequestSchema(config: ModelConfig) {
  const block = z
    .number()
    .int()
    .min(0, { message: `block index must be ≥ 0` })
    .max(config.nLayers - 1, { message: `block index must be < ${config.nLayers} (the model has ${config.nLayers} blocks)` });
  const finiteVector = z
    .instanceof(Float32Array, { message: "expected a Float32Array" })
    .refine((v) => v.every(Number.isFinite), { message: "vector contains NaN or infinite values" });
  return z
    .object({
      inputIds: z
        .array(
          z
            .array(z.number().int().min(0).max(config.vocabSize - 1, { message: `token id must be < vocab size ${config.vocabSize}` }))
            .min(1, { message: "empty sequence" })
            .max(config.contextLength, { message: `sequence longer than the context length ${config.contextLength}` }),
        )
        .min(1, { message: "empty batch" }),
      taps: z.array(z.string()),
      logits: z.boolean(),
      steering: z.array(z.object({ afterBlock: block, vector: finiteVector })).optional(),
      ablation: z
        .object({
          blocks: z.array(block).min(1, { message: "ablation needs at least one block" }),
          directions: z
            .array(finiteVector.refine((v) => v.length === config.dModel, { message: `direction length must be d = ${config.dModel}` }))
            .min(1, { message: "ablation needs at least one direction" }),
        })
        .optional(),
      ...patchFields(config),
    })
    .superRefine((r, ctx) => {
      checkPatches(r, ctx, config);
      r.taps.forEach((name, i) => {
        try {
          parseHook(name, config);
        } catch (err) {
          ctx.addIssue({ code: "custom", path: ["taps", i], message: (err as Error).message });
        }
      });
      if (r.taps.length === 0 && !r.logits) ctx.addIssue({ code: "custom", path: ["taps"], message: "request neither taps nor logits" });
      const maxLen = Math.max(0, ...r.inputIds.map((s) => s.length));
      const d = config.dModel;
      (r.steering ?? []).forEach((s, i) => {
        if (s.vector.length !== d && s.vector.length !== maxLen * d) {
          ctx.addIssue({
            code: "custom",
            path: ["steering", i, "vector"],
            message: `length ${s.vector.length} is neither d (${d}) nor seq × d (${maxLen} × ${d})`,
          });
        }
      });
    });
}

function addVectors(a: Float32Array, b: Float32Array, d: number): Float32Array {
  if (a.length === b.length) return a.map((v, i) => v + b[i]!);
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  if (short.length !== d) throw new Error("steering vectors of incompatible lengths");
  return long.map((v, i) => v + short[i % d]!);
}

/** Modified Gram–Schmidt in float64; drops (near-)dependent and zero directions. */
export function orthonormalize(vectors: Float32Array[], d: number): Float32Array[] {
  const basis: Float64Array[] = [];
  for (const v of vectors) {
    const w = Float64Array.from(v);
    const norm0 = l2(w);
    if (norm0 === 0) continue;
    for (let pass = 0; pass < 2; pass++) {
      for (const u of basis) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += w[i]! * u[i]!;
        for (let i = 0; i < d; i++) w[i] = w[i]! - dot * u[i]!;
      }
    }
    const norm = l2(w);
    if (norm <= 1e-6 * norm0) continue;
    basis.push(w.map((x) => x / norm));
  }
  return basis.map((b) => Float32Array.from(b));
}

function l2(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/**
 * Sequence b's real [nHeads × len × len] block of a [batch, nHeads, S, S] pattern output (a copy);
 * with `maskFuture`, keys after the query (hidden by the causal mask) read -Infinity.
 */
function realPatternBlock(data: Float32Array, b: number, H: number, S: number, len: number, maskFuture: boolean): Float32Array {
  const out = new Float32Array(H * len * len);
  for (let h = 0; h < H; h++) {
    for (let q = 0; q < len; q++) {
      const src = ((b * H + h) * S + q) * S;
      const dst = (h * len + q) * len;
      out.set(data.subarray(src, src + len), dst);
      if (maskFuture) out.fill(-Infinity, dst + q + 1, dst + len);
    }
  }
  return out;
}

/** Consecutive groups whose padded size (count × longest) stays within the budget. */
function chunkBatch(seqs: number[][], maxTokens: number): number[][][] {
  const chunks: number[][][] = [];
  let current: number[][] = [];
  let longest = 0;
  for (const s of seqs) {
    const nextLongest = Math.max(longest, s.length);
    if (current.length > 0 && (current.length + 1) * nextLongest > maxTokens) {
      chunks.push(current);
      current = [];
      longest = 0;
    }
    current.push(s);
    longest = Math.max(longest, s.length);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** A tokenizer placeholder for models built in memory without a vocabulary (benchmarks, tests). */
export function noTokenizer(vocabSize: number): Tokenizer {
  const fail = (): never => {
    throw new Error("this model was created without a tokenizer");
  };
  return { vocabSize, bosId: null, eosId: null, encode: fail, decode: fail, piece: (id) => `<${id}>` };
}

/** Loads a .gguf file or a Hugging Face model directory (weights and tokenizer) and hosts it. */
export async function loadHostedModel(modelPath: string, options: HostedModelOptions = {}): Promise<OnnxHostedModel> {
  const weights = await loadModelWeights(modelPath);
  const tokenizer = loadTokenizer(modelPath);
  return new OnnxHostedModel(weights, tokenizer, { ...options, name: options.name ?? modelNameFromPath(modelPath) });
}

/** Hosts weights already in memory. */
export function createHostedModel(weights: ModelWeights, tokenizer: Tokenizer | null, options: HostedModelOptions = {}): OnnxHostedModel {
  return new OnnxHostedModel(weights, tokenizer ?? noTokenizer(weights.config.vocabSize), options);
}

export function modelNameFromPath(modelPath: string): string {
  return path.basename(modelPath.replace(/[\\/]+$/, ""));
}
