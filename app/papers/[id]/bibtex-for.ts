export interface BibtexSource {
  title: string;
  authors: readonly string[];
  year: number | null;
  venue: string | null;
  arxivId: string | null;
  doi: string | null;
  url: string | null;
}

/** Braces would unbalance the entry; BibTeX values here are plain text. */
const clean = (s: string) => s.replace(/[{}]/g, "").replace(/\s+/g, " ").trim();

const ascii = (s: string) =>
  s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");

const STOP_WORDS = new Set(["a", "an", "the", "on", "of", "in", "for", "and", "to", "via", "with"]);

/** A citation key like "rimsky2023steering": first author's surname, year, first real word of the title. */
export function bibtexKey(p: Pick<BibtexSource, "title" | "authors" | "year">): string {
  const firstAuthor = p.authors[0] ?? "anonymous";
  const surname = ascii(firstAuthor.includes(",") ? (firstAuthor.split(",")[0] ?? "") : (firstAuthor.trim().split(/\s+/).pop() ?? "")) || "anonymous";
  const word = p.title
    .split(/\s+/)
    .map(ascii)
    .find((w) => w.length > 0 && !STOP_WORDS.has(w));
  return `${surname}${p.year ?? ""}${word ?? ""}`;
}

/**
 * A simple BibTeX entry for a paper that has none stored: @article when it has a venue,
 * otherwise @misc (with the arXiv eprint when known).
 */
export function bibtexFor(p: BibtexSource): string {
  const fields: Array<[string, string]> = [
    ["title", clean(p.title)],
    ["author", p.authors.map(clean).join(" and ")],
  ];
  if (p.year !== null) fields.push(["year", String(p.year)]);
  if (p.venue) fields.push(["journal", clean(p.venue)]);
  if (p.arxivId) {
    fields.push(["eprint", clean(p.arxivId)], ["archivePrefix", "arXiv"]);
  }
  if (p.doi) fields.push(["doi", clean(p.doi)]);
  const url = p.url ?? (p.arxivId ? `https://arxiv.org/abs/${p.arxivId}` : null);
  if (url) fields.push(["url", clean(url)]);
  const type = p.venue ? "article" : "misc";
  const width = Math.max(...fields.map(([k]) => k.length));
  const body = fields.map(([k, v]) => `  ${k.padEnd(width)} = {${v}}`).join(",\n");
  return `@${type}{${bibtexKey(p)},\n${body}\n}`;
}
