/**
 * TransformerLens hook-point names understood by the compiler, and the graph spec (which taps,
 * logits or not, which intervention and patch inputs) that determines one compiled graph.
 */
import type { ModelConfig } from "../types";

export type HookKind =
  | "embed"
  | "pos_embed"
  | "resid_pre"
  | "resid_post"
  | "attn_out"
  | "mlp_out"
  | "mlp_post"
  | "attn_q"
  | "attn_k"
  | "attn_v"
  | "attn_scores"
  | "attn_pattern"
  | "attn_z";

/**
 * How one sequence's activation at a hook is laid out:
 * - "positions": [len × width] (one row per position);
 * - "pattern": [nHeads × len × len] (query rows, key columns): hook_attn_scores and hook_pattern.
 */
export type HookLayout = "positions" | "pattern";

export interface ParsedHook {
  name: string;
  kind: HookKind;
  /** Block index; -1 for embedding hooks. */
  layer: number;
  layout: HookLayout;
}

/** The attention hook suffixes after `blocks.{L}.attn.` (TransformerLens names). */
export type AttentionTapKind = "q" | "k" | "v" | "attn_scores" | "pattern" | "z";

const ATTENTION_KINDS: Record<AttentionTapKind, HookKind> = {
  q: "attn_q",
  k: "attn_k",
  v: "attn_v",
  attn_scores: "attn_scores",
  pattern: "attn_pattern",
  z: "attn_z",
};

const BLOCK_HOOKS: Record<string, HookKind> = {
  hook_resid_pre: "resid_pre",
  hook_resid_post: "resid_post",
  hook_attn_out: "attn_out",
  hook_mlp_out: "mlp_out",
  "mlp.hook_post": "mlp_post",
  ...Object.fromEntries(Object.entries(ATTENTION_KINDS).map(([suffix, kind]) => [`attn.hook_${suffix}`, kind])),
};

/** `blocks.{layer}.attn.hook_{kind}`, e.g. attentionHookName(2, "pattern") → "blocks.2.attn.hook_pattern". */
export function attentionHookName(layer: number, kind: AttentionTapKind): string {
  return `blocks.${layer}.attn.hook_${kind}`;
}
/** The contract's name for attentionHookName. */
export const attentionTap = attentionHookName;

/** Hooks whose activation a forward request may replace (ForwardRequest.patches). */
export const PATCHABLE_KINDS: ReadonlySet<HookKind> = new Set<HookKind>(["resid_pre", "resid_post", "attn_out", "mlp_out", "mlp_post", "attn_z"]);

export const SUPPORTED_HOOKS_HELP =
  "hook_embed, hook_pos_embed (gpt2), blocks.{L}.hook_resid_pre, blocks.{L}.hook_resid_post, " +
  "blocks.{L}.hook_attn_out, blocks.{L}.hook_mlp_out, blocks.{L}.mlp.hook_post, " +
  "blocks.{L}.attn.hook_q, blocks.{L}.attn.hook_k, blocks.{L}.attn.hook_v (per position; q and k after qk-norm, before RoPE), " +
  "blocks.{L}.attn.hook_z (per position, heads × headDim, before the output projection), " +
  "blocks.{L}.attn.hook_attn_scores, blocks.{L}.attn.hook_pattern (heads × len × len)";

export const PATCHABLE_HOOKS_HELP =
  "blocks.{L}.hook_resid_pre, blocks.{L}.hook_resid_post, blocks.{L}.hook_attn_out, blocks.{L}.hook_mlp_out, " +
  "blocks.{L}.mlp.hook_post, blocks.{L}.attn.hook_z";

/** Parses and validates a hook name against a model; throws a readable error. */
export function parseHook(name: string, config: ModelConfig): ParsedHook {
  if (name === "hook_embed") return { name, kind: "embed", layer: -1, layout: "positions" };
  if (name === "hook_pos_embed") {
    if (config.architecture !== "gpt2") throw new Error(`hook_pos_embed exists only for gpt2 (learned positions)`);
    return { name, kind: "pos_embed", layer: -1, layout: "positions" };
  }
  const m = /^blocks\.(\d+)\.(.+)$/.exec(name);
  const kind = m ? BLOCK_HOOKS[m[2] ?? ""] : undefined;
  if (!m || !kind) throw new Error(`unknown hook "${name}"; supported: ${SUPPORTED_HOOKS_HELP}`);
  const layer = Number(m[1]);
  if (!Number.isSafeInteger(layer) || layer >= config.nLayers) {
    throw new Error(`hook "${name}": block ${m[1]} out of range (model has ${config.nLayers} blocks, 0..${config.nLayers - 1})`);
  }
  const layout: HookLayout = kind === "attn_scores" || kind === "attn_pattern" ? "pattern" : "positions";
  return { name, kind, layer, layout };
}

/** Parses a hook that may be patched; throws a readable error for any other. */
export function parsePatchableHook(name: string, config: ModelConfig): ParsedHook {
  const hook = parseHook(name, config);
  if (!PATCHABLE_KINDS.has(hook.kind)) throw new Error(`hook "${name}" cannot be patched; patchable hooks: ${PATCHABLE_HOOKS_HELP}`);
  return hook;
}

/**
 * Width of one position's activation at a "positions" hook; for a "pattern" hook, the number of
 * heads (its activation is [nHeads × len × len]).
 */
export function hookWidth(hook: ParsedHook, config: ModelConfig): number {
  switch (hook.kind) {
    case "mlp_post":
      return config.dFfn;
    case "attn_q":
    case "attn_z":
      return config.nHeads * config.headDim;
    case "attn_k":
    case "attn_v":
      return config.nKvHeads * config.headDim;
    case "attn_scores":
    case "attn_pattern":
      return config.nHeads;
    default:
      return config.dModel;
  }
}

/** Per-position width of an attention tap (heads for the pattern taps: their rows are [nHeads × len × len]). */
export function attentionTapWidth(kind: AttentionTapKind, config: ModelConfig): number {
  const hookKind = ATTENTION_KINDS[kind];
  const layout: HookLayout = hookKind === "attn_scores" || hookKind === "attn_pattern" ? "pattern" : "positions";
  return hookWidth({ name: attentionHookName(0, kind), kind: hookKind, layer: 0, layout }, config);
}

/** Floats one sequence of `len` positions holds at this hook. */
export function hookSize(hook: ParsedHook, config: ModelConfig, len: number): number {
  return hook.layout === "pattern" ? config.nHeads * len * len : len * hookWidth(hook, config);
}

export interface GraphSpec {
  taps: string[];
  logits: boolean;
  /** Blocks after which a steering vector input `steer.{L}` is added. */
  steeringBlocks: number[];
  /** Blocks after which the directions input `ablate.directions` is projected out. */
  ablationBlocks: number[];
  /** Hooks replaced through `patch.{hook}.values` / `patch.{hook}.mask` inputs (absent: none). */
  patchHooks?: string[];
  /**
   * Incremental decoding graph: past_key.{L}/past_value.{L} inputs, present_* outputs, the mask
   * spans past + current positions, and logits only for the last position (no taps).
   */
  kvCache?: boolean;
}

export interface NormalizedSpec extends GraphSpec {
  kvCache: boolean;
  hooks: ParsedHook[];
  patchHooks: string[];
  /** Last block whose output residual stream is needed (-1: none). */
  lastStreamBlock: number;
  /** Last block that must be computed at all (-1: none). */
  lastBlock: number;
}

/**
 * Order of hook points inside block L: a patch or intervention at a point can change only outputs
 * at that point or later. Steering/ablation after block L act just before hook_resid_post.
 */
const POINT_IN_BLOCK: Record<HookKind, number> = {
  embed: -1,
  pos_embed: -1,
  resid_pre: 0,
  attn_q: 1,
  attn_k: 1,
  attn_v: 1,
  attn_scores: 2,
  attn_pattern: 3,
  attn_z: 4,
  attn_out: 5,
  mlp_post: 6,
  mlp_out: 7,
  resid_post: 9,
};
const POINTS_PER_BLOCK = 10;
const STREAM_INTERVENTION_POINT = 8;

function hookPoint(hook: ParsedHook): number {
  return hook.layer < 0 ? -1 : hook.layer * POINTS_PER_BLOCK + POINT_IN_BLOCK[hook.kind];
}

/**
 * Validates a spec, sorts/deduplicates it and drops interventions and patches that cannot affect
 * any output. Two specs that normalise equal compile to the same graph.
 */
export function normalizeSpec(spec: GraphSpec, config: ModelConfig): NormalizedSpec {
  const taps = [...new Set(spec.taps)].sort();
  const hooks = taps.map((t) => parseHook(t, config));
  if (!spec.logits && hooks.length === 0) throw new Error("nothing to compute: no taps and no logits requested");
  const kvCache = spec.kvCache === true;
  if (kvCache && (!spec.logits || hooks.length > 0)) throw new Error("a KV-cache graph computes logits only (no taps)");
  if (kvCache && (spec.patchHooks ?? []).length > 0) throw new Error("a KV-cache graph takes no activation patches");
  let lastStreamBlock = spec.logits ? config.nLayers - 1 : -1;
  let lastBlock = lastStreamBlock;
  let lastPoint = spec.logits ? config.nLayers * POINTS_PER_BLOCK : -1;
  for (const h of hooks) {
    if (h.kind === "resid_pre") lastStreamBlock = Math.max(lastStreamBlock, h.layer - 1);
    else if (h.kind === "resid_post") lastStreamBlock = Math.max(lastStreamBlock, h.layer);
    lastBlock = Math.max(lastBlock, h.layer);
    lastPoint = Math.max(lastPoint, hookPoint(h));
  }
  lastBlock = Math.max(lastBlock, lastStreamBlock);
  const blocks = (list: number[], what: string): number[] => {
    for (const b of list) {
      if (!Number.isSafeInteger(b) || b < 0 || b >= config.nLayers) {
        throw new Error(`${what} block ${b} out of range (model has ${config.nLayers} blocks, 0..${config.nLayers - 1})`);
      }
    }
    return [...new Set(list)].filter((b) => b * POINTS_PER_BLOCK + STREAM_INTERVENTION_POINT <= lastPoint).sort((a, b) => a - b);
  };
  const patchHooks = [...new Set(spec.patchHooks ?? [])]
    .sort()
    .filter((name) => hookPoint(parsePatchableHook(name, config)) <= lastPoint);
  return {
    taps,
    logits: spec.logits,
    steeringBlocks: blocks(spec.steeringBlocks, "steering"),
    ablationBlocks: blocks(spec.ablationBlocks, "ablation"),
    kvCache,
    patchHooks,
    hooks,
    lastStreamBlock,
    lastBlock,
  };
}

export const steeringInputName = (block: number): string => `steer.${block}`;
export const ABLATION_INPUT = "ablate.directions";
export const LOGITS_OUTPUT = "logits";
/** Graph inputs of a patched hook: values [batch, seq, width] and mask [batch, seq, 1] ([batch, seq, nHeads, 1] for hook_z). */
export const patchValuesInputName = (hook: string): string => `patch.${hook}.values`;
export const patchMaskInputName = (hook: string): string => `patch.${hook}.mask`;
export const pastKeyInputName = (block: number): string => `past_key.${block}`;
export const pastValueInputName = (block: number): string => `past_value.${block}`;
export const presentKeyOutputName = (block: number): string => `present_key.${block}`;
export const presentValueOutputName = (block: number): string => `present_value.${block}`;
