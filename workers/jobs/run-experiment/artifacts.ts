/**
 * Turns runProbe's artifacts into rows of run_artifacts — every numeric array (directions, diffmean's
 * per-example scores, PCA components, INLP directions, cosine matrices, neuron-map embeddings,
 * attention patterns) as little-endian float32
 * bytes with its shape — and the small non-numeric remainder (names, snippets, cluster ids) as
 * JSON "details" kept with the run's facts.
 */
import { z } from "zod";
import type { runArtifacts } from "~/db/schema";
import { float32Bytes } from "~/server/artifacts/tensor-files";
import { ARTIFACT } from "~/server/services/runs/artifact-names";
import { ATTENTION_PATTERN_ARTIFACT, patternHook } from "../../probes/causal/attention-patterns";
import type { ProbeRun } from "../../probes/run-probe";
import { toStableJson } from "../../probes/serialize";

/** One stored artifact, as the run_artifacts table holds it (without its own and its run's ids). */
export type ArtifactRow = Omit<typeof runArtifacts.$inferSelect, "id" | "runId">;

const f32 = z.instanceof(Float32Array);
const directions = z.object({ directions: z.array(z.object({ hook: z.string(), layer: z.number().int(), direction: f32, scores: f32.optional() })) });
const dimensionality = z.array(z.object({ hook: z.string(), layer: z.number().int(), components: z.array(f32), inlpDirections: z.array(f32) }));
const consistency = z.object({ matrices: z.array(z.object({ hook: z.string(), layers: z.array(z.number().int()), cosines: z.array(z.array(z.number())) })) });
const neuronMap = z.object({
  embedding: z.string(),
  neurons: z.array(z.looseObject({ index: z.number().int(), x: z.number(), y: z.number() })),
});
const perLayerKey = z.array(z.looseObject({ hook: z.string(), layer: z.number().int() }));
const attentionPatterns = z.object({
  patterns: z.array(z.object({ prompt: z.number().int(), layer: z.number().int(), shape: z.tuple([z.number().int(), z.number().int(), z.number().int()]), values: f32 })),
});

/** Rows [k, d] stacked into one tensor. */
function stack(rows: Float32Array[]): { shape: number[]; data: Float32Array } {
  const d = rows[0]?.length ?? 0;
  const data = new Float32Array(rows.length * d);
  rows.forEach((r, i) => {
    if (r.length !== d) throw new Error(`cannot stack vectors of lengths ${d} and ${r.length}`);
    data.set(r, i * d);
  });
  return { shape: [rows.length, d], data };
}

function row(name: string, methodIndex: number, hook: string | null, layer: number | null, shape: number[], data: Float32Array): ArtifactRow {
  return { name, methodIndex, hook, layer, shape, data: float32Bytes(data) };
}

export function collectArtifacts(run: ProbeRun): { rows: ArtifactRow[]; details: unknown[] } {
  const rows: ArtifactRow[] = [];
  const details: unknown[] = [];
  run.artifacts.forEach(({ method, artifacts }, i) => {
    if (method === "diffmean" || method === "logistic") {
      for (const d of directions.parse(artifacts).directions) {
        rows.push(row(`${method}.direction`, i, d.hook, d.layer, [d.direction.length], d.direction));
        // diffmean only: one float32 per example (n ≤ the engine's example limit, so small).
        if (method === "diffmean" && d.scores) rows.push(row(ARTIFACT.diffmeanScores, i, d.hook, d.layer, [d.scores.length], d.scores));
      }
      details.push(null);
    } else if (method === "dimensionality") {
      for (const l of dimensionality.parse(artifacts)) {
        if (l.components.length > 0) {
          const t = stack(l.components);
          rows.push(row("dimensionality.components", i, l.hook, l.layer, t.shape, t.data));
        }
        if (l.inlpDirections.length > 0) {
          const t = stack(l.inlpDirections);
          rows.push(row("dimensionality.inlpDirections", i, l.hook, l.layer, t.shape, t.data));
        }
      }
      details.push(null);
    } else if (method === "consistency") {
      const parsed = consistency.parse(artifacts);
      for (const m of parsed.matrices) {
        const n = m.layers.length;
        rows.push(row("consistency.cosines", i, m.hook, null, [n, n], Float32Array.from(m.cosines.flat())));
      }
      details.push({ matrices: parsed.matrices.map((m) => ({ hook: m.hook, layers: m.layers })) });
    } else if (method === "neuronMap") {
      const parsed = neuronMap.parse(artifacts);
      const key = perLayerKey.parse(run.metrics.methods[i]?.perLayer ?? [])[0] ?? { hook: null, layer: null };
      const xy = new Float32Array(parsed.neurons.length * 2);
      parsed.neurons.forEach((n, j) => {
        xy[2 * j] = n.x;
        xy[2 * j + 1] = n.y;
      });
      rows.push(row("neuronMap.embedding", i, key.hook, key.layer, [parsed.neurons.length, 2], xy));
      // Row j of the embedding is neurons[j]; the rest (index, cluster, class means, snippets) stays JSON.
      details.push({ embedding: parsed.embedding, neurons: parsed.neurons.map(({ x: _x, y: _y, ...rest }) => rest) });
    } else if (method === "attentionPatterns") {
      // One [nHeads, len, len] row per prompt and layer, prompt-major: a layer's rows by id are the prompts in order.
      const parsed = attentionPatterns.parse(artifacts);
      for (const pt of parsed.patterns) rows.push(row(ATTENTION_PATTERN_ARTIFACT, i, patternHook(pt.layer), pt.layer, [...pt.shape], pt.values));
      details.push({ patterns: parsed.patterns.map((pt) => ({ prompt: pt.prompt, layer: pt.layer })) });
    } else {
      // anchors, steering, ablation, crossDomain; logitLens, activationPatching, steeredGeneration (their results are in the metrics): names and scalars only.
      details.push(artifacts ?? null);
    }
  });
  return { rows, details: JSON.parse(toStableJson(details)) as unknown[] };
}
