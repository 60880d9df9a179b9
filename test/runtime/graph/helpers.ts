/** Shared helpers for the runtime graph tests. */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { compileGraph, serializeModelToBuffer, type GraphSpec } from "../../../workers/runtime/onnx";
import { SessionCache } from "../../../workers/runtime/session-cache";
import type { ModelWeights } from "../../../workers/runtime/types";

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `mechmap-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A small, single-threaded session cache for tests. */
export function testSessionCache(budgetBytes = 512 * 1024 * 1024): SessionCache {
  return new SessionCache({ budgetBytes, intraOpNumThreads: 1 });
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i]! - b[i]!);
    if (!(diff <= worst)) worst = Number.isNaN(diff) ? Infinity : diff;
  }
  return worst;
}

export function allHooks(nLayers: number, extra: string[] = []): string[] {
  const hooks = ["hook_embed", ...extra];
  for (let L = 0; L < nLayers; L++) {
    for (const h of ["hook_resid_pre", "hook_resid_post", "hook_attn_out", "hook_mlp_out", "mlp.hook_post"]) hooks.push(`blocks.${L}.${h}`);
  }
  return hooks;
}

/** Compiles a graph in memory and runs one batch directly (no caches), for graph-level tests. */
export async function runGraph(
  weights: ModelWeights,
  spec: GraphSpec,
  ids: number[][],
  mask: number[][],
  extraFeeds: Record<string, ort.Tensor> = {},
): Promise<Record<string, Float32Array>> {
  const compiled = compileGraph(weights, spec);
  const session = await ort.InferenceSession.create(serializeModelToBuffer(compiled.builder), { intraOpNumThreads: 1 });
  try {
    const B = ids.length;
    const S = ids[0]?.length ?? 0;
    const result = await session.run({
      input_ids: new ort.Tensor("int64", BigInt64Array.from(ids.flat().map(BigInt)), [B, S]),
      attention_mask: new ort.Tensor("int64", BigInt64Array.from(mask.flat().map(BigInt)), [B, S]),
      ...extraFeeds,
    });
    const out: Record<string, Float32Array> = {};
    for (const [name, tensor] of Object.entries(result)) {
      if (!(tensor.data instanceof Float32Array)) throw new Error(`non-float output ${name}`);
      out[name] = tensor.data;
    }
    return out;
  } finally {
    await session.release();
  }
}
