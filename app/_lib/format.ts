const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const dateOnly = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

export function formatDateTime(value: Date | string | null): string {
  if (value === null) return "";
  return `${dateTime.format(new Date(value))} UTC`;
}

export function formatDate(value: Date | string | null): string {
  if (value === null) return "";
  return dateOnly.format(new Date(value));
}

/** "A. Author, B. Author and C. Author" — or "A. Author et al." past `max` names. */
export function formatAuthors(authors: readonly string[], max = 4): string {
  if (authors.length === 0) return "Unknown authors";
  if (authors.length > max) return `${authors.slice(0, max - 1).join(", ")} et al.`;
  if (authors.length === 1) return authors[0] ?? "";
  return `${authors.slice(0, -1).join(", ")} and ${authors[authors.length - 1]}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "diffmean.accuracy 0.842 at layer 3": a run's headline metric in words. */
export function formatHeadline(h: { metric: string; value: number; layer: number | null }): string {
  const value = Number.isInteger(h.value) ? String(h.value) : h.value.toFixed(3);
  return `${h.metric} ${value}${h.layer === null ? "" : ` at layer ${h.layer}`}`;
}
