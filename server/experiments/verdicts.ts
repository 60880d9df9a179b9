import { z } from "zod";
import type { RunVerdict } from "~/db/schema";
import { type Claim, claimSchema } from "./claims";
import { layersInDepthRange, relativeDepth } from "./relative-depth";

/**
 * Checking a run against its experiment's claims. Pure (no database), and safe to bundle for the
 * browser: the worker stores the result with the run, pages show it, the compare views count it.
 *
 * A claim's series is the first method entry of that name in the run's metrics, read at its first
 * hook (a spec may read several hooks; the check says which one it used), one value per block.
 * - `layer`: that block's value holds or not; a block the run did not measure (or beyond the
 *   model's depth) is missing.
 * - `relativeDepth {from, to}`: the measured blocks whose relative depth is in range (see
 *   relative-depth.ts): all hold → reproduced, some → partly, none → not reproduced; no measured
 *   block in range → missing. So one claim selects the right blocks of models of any depth.
 * - `peak`: the block with the largest value (ties: the shallowest).
 * - `peaksAt`: the peak's relative depth is within the tolerance of the claimed depth.
 * Non-finite values count as not measured.
 */

export const CLAIM_VERDICTS = ["reproduced", "partly", "not_reproduced", "missing"] as const;
export type ClaimVerdict = (typeof CLAIM_VERDICTS)[number];

export interface MeasuredPoint {
  layer: number;
  /** Relative depth of the block: layer / (nLayers − 1). */
  depth: number;
  value: number;
  holds: boolean;
}

export interface ClaimCheck {
  /** Position of the claim in its version's claims list. */
  claimIndex: number;
  metric: string;
  /** The model the author reported the claim on, or null for "any model". */
  claimedOn: string | null;
  /** The hook template the values were read at, e.g. "blocks.{L}.hook_resid_post" (null when the metric is absent). */
  hook: string | null;
  verdict: ClaimVerdict;
  /** The blocks the verdict rests on. */
  measured: MeasuredPoint[];
  /** e.g. "claimed ≥ 0.9 at relative depth 0.6–0.8; measured 0.958 at block 3 of 5 (depth 0.75)". */
  summary: string;
}

/** Reads stored checks (runs.verdict_details) back; anything unreadable is dropped. */
export const claimCheckSchema = z.object({
  claimIndex: z.number().int().min(0),
  metric: z.string(),
  claimedOn: z.string().nullable().catch(null),
  hook: z.string().nullable(),
  verdict: z.enum(CLAIM_VERDICTS),
  measured: z.array(z.object({ layer: z.number(), depth: z.number(), value: z.number(), holds: z.boolean() })),
  summary: z.string(),
}) satisfies z.ZodType<ClaimCheck>;

export function readClaimChecks(details: unknown): ClaimCheck[] {
  if (!Array.isArray(details)) return [];
  return details.flatMap((d) => {
    const parsed = claimCheckSchema.safeParse(d);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Slack for comparisons, so a value stored through JSON or float32 equal to the bound counts as meeting it. */
const EPS = 1e-9;

const methodsSchema = z.object({
  methods: z.array(z.object({ method: z.string(), perLayer: z.array(z.unknown()).catch([]) }).loose()).catch([]),
});

interface Series {
  hook: string | null;
  /** One entry per measured block, by layer; value null when not a finite number. */
  points: Array<{ layer: number; value: number | null }>;
}

/** "blocks.3.hook_resid_post" at layer 3 → "blocks.{L}.hook_resid_post" (rows carry concrete hook names). */
function hookTemplate(hook: unknown, layer: number): string | null {
  if (typeof hook !== "string") return null;
  return hook.replace(`blocks.${layer}.`, "blocks.{L}.");
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The per-block values of "method.field": the first method of that name, at its first hook. Null when the run has none. */
function readSeries(metrics: unknown, metric: string): Series | null {
  const dot = metric.indexOf(".");
  const method = metric.slice(0, dot);
  const field = metric.slice(dot + 1);
  const parsed = methodsSchema.safeParse(metrics);
  if (!parsed.success) return null;
  const entry = parsed.data.methods.find((m) => m.method === method);
  if (!entry) return null;
  const rows = entry.perLayer.filter((r): r is Record<string, unknown> & { layer: number } => isRecord(r) && typeof r.layer === "number" && Number.isInteger(r.layer));
  if (rows.length === 0) return null;
  const hook = hookTemplate(rows[0]!.hook, rows[0]!.layer);
  const byLayer = new Map<number, number | null>();
  for (const r of rows) {
    if (hookTemplate(r.hook, r.layer) !== hook || byLayer.has(r.layer)) continue;
    const v = r[field];
    byLayer.set(r.layer, typeof v === "number" && Number.isFinite(v) ? v : null);
  }
  return { hook, points: [...byLayer].map(([layer, value]) => ({ layer, value })).sort((a, b) => a.layer - b.layer) };
}

/** Measured values: integers as they are, others to three decimals (tiny ones to two significant digits). */
export function formatMeasured(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (v !== 0 && Math.abs(v) < 0.01) return v.toPrecision(2);
  return v.toFixed(3);
}

/** Relative depths to two decimals, without trailing zeros (0.75, 0.33, 1). */
export function formatDepth(d: number): string {
  return String(Number(d.toFixed(2)));
}

/** The one way a block is named in verdicts: "block 3 of 5 (depth 0.75)" — blocks count from 0. */
export function formatBlock(layer: number, nLayers: number): string {
  return `block ${layer} of ${nLayers} (depth ${formatDepth(relativeDepth(layer, nLayers))})`;
}

/** What was claimed, e.g. "claimed ≥ 0.9 at relative depth 0.6–0.8" or "claimed to peak at depth 0.75 ± 0.25". */
export function describeClaimed(claim: Claim): string {
  if (claim.comparison === "peaksAt") return `claimed to peak at depth ${claim.value} ± ${claim.tolerance ?? 0}`;
  const op = claim.comparison === "gte" ? `≥ ${claim.value}` : claim.comparison === "lte" ? `≤ ${claim.value}` : `≈ ${claim.value} ± ${claim.tolerance ?? 0}`;
  const where = claim.where.kind === "layer" ? `at block ${claim.where.layer}` : claim.where.kind === "relativeDepth" ? `at relative depth ${claim.where.from}–${claim.where.to}` : "at the peak";
  return `claimed ${op} ${where}`;
}

function compare(claim: Claim, x: number): boolean {
  if (claim.comparison === "gte") return x >= claim.value - EPS;
  if (claim.comparison === "lte") return x <= claim.value + EPS;
  return Math.abs(x - claim.value) <= (claim.tolerance ?? 0) + EPS;
}

function blockList(layers: number[]): string {
  return `${layers.length === 1 ? "block" : "blocks"} ${layers.join(", ")}`;
}

/** Checks one claim against one run's metrics from an nLayers-block model. */
export function checkClaim(claim: Claim, metrics: unknown, nLayers: number, claimIndex = 0): ClaimCheck {
  const claimed = describeClaimed(claim);
  const base = { claimIndex, metric: claim.metric, claimedOn: claim.model === "any" ? null : claim.model };
  const series = readSeries(metrics, claim.metric);
  const missing = (reason: string, hook: string | null = series?.hook ?? null): ClaimCheck => ({ ...base, hook, verdict: "missing", measured: [], summary: `${claimed}; ${reason}` });
  if (!Number.isInteger(nLayers) || nLayers < 1) return missing("the run does not say how many blocks the model has");
  if (!series) return missing(`the run did not measure ${claim.metric}`, null);
  const { hook } = series;
  const inModel = series.points.filter((p) => p.layer >= 0 && p.layer < nLayers);
  const valid = inModel.flatMap((p) => (p.value === null ? [] : [{ layer: p.layer, depth: relativeDepth(p.layer, nLayers), value: p.value }]));
  const at = (p: { layer: number }) => formatBlock(p.layer, nLayers);

  if (claim.comparison === "peaksAt" || claim.where.kind === "peak") {
    if (valid.length === 0) return missing(`${claim.metric} has no finite value at any block`);
    // Sorted by layer, and only a strictly larger value replaces the peak: ties go to the shallowest block.
    const peak = valid.reduce((a, b) => (b.value > a.value ? b : a));
    if (claim.comparison === "peaksAt") {
      const holds = Math.abs(peak.depth - claim.value) <= (claim.tolerance ?? 0) + EPS;
      return { ...base, hook, verdict: holds ? "reproduced" : "not_reproduced", measured: [{ ...peak, holds }], summary: `${claimed}; peaks at ${at(peak)} with ${formatMeasured(peak.value)}` };
    }
    const holds = compare(claim, peak.value);
    return { ...base, hook, verdict: holds ? "reproduced" : "not_reproduced", measured: [{ ...peak, holds }], summary: `${claimed}; measured ${formatMeasured(peak.value)} at the peak, ${at(peak)}` };
  }

  if (claim.where.kind === "layer") {
    const layer = claim.where.layer;
    if (layer >= nLayers) return missing(`block ${layer} is beyond this ${nLayers}-block model`);
    const point = valid.find((p) => p.layer === layer);
    if (!point) {
      const raw = inModel.find((p) => p.layer === layer);
      return missing(raw ? `${claim.metric} is not a finite number at block ${layer}` : `the run did not measure block ${layer}`);
    }
    const holds = compare(claim, point.value);
    return { ...base, hook, verdict: holds ? "reproduced" : "not_reproduced", measured: [{ ...point, holds }], summary: `${claimed}; measured ${formatMeasured(point.value)} at ${at(point)}` };
  }

  const { from, to } = claim.where;
  const blocks = layersInDepthRange(from, to, nLayers);
  if (blocks.length === 0) return missing(`no block of this ${nLayers}-block model lies at relative depth ${from}–${to}`);
  const measured = valid.filter((p) => blocks.includes(p.layer)).map((p) => ({ ...p, holds: compare(claim, p.value) }));
  if (measured.length === 0) return missing(`the run did not measure ${blockList(blocks)} (${claim.metric})`);
  const held = measured.filter((p) => p.holds).length;
  const verdict: ClaimVerdict = held === measured.length ? "reproduced" : held === 0 ? "not_reproduced" : "partly";
  const unmeasured = blocks.filter((l) => !measured.some((p) => p.layer === l));
  const values = measured.map((p) => `${formatMeasured(p.value)} at ${at(p)}`).join(", ");
  const tail = [verdict === "partly" ? `holds at ${held} of ${measured.length} blocks` : "", unmeasured.length ? `${blockList(unmeasured)} not measured` : ""].filter(Boolean).join("; ");
  return { ...base, hook, verdict, measured, summary: `${claimed}; measured ${values}${tail ? ` — ${tail}` : ""}` };
}

/**
 * A run's verdict from its checks: nothing checkable (no claims, or every check missing) →
 * unchecked; every checked claim reproduced → reproduced; every one not reproduced → not
 * reproduced; anything else → partly.
 */
export function runVerdictOf(checks: readonly ClaimCheck[]): RunVerdict {
  const checked = checks.filter((c) => c.verdict !== "missing");
  if (checked.length === 0) return "unchecked";
  if (checked.every((c) => c.verdict === "reproduced")) return "reproduced";
  if (checked.every((c) => c.verdict === "not_reproduced")) return "not_reproduced";
  return "partly";
}

/**
 * Checks every claim of a version (as stored: claims that no longer parse are reported as missing,
 * so indexes stay aligned with the claims list) and gives the run's verdict.
 */
export function checkClaims(claims: readonly unknown[], metrics: unknown, nLayers: number): { verdict: RunVerdict; checks: ClaimCheck[] } {
  const checks = claims.map((raw, i): ClaimCheck => {
    const parsed = claimSchema.safeParse(raw);
    if (parsed.success) return checkClaim(parsed.data, metrics, nLayers, i);
    const metric = isRecord(raw) && typeof raw.metric === "string" ? raw.metric : "unknown metric";
    return { claimIndex: i, metric, claimedOn: null, hook: null, verdict: "missing", measured: [], summary: "This claim is in an older format and cannot be checked." };
  });
  return { verdict: runVerdictOf(checks), checks };
}
