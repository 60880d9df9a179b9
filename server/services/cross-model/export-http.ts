import { z } from "zod";
import type { Database } from "~/db/client";
import { csvResponse, exportFormat, jsonResponse, toCsv } from "../../http/csv";
import type { SessionUser } from "../../trpc/context";
import { idSchema } from "../../validation/text";
import { errorResponse, jsonResponse as jsonError } from "../datasets/http-responses";
import { crossModelAgreement } from "./agreement";
import { crossModelCurves } from "./curves";
import { AGREEMENT_CSV_HEADER, agreementCsvRows, curvesCsvTable } from "./export";
import { parseCrossModelState } from "./url-state";

/**
 * GET /api/experiments/:id/across-models?view=curves|agreement&format=csv|json&…the page's state…
 * The same state as the page (parsed by the same function), so an export link is the view's
 * permalink plus a format. Unknown experiments and drafts the viewer may not see are 404s.
 */

interface ExportContext {
  db: Database;
  viewer: SessionUser | null;
  id: string;
}

const experimentId = z.coerce.number().pipe(idSchema);

export async function handleCrossModelExport(req: Request, ctx: ExportContext): Promise<Response> {
  try {
    const id = experimentId.safeParse(ctx.id);
    if (!id.success) return jsonError(400, { error: "An experiment id is a positive whole number." });
    const format = exportFormat(req.url);
    if (format === null) return jsonError(400, { error: 'The format is "csv" or "json".' });
    const params = new URL(req.url).searchParams;
    const view = params.get("view") ?? "curves";
    if (view !== "curves" && view !== "agreement") return jsonError(400, { error: 'The view is "curves" or "agreement".' });
    const state = parseCrossModelState(params);
    const base = `experiment-${id.data}`;

    if (view === "curves") {
      const result = await crossModelCurves(ctx.db, ctx.viewer, { id: id.data, version: state.v, metric: state.metric, hook: state.hook });
      const name = `${base}-v${result.version.version}-${result.metric?.name ?? "curves"}-by-${state.x}`;
      if (format === "json") {
        const { tables: _tables, marks, ...rest } = result;
        return jsonResponse(`${name}.json`, { ...rest, x: state.x, marks: marks[state.x], table: result.tables[state.x] });
      }
      const table = curvesCsvTable(result, state.x);
      return csvResponse(`${name}.csv`, toCsv(table.header, table.rows));
    }

    const result = await crossModelAgreement(ctx.db, ctx.viewer, { id: id.data, version: state.v, a: state.a, b: state.b, hook: state.hook });
    const name = `${base}-v${result.version.version}-agreement-${result.a ?? "none"}-${result.b ?? "none"}`;
    if (format === "json") return jsonResponse(`${name}.json`, result);
    if (result.pair?.status !== "ok" && result.seed.pair?.status !== "ok") {
      const why = result.pair?.status === "refused" ? result.pair.message : "Fewer than two models have a finished run of this version.";
      return jsonError(409, { error: `There are no agreement numbers to export. ${why}` });
    }
    return csvResponse(`${name}.csv`, toCsv(AGREEMENT_CSV_HEADER, agreementCsvRows(result.pair, result.seed.pair, result.seed.recipe)));
  } catch (error) {
    return errorResponse(error, "GET /api/experiments/:id/across-models");
  }
}
