import { z } from "zod";

/** Control characters (other than line breaks in the abstract) have no place in paper fields; the paper form refuses them. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** One line of text: NFC, no control characters, whitespace collapsed, at most `max` characters. */
export function line(text: string, max: number): string {
  const clean = text.normalize("NFC").replace(CONTROL, "").replace(/\s+/g, " ").trim();
  return clean.length > max ? `${clean.slice(0, max - 1).trimEnd()}…` : clean;
}

/** Paragraphs kept (blank line between), whitespace inside them collapsed. */
export function paragraphs(text: string, max: number): string {
  const clean = text
    .normalize("NFC")
    .replace(CONTROL, "")
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter((p) => p.length > 0)
    .join("\n\n");
  return clean.length > max ? `${clean.slice(0, max - 1).trimEnd()}…` : clean;
}

/** Limits of the paper form (server/services/paper-input.ts), so a filled form can be submitted as is. */
export const FIELD_LIMITS = { title: 500, author: 200, authors: 200, venue: 300, abstract: 10_000 } as const;

/** What a look-up fills in: the paper form's fields, plus where it came from. */
export const lookedUpPaperSchema = z.object({
  source: z.enum(["arxiv", "crossref"]),
  title: z.string().min(1).max(FIELD_LIMITS.title),
  authors: z.array(z.string().min(1).max(FIELD_LIMITS.author)).max(FIELD_LIMITS.authors),
  year: z.number().int().min(1900).max(2100).nullable(),
  venue: z.string().max(FIELD_LIMITS.venue).nullable(),
  abstract: z.string().max(FIELD_LIMITS.abstract),
  arxivId: z.string().nullable(),
  doi: z.string().nullable(),
  url: z.string().nullable(),
  /** arXiv primary category (cs.LG), for BibTeX's primaryClass. */
  primaryCategory: z.string().nullable(),
});
export type LookedUpPaper = z.infer<typeof lookedUpPaperSchema>;

/** A year the paper form accepts, else null. */
export function plausibleYear(year: number | null | undefined): number | null {
  return typeof year === "number" && Number.isInteger(year) && year >= 1900 && year <= 2100 ? year : null;
}
