/**
 * The contract between the runtime's parts (loaders, tokenizers, graph compiler, sessions)
 * and its users (probe methods, job handlers, benchmarks). Keep this file small and stable.
 */

export type Architecture = "llama" | "qwen2" | "qwen3" | "gpt2";

/**
 * How query/key weights are laid out for RoPE.
 * - "adjacent-pairs": GGUF `llama` (llama.cpp permutes q/k so dims (0,1),(2,3),... rotate together).
 * - "rotate-half":    Hugging Face and GGUF qwen2/qwen3 (dims i and i + headDim/2 rotate together).
 */
export type RopeLayout = "adjacent-pairs" | "rotate-half";

export interface ModelConfig {
  architecture: Architecture;
  nLayers: number;
  dModel: number;
  nHeads: number;
  nKvHeads: number;
  headDim: number;
  dFfn: number;
  vocabSize: number;
  contextLength: number;
  /** RMSNorm eps (llama/qwen) or LayerNorm eps (gpt2). */
  normEps: number;
  /** null for gpt2 (learned absolute positions). */
  ropeTheta: number | null;
  ropeLayout: RopeLayout | null;
  /** Output matrix shared with the token embedding. */
  tiedEmbeddings: boolean;
  /** q/k/v projections carry biases (qwen2, gpt2). */
  attentionBias: boolean;
  /** Per-head RMSNorm on q and k before RoPE (qwen3). */
  qkNorm: boolean;
}

/** A dense float32 tensor, row-major. Linear weights are [out, in] like PyTorch's nn.Linear. */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/**
 * Weights in one canonical naming, whatever file they came from (names follow GGUF's):
 *   token_embd.weight [vocab, d]; position_embd.weight [ctx, d] (gpt2)
 *   blk.{L}.attn_norm.weight [d] (+ .bias for gpt2)
 *   blk.{L}.attn_q.weight [nHeads*headDim, d], attn_k / attn_v [nKvHeads*headDim, d] (+ .bias where attentionBias)
 *   blk.{L}.attn_q_norm.weight / attn_k_norm.weight [headDim] (qwen3)
 *   blk.{L}.attn_output.weight [d, nHeads*headDim] (+ .bias for gpt2)
 *   blk.{L}.ffn_norm.weight [d] (+ .bias for gpt2)
 *   blk.{L}.ffn_gate.weight [dFfn, d], ffn_up.weight [dFfn, d], ffn_down.weight [d, dFfn]   (llama/qwen, SwiGLU)
 *   blk.{L}.ffn_up.weight [dFfn, d] (+ .bias), ffn_down.weight [d, dFfn] (+ .bias)          (gpt2, GELU)
 *   output_norm.weight [d] (+ .bias for gpt2); output.weight [vocab, d] (absent when tiedEmbeddings)
 * q/k rows stay in the file's RoPE layout, recorded in config.ropeLayout.
 */
export interface ModelWeights {
  config: ModelConfig;
  tensors: Map<string, Tensor>;
  /** sha256 (hex) of the source weights file(s); keys compiled-graph caches. */
  sha256: string;
}

export interface Encoding {
  ids: number[];
  /** For each id, the [start, end) character range of the input text it covers; [0, 0] for BOS. */
  offsets: Array<[number, number]>;
}

export interface Tokenizer {
  readonly vocabSize: number;
  readonly bosId: number | null;
  readonly eosId: number | null;
  encode(text: string, options?: { addBos?: boolean }): Encoding;
  decode(ids: number[]): string;
  /** The piece for one id, as stored in the vocabulary. */
  piece(id: number): string;
}

/** TransformerLens hook point names: hook_embed, blocks.{L}.hook_resid_pre, ... */
export type HookName = string;

export interface SteeringIntervention {
  /** Add `vector` to the residual stream after this block (0-based). */
  afterBlock: number;
  /** [d] broadcast to every position, or [seq * d] one vector per position. */
  vector: Float32Array;
}

export interface AblationIntervention {
  /** Blocks (0-based) after which the directions are projected out of the residual stream. */
  blocks: number[];
  /** Orthonormalised by the runtime; each of length d. */
  directions: Float32Array[];
}

export interface ForwardRequest {
  /** A batch of token-id sequences (BOS included by the caller); ragged batches are right-padded internally. */
  inputIds: number[][];
  taps: HookName[];
  logits: boolean;
  steering?: SteeringIntervention[];
  ablation?: AblationIntervention;
  /** Replace activations at a hook, per sequence of the batch (one forward can patch each sequence differently). */
  patches?: ActivationPatch[];
  /** Zero- or mean-ablate attention heads (their hook_z) at every position. */
  headAblation?: HeadAblation[];
}

/**
 * Replaces a hook's activation in the stream, so everything downstream (and the hook's own tap)
 * sees the replacement. Patches apply after steering/ablation at hook_resid_post, and override a
 * head ablation where both touch the same head and position.
 */
export interface ActivationPatch {
  /** blocks.{L}.hook_resid_pre | hook_resid_post | hook_attn_out | hook_mlp_out | mlp.hook_post | attn.hook_z */
  hook: HookName;
  /** Same length as inputIds; null leaves that sequence untouched. */
  perSequence: Array<PatchValues | null>;
}

export interface PatchValues {
  /** Distinct positions of the sequence (0-based, < its length). */
  positions: number[];
  /** attn.hook_z only: the distinct heads to replace (default: all heads). */
  heads?: number[];
  /** Row-major: positions.length × (hook_z ? heads.length × headDim : width). */
  values: Float32Array;
}

export interface HeadAblation {
  layer: number;
  heads: number[];
  mode: "zero" | "mean";
  /** mode "mean": the mean hook_z of each listed head, heads.length × headDim. */
  means?: Float32Array;
}

export interface ForwardResult {
  /** Per sequence, [len * vocab] (only the real positions). */
  logits: Float32Array[] | null;
  /**
   * Per hook, per sequence, [len * width] (only the real positions); attn.hook_attn_scores and
   * attn.hook_pattern are [nHeads * len * len] (query rows, key columns; masked scores are -Infinity).
   */
  taps: Map<HookName, Float32Array[]>;
}

export interface GenerateRequest {
  /** Token ids including BOS; ragged batches allowed. */
  prompts: number[][];
  maxNewTokens: number;
  /** Default: [tokenizer.eosId] when the tokenizer has one. The stop id is included in the output. */
  stopIds?: number[];
  /** Absent or temperature 0 → greedy (argmax, ties → lowest id). */
  sampling?: { temperature: number; topP: number; seed: number };
  /** [d] vectors only; added after the block at every position, prompt and generated alike. */
  steering?: SteeringIntervention[];
  ablation?: AblationIntervention;
  /** Awaited after every step with the token each sequence produced (null once it has stopped). */
  onStep?: (step: number, tokens: Array<number | null>) => void | Promise<void>;
  /** Checked between steps; throws its reason when aborted. */
  signal?: AbortSignal;
}

export interface GenerateResult {
  /** Generated ids only, per prompt (the stop id included when hit). */
  tokens: number[][];
  /** log p of each generated token under the (steered) model's temperature-1 distribution. */
  logProbs: number[][];
  stoppedBy: Array<"stop" | "budget">;
}

/** A model ready to run in this process. */
export interface HostedModel {
  readonly name: string;
  readonly config: ModelConfig;
  readonly tokenizer: Tokenizer;
  forward(request: ForwardRequest): Promise<ForwardResult>;
  /** Autoregressive generation with a KV cache (prefill, then one position per step). */
  generate(request: GenerateRequest): Promise<GenerateResult>;
}
