/** A one-line text progress bar for downloads (the CLI redraws it on stderr). */
import type { DownloadProgress } from "./hub-download";

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** e.g. `stories260K.gguf [##########----------]  50% 579 KB / 1.13 MB`. Unknown totals show bytes only. */
export function renderProgressBar(p: DownloadProgress, width = 30): string {
  if (p.bytesTotal === null || p.bytesTotal <= 0) return `${p.file} ${formatBytes(p.bytesDone)}`;
  const fraction = Math.min(1, Math.max(0, p.bytesDone / p.bytesTotal));
  const filled = Math.round(fraction * width);
  const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `${p.file} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${pct} ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}`;
}
