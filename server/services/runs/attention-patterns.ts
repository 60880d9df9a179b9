import { and, asc, eq } from "drizzle-orm";
import type { Database } from "~/db/client";
import { runArtifacts } from "~/db/schema";
import { float32FromBytes } from "../../artifacts/tensor-files";
import { DomainError } from "../../errors";
import type { SessionUser } from "../../trpc/context";
import { visibleRun } from "./read";

/**
 * One layer's attention patterns for one prompt of an attentionPatterns method, read from the run's
 * artifacts when the attention viewer opens that layer (all layers at once can be megabytes). The
 * worker stores one "attentionPatterns.pattern" row per prompt and layer, [nHeads × len × len],
 * prompts in order: the p-th row of a layer (by id) is prompt p.
 */

export const ATTENTION_PATTERN_ARTIFACT = "attentionPatterns.pattern";

/** More than this many numbers is not something the page can draw (256 heads × 128² tokens fits). */
const MAX_VALUES = 4_200_000;

export interface AttentionPatternSlice {
  layer: number;
  nHeads: number;
  /** Tokens of the prompt (the pattern is len × len). */
  len: number;
  /** Row-major [head][query][key], rounded to 4 decimals (the page draws shades, not digits). */
  values: number[];
}

/** A stored [nHeads, len, len] float32 tensor as the slice the viewer draws; null when its shape is not that. */
export function patternSlice(layer: number, shape: readonly number[], data: Float32Array): AttentionPatternSlice | null {
  const [nHeads, len, len2] = shape;
  if (shape.length !== 3 || nHeads === undefined || len === undefined || len !== len2 || nHeads < 1 || len < 1) return null;
  if (nHeads * len * len !== data.length || data.length > MAX_VALUES) return null;
  const values = Array.from(data, (v) => (Number.isFinite(v) ? Math.round(v * 10_000) / 10_000 : 0));
  return { layer, nHeads, len, values };
}

export async function attentionPattern(db: Database, viewer: SessionUser | null, input: { runId: number; methodIndex: number; prompt: number; layer: number }): Promise<AttentionPatternSlice> {
  const { run } = await visibleRun(db, viewer, input.runId);
  if (run.status !== "done") throw new DomainError("CONFLICT", `Run #${input.runId} has no results yet (it is ${run.status}).`);
  const where = and(eq(runArtifacts.runId, input.runId), eq(runArtifacts.methodIndex, input.methodIndex), eq(runArtifacts.name, ATTENTION_PATTERN_ARTIFACT), eq(runArtifacts.layer, input.layer));
  // Ids first, then the one row's bytes: the other prompts' patterns are never read.
  const ids = await db.select({ id: runArtifacts.id }).from(runArtifacts).where(where).orderBy(asc(runArtifacts.id));
  const id = ids[input.prompt]?.id;
  if (id === undefined) throw new DomainError("NOT_FOUND", `Run #${input.runId} stored no attention pattern for prompt ${input.prompt + 1} at layer ${input.layer}.`);
  const [row] = await db.select({ shape: runArtifacts.shape, data: runArtifacts.data }).from(runArtifacts).where(eq(runArtifacts.id, id));
  const slice = row ? patternSlice(input.layer, row.shape, float32FromBytes(row.data)) : null;
  if (!slice) throw new DomainError("CONFLICT", `The stored attention pattern for prompt ${input.prompt + 1} at layer ${input.layer} is not a heads × tokens × tokens array.`);
  return slice;
}
