import type { RouterOutputs } from "../_lib/types";

/** Words for one cell of the compare matrix: what the run is doing, and its headline number. */

export type CompareMatrixView = RouterOutputs["compare"]["matrix"];
export type CompareRowView = CompareMatrixView["rows"][number];
export type CompareCellView = CompareRowView["cells"][number];

const SHORT_FIELDS: Record<string, string> = { accuracy: "acc", auroc: "AUROC", participationRatio: "PR" };

/** "acc 0.96 @ L4": the headline metric's field, its value to two decimals and its layer. */
export function shortHeadline(h: { metric: string; value: number; layer: number | null }): string {
  const field = h.metric.split(".").at(-1) ?? h.metric;
  const value = Number.isInteger(h.value) ? String(h.value) : h.value.toFixed(2);
  return `${SHORT_FIELDS[field] ?? field} ${value}${h.layer === null ? "" : ` @ L${h.layer}`}`;
}

/** "diffmean.accuracy 0.958 at layer 4": the same in full, for the cell's tooltip and the export. */
export function fullHeadline(h: { metric: string; value: number; layer: number | null }): string {
  const value = Number.isInteger(h.value) ? String(h.value) : h.value.toFixed(3);
  return `${h.metric} ${value}${h.layer === null ? "" : ` at layer ${h.layer}`}`;
}

/** The latest attempt's state when it is not the finished result shown: "queued", "running 40%", "rerun failed", … */
export function cellStatus(cell: CompareCellView): string | null {
  const run = cell.run;
  if (!run || run.status === "done") return null;
  const words = run.status === "running" ? `running ${Math.round(run.percent)}%` : run.status;
  return cell.result ? `rerun ${words}` : words;
}

/** The run a cell links to: the finished result when there is one (its numbers are what the cell shows), else the latest attempt. */
export function cellRunId(cell: CompareCellView): number | null {
  return cell.result?.runId ?? cell.run?.id ?? null;
}
