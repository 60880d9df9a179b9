import { asc, eq } from "drizzle-orm";
import type { Database } from "~/db/client";
import { runArtifacts } from "~/db/schema";
import { type Float32Tensor, float32FromBytes, toNpy, toSafetensors } from "../../artifacts/tensor-files";
import { DomainError } from "../../errors";
import type { SessionUser } from "../../trpc/context";
import { csvLine } from "../datasets/store";
import { artifactNames } from "./artifact-names";
import { visibleRun } from "./read";

/**
 * A run's results as files: metrics as JSON and as CSV (one row per method × hook × layer ×
 * field), artifacts as one `.npy` or all of them in one `.safetensors`, named like
 * `diffmean.layer3.direction`.
 */

export interface DownloadFile {
  fileName: string;
  contentType: string;
  body: Buffer | string;
}

async function finishedRun(db: Database, viewer: SessionUser | null, runId: number) {
  const found = await visibleRun(db, viewer, runId);
  if (found.run.status !== "done" || found.run.metrics === null) throw new DomainError("CONFLICT", `Run #${runId} has no results yet (it is ${found.run.status}).`);
  return { ...found, metrics: found.run.metrics };
}

export async function metricsJson(db: Database, viewer: SessionUser | null, runId: number): Promise<DownloadFile> {
  const { metrics } = await finishedRun(db, viewer, runId);
  return { fileName: `run-${runId}-metrics.json`, contentType: "application/json; charset=utf-8", body: `${JSON.stringify(metrics, null, 2)}\n` };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Scalar fields of one per-layer entry, nested objects flattened with dots ("control.accuracy"); lists as JSON. */
function fieldsOf(entry: Record<string, unknown>, prefix = ""): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(entry)) {
    if (prefix === "" && (key === "hook" || key === "layer")) continue;
    const name = `${prefix}${key}`;
    if (value === null || typeof value === "number" || typeof value === "boolean" || typeof value === "string") out.push([name, value === null ? "" : String(value)]);
    else if (isRecord(value)) out.push(...fieldsOf(value, `${name}.`));
    else if (Array.isArray(value)) out.push([name, JSON.stringify(value)]);
  }
  return out;
}

export const METRICS_CSV_HEADER = ["method_index", "method", "hook", "layer", "field", "value"] as const;

/** The per-layer metrics as a long table; methods without per-layer entries contribute no rows. */
export function metricsToCsv(metrics: Record<string, unknown>): string {
  const lines = [csvLine(METRICS_CSV_HEADER)];
  const methods = Array.isArray(metrics.methods) ? metrics.methods : [];
  methods.forEach((m, index) => {
    if (!isRecord(m)) return;
    const method = typeof m.method === "string" ? m.method : "";
    const perLayer = Array.isArray(m.perLayer) ? m.perLayer : [];
    for (const entry of perLayer) {
      if (!isRecord(entry)) continue;
      const hook = typeof entry.hook === "string" ? entry.hook : "";
      const layer = typeof entry.layer === "number" ? String(entry.layer) : "";
      for (const [field, value] of fieldsOf(entry)) lines.push(csvLine([String(index), method, hook, layer, field, value]));
    }
  });
  return lines.join("");
}

export async function metricsCsv(db: Database, viewer: SessionUser | null, runId: number): Promise<DownloadFile> {
  const { metrics } = await finishedRun(db, viewer, runId);
  return { fileName: `run-${runId}-metrics.csv`, contentType: "text/csv; charset=utf-8", body: metricsToCsv(metrics) };
}

type ArtifactRow = Omit<typeof runArtifacts.$inferSelect, "id" | "runId">;

async function artifactTensors(db: Database, runId: number): Promise<Float32Tensor[]> {
  const rows: ArtifactRow[] = await db
    .select({ name: runArtifacts.name, methodIndex: runArtifacts.methodIndex, hook: runArtifacts.hook, layer: runArtifacts.layer, shape: runArtifacts.shape, data: runArtifacts.data })
    .from(runArtifacts)
    .where(eq(runArtifacts.runId, runId))
    .orderBy(asc(runArtifacts.methodIndex), asc(runArtifacts.name), asc(runArtifacts.hook), asc(runArtifacts.layer), asc(runArtifacts.id));
  const names = artifactNames(rows);
  return rows.map((r, i) => ({ name: names[i]!, shape: r.shape, data: float32FromBytes(r.data) }));
}

/** One artifact as .npy (by its download name), or all as .safetensors. */
export async function artifactFile(db: Database, viewer: SessionUser | null, runId: number, request: { format: "npy"; name: string } | { format: "safetensors" }): Promise<DownloadFile> {
  const found = await finishedRun(db, viewer, runId);
  const tensors = await artifactTensors(db, runId);
  if (request.format === "npy") {
    const tensor = tensors.find((t) => t.name === request.name);
    if (!tensor) throw new DomainError("NOT_FOUND", `Run #${runId} has no artifact named "${request.name.slice(0, 100)}".${tensors.length ? ` It has, for example, ${tensors.slice(0, 3).map((t) => t.name).join(", ")}.` : ""}`);
    return { fileName: `run-${runId}-${tensor.name}.npy`, contentType: "application/octet-stream", body: toNpy(tensor) };
  }
  const metadata = { run_id: String(runId), experiment_id: String(found.experimentId), experiment_version: String(found.version), model_sha256: found.run.modelSha256, engine_version: found.run.engineVersion };
  return { fileName: `run-${runId}-artifacts.safetensors`, contentType: "application/octet-stream", body: toSafetensors(tensors, metadata) };
}
