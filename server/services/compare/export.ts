import type { Database } from "~/db/client";
import { type CsvCell, csvResponse, exportFormat, jsonResponse, toCsv } from "../../http/csv";
import { errorResponse, jsonResponse as jsonError } from "../datasets/http-responses";
import { compareMatrix, type CompareMatrix } from "./matrix";
import { compareSearchParams, parseCompareState } from "./url-state";

/**
 * GET /api/compare?format=csv|json&…the page's filters…: every matching row (not just one page),
 * up to EXPORT_MAX_EXPERIMENTS experiments × the view's models. CSV has one line per
 * experiment × model cell; JSON has the rows with their cells. The filters are read exactly as the
 * page reads them, so the export of a permalink is the permalink's matrix.
 */

export const EXPORT_MAX_EXPERIMENTS = 5000;

export const COMPARE_CSV_HEADER = [
  "experiment_id",
  "experiment_title",
  "experiment_version",
  "techniques",
  "model",
  "model_precision",
  "verdict",
  "status",
  "run_id",
  "attempt",
  "result_run_id",
  "headline_metric",
  "headline_value",
  "headline_layer",
] as const;

export function compareCsvRows(matrix: CompareMatrix): CsvCell[][] {
  return matrix.rows.flatMap((row) =>
    row.cells.map((cell, i) => {
      const model = matrix.models[i]!;
      const headline = cell.result?.headline ?? null;
      return [
        row.experimentId,
        row.title,
        row.version,
        row.techniques.map((t) => t.slug).join(";"),
        model.name,
        model.precision,
        cell.verdict,
        cell.run?.status ?? "not_run",
        cell.run?.id ?? null,
        cell.run?.attempt ?? null,
        cell.result?.runId ?? null,
        headline?.metric ?? null,
        headline?.value ?? null,
        headline?.layer ?? null,
      ];
    }),
  );
}

export function compareJson(matrix: CompareMatrix) {
  return {
    filters: Object.fromEntries(compareSearchParams(matrix.state, { page: false })),
    models: matrix.models.map((m) => ({ name: m.name, precision: m.precision, layers: m.layers, baseModel: m.baseModel })),
    total: matrix.total,
    truncated: matrix.total > matrix.rows.length,
    notes: matrix.notes,
    experiments: matrix.rows.map((row) => ({
      id: row.experimentId,
      title: row.title,
      version: row.version,
      publishedAt: row.publishedAt,
      techniques: row.techniques,
      reproduced: row.reproduced,
      cells: row.cells.map((cell, i) => ({
        model: matrix.models[i]!.name,
        verdict: cell.verdict,
        run: cell.run,
        result: cell.result,
      })),
    })),
  };
}

export async function handleCompareExport(req: Request, ctx: { db: Database }): Promise<Response> {
  try {
    const format = exportFormat(req.url, "json");
    if (format === null) return jsonError(400, { error: 'The format is "csv" or "json".' });
    const state = parseCompareState(new URL(req.url).searchParams);
    const matrix = await compareMatrix(ctx.db, { ...state, page: 1 }, { offset: 0, limit: EXPORT_MAX_EXPERIMENTS });
    return format === "csv" ? csvResponse("mechmap-compare.csv", toCsv([...COMPARE_CSV_HEADER], compareCsvRows(matrix))) : jsonResponse("mechmap-compare.json", compareJson(matrix));
  } catch (error) {
    return errorResponse(error, "GET /api/compare");
  }
}
