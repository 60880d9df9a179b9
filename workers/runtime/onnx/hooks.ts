/**
 * TransformerLens hook-point names understood by the compiler, and the graph spec (which taps,
 * logits or not, which intervention inputs) that determines one compiled graph.
 */
import type { ModelConfig } from "../types";

export type HookKind =
  | "embed"
  | "pos_embed"
  | "resid_pre"
  | "resid_post"
  | "attn_out"
  | "mlp_out"
  | "mlp_post";

export interface ParsedHook {
  name: string;
  kind: HookKind;
  /** Block index; -1 for embedding hooks. */
  layer: number;
}

const BLOCK_HOOKS: Record<string, HookKind> = {
  hook_resid_pre: "resid_pre",
  hook_resid_post: "resid_post",
  hook_attn_out: "attn_out",
  hook_mlp_out: "mlp_out",
  "mlp.hook_post": "mlp_post",
};

export const SUPPORTED_HOOKS_HELP =
  "hook_embed, hook_pos_embed (gpt2), blocks.{L}.hook_resid_pre, blocks.{L}.hook_resid_post, " +
  "blocks.{L}.hook_attn_out, blocks.{L}.hook_mlp_out, blocks.{L}.mlp.hook_post";

/** Parses and validates a hook name against a model; throws a readable error. */
export function parseHook(name: string, config: ModelConfig): ParsedHook {
  if (name === "hook_embed") return { name, kind: "embed", layer: -1 };
  if (name === "hook_pos_embed") {
    if (config.architecture !== "gpt2") throw new Error(`hook_pos_embed exists only for gpt2 (learned positions)`);
    return { name, kind: "pos_embed", layer: -1 };
  }
  const m = /^blocks\.(\d+)\.(.+)$/.exec(name);
  const kind = m ? BLOCK_HOOKS[m[2] ?? ""] : undefined;
  if (!m || !kind) throw new Error(`unknown hook "${name}"; supported: ${SUPPORTED_HOOKS_HELP}`);
  const layer = Number(m[1]);
  if (!Number.isSafeInteger(layer) || layer >= config.nLayers) {
    throw new Error(`hook "${name}": block ${m[1]} out of range (model has ${config.nLayers} blocks, 0..${config.nLayers - 1})`);
  }
  return { name, kind, layer };
}

/** Width of one position's activation at this hook. */
export function hookWidth(hook: ParsedHook, config: ModelConfig): number {
  return hook.kind === "mlp_post" ? config.dFfn : config.dModel;
}

export interface GraphSpec {
  taps: string[];
  logits: boolean;
  /** Blocks after which a steering vector input `steer.{L}` is added. */
  steeringBlocks: number[];
  /** Blocks after which the directions input `ablate.directions` is projected out. */
  ablationBlocks: number[];
  /**
   * Incremental decoding graph: past_key.{L}/past_value.{L} inputs, present_* outputs, the mask
   * spans past + current positions, and logits only for the last position (no taps).
   */
  kvCache?: boolean;
}

export interface NormalizedSpec extends GraphSpec {
  kvCache: boolean;
  hooks: ParsedHook[];
  /** Last block whose output residual stream is needed (-1: none). */
  lastStreamBlock: number;
  /** Last block that must be computed at all (-1: none). */
  lastBlock: number;
}

/**
 * Validates a spec, sorts/deduplicates it and drops interventions that cannot affect any output.
 * Two specs that normalise equal compile to the same graph.
 */
export function normalizeSpec(spec: GraphSpec, config: ModelConfig): NormalizedSpec {
  const taps = [...new Set(spec.taps)].sort();
  const hooks = taps.map((t) => parseHook(t, config));
  if (!spec.logits && hooks.length === 0) throw new Error("nothing to compute: no taps and no logits requested");
  const kvCache = spec.kvCache === true;
  if (kvCache && (!spec.logits || hooks.length > 0)) throw new Error("a KV-cache graph computes logits only (no taps)");
  let lastStreamBlock = spec.logits ? config.nLayers - 1 : -1;
  let lastBlock = lastStreamBlock;
  for (const h of hooks) {
    if (h.kind === "resid_pre") lastStreamBlock = Math.max(lastStreamBlock, h.layer - 1);
    else if (h.kind === "resid_post") lastStreamBlock = Math.max(lastStreamBlock, h.layer);
    lastBlock = Math.max(lastBlock, h.layer);
  }
  lastBlock = Math.max(lastBlock, lastStreamBlock);
  const blocks = (list: number[], what: string): number[] => {
    for (const b of list) {
      if (!Number.isSafeInteger(b) || b < 0 || b >= config.nLayers) {
        throw new Error(`${what} block ${b} out of range (model has ${config.nLayers} blocks, 0..${config.nLayers - 1})`);
      }
    }
    return [...new Set(list)].filter((b) => b <= lastStreamBlock).sort((a, b) => a - b);
  };
  return {
    taps,
    logits: spec.logits,
    kvCache,
    steeringBlocks: blocks(spec.steeringBlocks, "steering"),
    ablationBlocks: blocks(spec.ablationBlocks, "ablation"),
    hooks,
    lastStreamBlock,
    lastBlock,
  };
}

export const steeringInputName = (block: number): string => `steer.${block}`;
export const ABLATION_INPUT = "ablate.directions";
export const LOGITS_OUTPUT = "logits";
export const pastKeyInputName = (block: number): string => `past_key.${block}`;
export const pastValueInputName = (block: number): string => `past_value.${block}`;
export const presentKeyOutputName = (block: number): string => `present_key.${block}`;
export const presentValueOutputName = (block: number): string => `present_value.${block}`;
