/**
 * ModelWeights + GraphSpec → an ONNX graph (GraphBuilder, ready for serialize.ts).
 *
 * Inputs:  input_ids [batch, seq] int64, attention_mask [batch, seq] int64 (1 = real token),
 *          steer.{L} [batch|1, seq|1, d] float per steered block, ablate.directions [k, d] float,
 *          patch.{hook}.values [batch, seq, width] + patch.{hook}.mask [batch, seq, 1] per patched hook
 *          (hook_z: mask [batch, seq, nHeads, 1]; see interventions.ts).
 * Outputs: the requested hooks [batch, seq, width] (named as the hook; attn.hook_attn_scores and
 *          hook_pattern are [batch, nHeads, seq, seq]) and optionally logits [batch, seq, vocab].
 *          Blocks after the last one an output depends on are not built.
 *
 * With spec.kvCache (incremental decoding) input_ids holds only the new tokens, attention_mask is
 * [batch, past + seq], past_key.{L} / past_value.{L} [batch, nKvHeads, past, headDim] (past may be 0;
 * slots whose mask is 0 are ignored, so a caller can pass a preallocated buffer as is) come in,
 * present_key.{L} / present_value.{L} [batch, nKvHeads, seq, headDim] (the new positions' keys after
 * RoPE and values only) go out, and logits are [batch, 1, vocab] for the last position only, with
 * log_normalizer [batch, 1] = log Σ exp(logits) (log-probability = logit − log_normalizer).
 */
import type { ModelConfig, ModelWeights } from "../types";
import { GraphBuilder, type Value } from "./builder";
import { transformerBlock } from "./block";
import type { BuildContext, SequenceInfo } from "./context";
import {
  ABLATION_INPUT,
  LOGITS_OUTPUT,
  hookWidth,
  normalizeSpec,
  pastKeyInputName,
  pastValueInputName,
  presentKeyOutputName,
  presentValueOutputName,
  steeringInputName,
  type GraphSpec,
  type HookLayout,
  type NormalizedSpec,
} from "./hooks";
import { ablate, applyPatch, patchInputs, steer } from "./interventions";
import { modelNorm } from "./norms";
import { kvSequenceInfo, sequenceInfo } from "./positions";
import { WeightBinder } from "./weights";

/** KV-cache graphs only: log Σ exp(logits) of each row, [batch, 1]. */
export const LOG_NORMALIZER_OUTPUT = "log_normalizer";

/** Bump whenever the emitted graph changes for the same weights and spec (keys the disk cache). */
export const COMPILER_VERSION = "mechmap-onnx-3";

export interface GraphOutputInfo {
  name: string;
  /** "positions" outputs are [batch, seq, width]; "pattern" outputs [batch, width = nHeads, seq, seq]. */
  width: number;
  layout: HookLayout;
}

export interface CompiledGraph {
  builder: GraphBuilder;
  spec: NormalizedSpec;
  /** Graph input names, in addition to input_ids and attention_mask. */
  interventionInputs: string[];
  outputs: GraphOutputInfo[];
}

export function compileGraph(weights: ModelWeights, spec: GraphSpec): CompiledGraph {
  const config = weights.config;
  validateConfig(config);
  const ns = normalizeSpec(spec, config);
  const g = new GraphBuilder(`mechmap_${config.architecture}`);
  const ctx: BuildContext = { g, w: new WeightBinder(g, weights), config };
  const { dModel: d, vocabSize: V } = config;

  const inputIds = g.input("input_ids", "int64", ["batch", "seq"]);
  const mask = g.input("attention_mask", "int64", ["batch", ns.kvCache ? "total" : "seq"]);
  const presents: Array<{ layer: number; key: Value; value: Value }> = [];
  if (ns.kvCache) {
    const { nKvHeads: KvH, headDim: D } = config;
    const past = Array.from({ length: config.nLayers }, (_, L) => ({
      key: g.input(pastKeyInputName(L), "float", ["batch", KvH, "past", D]),
      value: g.input(pastValueInputName(L), "float", ["batch", KvH, "past", D]),
    }));
    ctx.kvCache = {
      past: (L) => past[L]!,
      presentNames: (L) => ({ key: presentKeyOutputName(L), value: presentValueOutputName(L) }),
      present: (layer, key, value) => void presents.push({ layer, key, value }),
    };
  }
  const steering = new Map<number, Value>();
  for (const L of ns.steeringBlocks) steering.set(L, g.input(steeringInputName(L), "float", ["steer_batch", "steer_seq", d]));
  let directions: { u: Value; uT: Value } | null = null;
  if (ns.ablationBlocks.length > 0) {
    const u = g.input(ABLATION_INPUT, "float", ["n_directions", d]);
    directions = { u, uT: g.transpose(u, [1, 0]) };
  }
  const ablated = new Set(ns.ablationBlocks);

  const wanted = new Set(ns.taps);
  const tapValues = new Map<string, Value>();
  const tap = (name: string, value: Value): void => {
    if (wanted.has(name)) tapValues.set(name, value);
  };
  const patches = patchInputs(ctx, ns.patchHooks);
  const hooks = {
    tap: (name: string, make: () => Value): void => {
      if (wanted.has(name)) tapValues.set(name, make());
    },
    hook: (name: string, value: Value): Value => {
      const patch = patches.get(name);
      const out = patch ? applyPatch(ctx, value, patch) : value;
      tap(name, out);
      return out;
    },
  };
  ctx.hooks = hooks;

  let seqInfoCache: SequenceInfo | null = null;
  const seqInfo = (): SequenceInfo => (seqInfoCache ??= (ns.kvCache ? kvSequenceInfo : sequenceInfo)(ctx, inputIds, mask));

  const embed = g.gather(ctx.w.plain("token_embd.weight", [V, d]), inputIds);
  tap("hook_embed", embed);
  let resid = embed;
  if (config.architecture === "gpt2" && (ns.lastBlock >= 0 || wanted.has("hook_pos_embed"))) {
    const pos = g.gather(ctx.w.plain("position_embd.weight", [config.contextLength, d]), seqInfo().positionIds);
    tap("hook_pos_embed", pos);
    resid = g.add(embed, pos);
  }

  for (let L = 0; L <= ns.lastBlock; L++) {
    resid = hooks.hook(`blocks.${L}.hook_resid_pre`, resid);
    const block = transformerBlock(ctx, resid, L, seqInfo());
    let post = block.residPost;
    const vector = steering.get(L);
    if (vector) post = steer(ctx, post, vector);
    if (directions && ablated.has(L)) post = ablate(ctx, post, directions.u, directions.uT);
    resid = hooks.hook(`blocks.${L}.hook_resid_post`, post);
  }

  const outputs: GraphOutputInfo[] = [];
  for (const hook of ns.hooks) {
    const value = tapValues.get(hook.name);
    if (!value) throw new Error(`internal: hook ${hook.name} was not produced`);
    const width = hookWidth(hook, config);
    g.output(value, hook.name, "float", hook.layout === "pattern" ? ["batch", width, "seq", "seq"] : ["batch", "seq", width]);
    outputs.push({ name: hook.name, width, layout: hook.layout });
  }
  if (ns.logits) {
    // decoding needs only the last position's next-token logits
    const last = ns.kvCache ? g.gather(resid, g.constInt64([-1]), 1) : resid;
    const final = modelNorm(ctx, last, "output_norm");
    const head = ctx.w.plain(config.tiedEmbeddings ? "token_embd.weight" : "output.weight", [V, d]);
    // Gemm with transB reads the [vocab, d] matrix as stored (no transposed copy of a tied embedding)
    const flat = g.gemmTransB(g.reshape(final, [-1, d]), head);
    if (ns.kvCache) {
      g.output(g.reshape(flat, [-1, 1, V]), LOGITS_OUTPUT, "float", ["batch", 1, V]);
      // log Σ exp(logits) per row, so a decoder reads each token's log-probability without a softmax in JS
      g.output(g.node("ReduceLogSumExp", [flat], { axes: [1], keepdims: 1 }), LOG_NORMALIZER_OUTPUT, "float", ["batch", 1]);
    } else {
      const shape = g.concat([g.shape(inputIds), g.constInt64([V])], 0);
      g.output(g.reshape(flat, shape), LOGITS_OUTPUT, "float", ["batch", "seq", V]);
    }
    outputs.push({ name: LOGITS_OUTPUT, width: V, layout: "positions" });
  }
  for (const p of presents) {
    const dims = ["batch", config.nKvHeads, "seq", config.headDim];
    g.output(p.key, presentKeyOutputName(p.layer), "float", dims);
    g.output(p.value, presentValueOutputName(p.layer), "float", dims);
  }

  return {
    builder: g,
    spec: ns,
    interventionInputs: [
      ...ns.steeringBlocks.map(steeringInputName),
      ...(directions ? [ABLATION_INPUT] : []),
      ...[...patches.values()].flatMap((p) => [p.valuesName, p.maskName]),
    ],
    outputs,
  };
}

export function validateConfig(c: ModelConfig): void {
  const problems: string[] = [];
  for (const key of ["nLayers", "dModel", "nHeads", "nKvHeads", "headDim", "dFfn", "vocabSize", "contextLength"] as const) {
    if (!Number.isSafeInteger(c[key]) || c[key] <= 0) problems.push(`${key} must be a positive integer (got ${c[key]})`);
  }
  if (c.nHeads % c.nKvHeads !== 0) problems.push(`nHeads ${c.nHeads} must be a multiple of nKvHeads ${c.nKvHeads}`);
  const rope = c.architecture !== "gpt2";
  if (rope && (c.ropeTheta === null || c.ropeLayout === null)) problems.push(`${c.architecture} needs ropeTheta and ropeLayout`);
  if (rope && c.headDim % 2 !== 0) problems.push(`RoPE needs an even headDim (got ${c.headDim})`);
  if (!rope && c.ropeTheta !== null) problems.push("gpt2 uses learned positions; ropeTheta must be null");
  if (problems.length > 0) throw new Error(`unsupported model config: ${problems.join("; ")}`);
}
