import type { CsvCell } from "../../http/csv";
import type { PairAgreement } from "./agreement";
import type { CurvesResult } from "./curves";
import type { XAxis } from "./url-state";

/**
 * The across-models views as tables for CSV exports: the curves table exactly as the page shows it
 * (rows = layer or relative depth, one column per model), and the agreement matrices in long form
 * (one row per layer pair, marking each a-layer's best match).
 */

export function curvesCsvTable(result: CurvesResult, axis: XAxis): { header: string[]; rows: CsvCell[][] } {
  const header = [axis === "layer" ? "layer" : "relative_depth", ...result.curves.map((c) => c.model)];
  const rows = result.tables[axis].map((row) => [axis === "layer" ? row.x : Number(row.x.toFixed(6)), ...row.cells.map((cell) => cell?.value ?? null)]);
  return { header, rows };
}

export const AGREEMENT_CSV_HEADER = ["comparison", "model_a", "model_b", "hook", "examples", "layer_a", "depth_a", "layer_b", "depth_b", "correlation", "best_match_for_layer_a"];

function pairRows(comparison: string, pair: PairAgreement | null): CsvCell[][] {
  if (!pair || pair.status !== "ok") return [];
  const rows: CsvCell[][] = [];
  pair.matrix.forEach((row, i) => {
    row.forEach((r, j) => {
      const bestHere = pair.best[i]?.match === pair.b.layers[j];
      rows.push([comparison, pair.a.model, pair.b.model, pair.hook, pair.examples, pair.a.layers[i]!, Number(pair.a.depths[i]!.toFixed(6)), pair.b.layers[j]!, Number(pair.b.depths[j]!.toFixed(6)), r, bestHere ? "yes" : "no"]);
    });
  });
  return rows;
}

export function agreementCsvRows(pair: PairAgreement | null, seed: PairAgreement | null, recipe: string | null): CsvCell[][] {
  return [...pairRows("chosen pair", pair), ...pairRows(`same recipe, different seed${recipe ? ` (${recipe})` : ""}`, seed)];
}
