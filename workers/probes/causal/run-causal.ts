/**
 * Runs a spec's causal methods (spec version 2) in spec order on the hosted model. Each method
 * gets its own CausalContext (seeded generators, tokenisation under the causal prompt limit,
 * progress over its share of the run's percentage) and returns `{ result, artifacts }`: the result
 * goes into the run's metrics (MethodResult.result), the artifacts to run_artifacts.
 */
import { type MethodParams, type ProbeSpec, isCausalMethod } from "../../../server/probes/spec";
import type { HostedModel } from "../../runtime/types";
import type { ProgressCallback } from "../progress";
import { activationPatching } from "./activation-patching";
import { attentionPatterns } from "./attention-patterns";
import { createCausalContext } from "./context";
import { logitLens } from "./logit-lens";
import { steeredGeneration } from "./steered-generation";

export interface CausalOutput {
  result: unknown;
  artifacts: unknown;
}

export interface RunCausalOptions {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** The run's percentage the causal methods share, [from, to] (default [0, 100]). */
  percentRange?: [number, number];
  resolveDirection?: (runId: number, layer: number) => Promise<Float32Array>;
  contrastTexts?: () => Promise<{ positive: string[]; negative: string[] }>;
}

/** Runs every causal method of the spec; the map's keys are the methods' indices in the spec. */
export async function runCausalMethods(spec: ProbeSpec, model: HostedModel, opts: RunCausalOptions = {}): Promise<Map<number, CausalOutput>> {
  const causal = spec.methods.map((m, i) => ({ m, i })).filter(({ m }) => isCausalMethod(m));
  const [from, to] = opts.percentRange ?? [0, 100];
  const out = new Map<number, CausalOutput>();
  for (const [k, { m, i }] of causal.entries()) {
    const span = (to - from) / Math.max(1, causal.length);
    const ctx = createCausalContext(model, {
      seed: spec.seed,
      path: `methods[${i}]`,
      percent: (fraction) => from + span * (k + fraction),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.resolveDirection ? { resolveDirection: opts.resolveDirection } : {}),
      ...(opts.contrastTexts ? { contrastTexts: opts.contrastTexts } : {}),
    });
    await ctx.progress({ stage: m.method, message: `${m.method} (method ${i})`, done: 0, total: 1 });
    out.set(i, await runOne(model, m, ctx));
  }
  return out;
}

async function runOne(model: HostedModel, m: MethodParams, ctx: ReturnType<typeof createCausalContext>): Promise<CausalOutput> {
  switch (m.method) {
    case "logitLens":
      return logitLens(model, m, ctx);
    case "attentionPatterns":
      return attentionPatterns(model, m, ctx);
    case "activationPatching":
      return activationPatching(model, m, ctx);
    case "steeredGeneration":
      return steeredGeneration(model, m, ctx);
    default:
      throw new Error(`internal: ${m.method} is not a causal method`);
  }
}
