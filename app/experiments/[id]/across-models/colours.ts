/** Ten colours a reader can tell apart (Tableau 10); past ten they repeat and the chart dashes the repeats. */
const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

/** Each model's colour, in the order given (the chart's legend and the table header share them). */
export function modelColours(models: readonly string[]): Record<string, string> {
  return Object.fromEntries(models.map((m, i) => [m, PALETTE[i % PALETTE.length]!]));
}
