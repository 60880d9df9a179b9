import type { Database } from "~/db/client";
import { csvResponse, exportFormat, jsonResponse, toCsv } from "../../http/csv";
import { errorResponse, jsonResponse as jsonStatus } from "../datasets/http-responses";
import { modelByName } from "./detail";
import { modelByNameSchema, modelListFromParams } from "./input";
import { listModels } from "./list";
import { allModelRuns } from "./published-runs";

/**
 * GET /api/models?format=csv|json (the list, same sort and filter as the page's URL) and
 * GET /api/models/:name?format=csv|json (one model's facts and the runs of published experiments on it).
 */

const FORMAT_MESSAGE = 'The format is "csv" or "json".';

export const MODEL_LIST_CSV_HEADER = [
  "name", "status", "status_reason", "architecture", "parameters", "layers", "d_model", "heads", "kv_heads", "context_length", "vocab_size",
  "precision", "base_model", "recipe", "held_out_loss", "source", "licence", "sha256", "experiments_done", "reproduced", "partly", "not_reproduced", "unchecked",
];

export async function handleModelListExport(req: Request, ctx: { db: Database }): Promise<Response> {
  try {
    const format = exportFormat(req.url);
    if (format === null) return jsonStatus(400, { error: FORMAT_MESSAGE });
    const filters = modelListFromParams(new URL(req.url).searchParams);
    const { items } = await listModels(ctx.db, filters);
    if (format === "json") return jsonResponse("models.json", { filters, models: items });
    const rows = items.map((m) => [
      m.name, m.status, m.statusReason, m.architecture, m.parameterCount, m.layers, m.dModel, m.nHeads, m.nKvHeads, m.contextLength, m.vocabSize,
      m.precision, m.baseModel?.name ?? null, m.recipe, m.heldOutLoss, m.source.label, m.licence, m.sha256,
      m.experimentsDone, m.verdicts.reproduced, m.verdicts.partly, m.verdicts.notReproduced, m.verdicts.unchecked,
    ]);
    return csvResponse("models.csv", toCsv(MODEL_LIST_CSV_HEADER, rows));
  } catch (error) {
    return errorResponse(error, "GET /api/models");
  }
}

export const MODEL_RUNS_CSV_HEADER = ["experiment_id", "experiment_title", "version", "run_id", "attempt", "status", "headline_metric", "headline_value", "headline_layer", "verdict", "finished_at", "run_path"];

export async function handleModelRunsExport(req: Request, ctx: { db: Database; name: string }): Promise<Response> {
  try {
    const format = exportFormat(req.url);
    if (format === null) return jsonStatus(400, { error: FORMAT_MESSAGE });
    const input = modelByNameSchema.safeParse({ name: ctx.name });
    if (!input.success) return jsonStatus(404, { error: "No model has this name." });
    // Facts and the not-yet-run count from the page's own query (NOT_FOUND → 404), then every run.
    const detail = await modelByName(ctx.db, input.data);
    const runs = await allModelRuns(ctx.db, detail.model.id);
    const base = `model-${detail.model.name}-runs`;
    if (format === "json") return jsonResponse(`${base}.json`, { model: detail.model, notYetRun: detail.notYetRun, runs });
    const rows = runs.map((r) => [
      r.experimentId, r.title, r.version, r.runId, r.attempt, r.status, r.headlineMetric, r.headlineValue, r.headlineLayer, r.verdict,
      r.finishedAt ? r.finishedAt.toISOString() : null, `/runs/${r.runId}`,
    ]);
    return csvResponse(`${base}.csv`, toCsv(MODEL_RUNS_CSV_HEADER, rows));
  } catch (error) {
    return errorResponse(error, "GET /api/models/:name");
  }
}
