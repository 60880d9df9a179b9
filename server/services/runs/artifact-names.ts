/** Names of a run's artifacts in downloads and on the run page. */

/**
 * Stored names (run_artifacts.name) read by name elsewhere. `diffmean.scores` holds, per hook and
 * layer, every example's projection onto that layer's unit diffmean direction ([n] float32, rows in
 * the order of the binary data), what cross-model agreement correlates between models.
 */
export const ARTIFACT = {
  diffmeanDirection: "diffmean.direction",
  diffmeanScores: "diffmean.scores",
} as const;

interface NamedArtifact {
  /** e.g. "diffmean.direction". */
  name: string;
  methodIndex: number;
  hook: string | null;
  layer: number | null;
}

/** "blocks.{L}.hook_attn_out" or "blocks.3.hook_attn_out" → "hook_attn_out". */
const hookPart = (hook: string) => hook.split(".").filter((p) => p !== "blocks" && p !== "{L}" && !/^\d+$/.test(p)).join("_");

/**
 * Download names: "<method>.layer<L>.<field>" (e.g. diffmean.layer3.direction), with the hook when
 * the run read several, and "m<i>." in front when one method appears twice.
 */
export function artifactNames(rows: ReadonlyArray<NamedArtifact>): string[] {
  // Hooks are stored per layer ("blocks.3.hook_resid_post"); only their kind tells them apart.
  const manyHooks = new Set(rows.flatMap((r) => (r.hook ? [hookPart(r.hook)] : []))).size > 1;
  const base = rows.map((r) => {
    const dot = r.name.indexOf(".");
    const method = dot < 0 ? r.name : r.name.slice(0, dot);
    const field = dot < 0 ? "values" : r.name.slice(dot + 1);
    return [method, ...(manyHooks && r.hook ? [hookPart(r.hook)] : []), ...(r.layer !== null ? [`layer${r.layer}`] : []), field].join(".");
  });
  const counts = new Map<string, number>();
  for (const b of base) counts.set(b, (counts.get(b) ?? 0) + 1);
  const named = base.map((b, i) => ((counts.get(b) ?? 0) > 1 ? `m${rows[i]!.methodIndex}.${b}` : b));
  // Still the same (a worker wrote two identical rows): number them, since tensor names must be unique.
  const seen = new Map<string, number>();
  return named.map((n) => {
    const k = seen.get(n) ?? 0;
    seen.set(n, k + 1);
    return k === 0 ? n : `${n}.${k}`;
  });
}
