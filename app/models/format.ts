/** Words and numbers of the models pages. */

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** 292800 → "292,800"; unknown → "—". */
export function formatCount(n: number | null): string {
  return n === null ? "—" : integer.format(n);
}

/** Mean next-token loss: "1.727 nats/token". */
export function formatLoss(loss: number | null): string {
  return loss === null ? "—" : `${loss.toFixed(3)} nats/token`;
}

/** "8 (4 key/value)" for grouped-query attention, "8" when every head has its own keys and values. */
export function formatHeads(heads: number | null, kvHeads: number | null): string {
  if (heads === null) return "—";
  return kvHeads !== null && kvHeads !== heads ? `${heads} (${kvHeads} key/value)` : String(heads);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export const MODEL_STATUS_LABELS: Record<string, string> = {
  registered: "Registered",
  downloading: "Downloading",
  compiling: "Compiling",
  ready: "Ready",
  failed: "Failed",
};

export const MODEL_STATUS_HINTS: Record<string, string> = {
  registered: "Registered; the weights are not fetched yet.",
  downloading: "The weights are being downloaded.",
  compiling: "A worker is compiling the model; experiments run on it once it is ready.",
  ready: "Ready: published experiments run on it.",
  failed: "The model could not be loaded.",
};

export const RUN_STATUS_LABELS: Record<string, string> = { queued: "Queued", running: "Running", done: "Done", failed: "Failed", cancelled: "Cancelled" };

/** A headline number: three decimals, or the integer itself. */
export function formatMetricValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

/** The model page's address (names are letters, digits, '.', '_' and '-', but encode anyway). */
export function modelHref(name: string): string {
  return `/models/${encodeURIComponent(name)}`;
}
