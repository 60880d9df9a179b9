import { z } from "zod";
import type { Database } from "~/db/client";
import type { SessionUser } from "../../trpc/context";
import { idSchema } from "../../validation/text";
import { errorResponse, fileResponse, jsonResponse } from "../datasets/http-responses";
import { artifactFile, metricsCsv, metricsJson } from "./downloads";

/** GET /api/runs/:id/metrics?format=csv|json and /api/runs/:id/artifacts?format=safetensors|npy&name=…. */

interface DownloadContext {
  db: Database;
  viewer: SessionUser | null;
  id: string;
}

const runId = z.coerce.number().pipe(idSchema);

export async function handleMetricsDownload(req: Request, ctx: DownloadContext): Promise<Response> {
  try {
    const id = runId.safeParse(ctx.id);
    if (!id.success) return jsonResponse(400, { error: "A run id is a positive whole number." });
    const format = new URL(req.url).searchParams.get("format") ?? "json";
    if (format !== "json" && format !== "csv") return jsonResponse(400, { error: 'The format is "json" or "csv".' });
    return fileResponse(format === "csv" ? await metricsCsv(ctx.db, ctx.viewer, id.data) : await metricsJson(ctx.db, ctx.viewer, id.data));
  } catch (error) {
    return errorResponse(error, "GET /api/runs/:id/metrics");
  }
}

export async function handleArtifactsDownload(req: Request, ctx: DownloadContext): Promise<Response> {
  try {
    const id = runId.safeParse(ctx.id);
    if (!id.success) return jsonResponse(400, { error: "A run id is a positive whole number." });
    const params = new URL(req.url).searchParams;
    const format = params.get("format") ?? "safetensors";
    if (format === "safetensors") return fileResponse(await artifactFile(ctx.db, ctx.viewer, id.data, { format: "safetensors" }));
    if (format !== "npy") return jsonResponse(400, { error: 'The format is "safetensors" (every artifact) or "npy" (one, named by ?name=).' });
    const name = params.get("name");
    if (!name || name.length > 300) return jsonResponse(400, { error: "Name the artifact with ?name=, e.g. diffmean.layer3.direction." });
    return fileResponse(await artifactFile(ctx.db, ctx.viewer, id.data, { format: "npy", name }));
  } catch (error) {
    return errorResponse(error, "GET /api/runs/:id/artifacts");
  }
}
