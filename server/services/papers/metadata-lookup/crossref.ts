import { z } from "zod";
import { normalizeDoi } from "../../paper-identifiers";
import { BY_HAND, MetadataLookupError } from "./errors";
import { fetchBounded, type FetchLimits } from "./fetch-bounded";
import { FIELD_LIMITS, line, lookedUpPaperSchema, paragraphs, plausibleYear, type LookedUpPaper } from "./metadata";

export const CROSSREF_SERVICE = "Crossref";

const malformed = () => new MetadataLookupError("malformed", `Crossref sent an answer that could not be read. Try again later, or ${BY_HAND.toLowerCase()}`);

const dateParts = z.object({ "date-parts": z.array(z.array(z.number().nullable())).optional() }).optional();

/** The parts of a Crossref work record we use (https://api.crossref.org/works/{doi}); the rest is ignored. */
const crossrefWorkSchema = z.object({
  status: z.literal("ok"),
  message: z.object({
    DOI: z.string(),
    type: z.string().optional(),
    title: z.array(z.string()).default([]),
    subtitle: z.array(z.string()).optional(),
    author: z
      .array(z.object({ given: z.string().optional(), family: z.string().optional(), name: z.string().optional() }))
      .default([]),
    issued: dateParts,
    "published-print": dateParts,
    "published-online": dateParts,
    "container-title": z.array(z.string()).default([]),
    abstract: z.string().optional(),
    URL: z.string().optional(),
  }),
});

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", nbsp: " " };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (whole, entity: string) => {
    if (entity.startsWith("#")) {
      const code = entity[1] === "x" || entity[1] === "X" ? Number.parseInt(entity.slice(2), 16) : Number.parseInt(entity.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

/** Titles sometimes carry inline markup (<i>, <sub>, <mml:math>…); people want the words. */
function markupToText(text: string): string {
  return decodeEntities(text.replace(/<[^>]{0,500}>/g, ""));
}

/**
 * A JATS abstract as plain text: paragraphs kept, a leading "Abstract" heading dropped, every
 * other tag removed, entities decoded.
 */
export function jatsToText(jats: string): string {
  const withoutHeading = jats.replace(/^\s*<(?:jats:)?title>\s*abstract\s*<\/(?:jats:)?title>/i, "");
  const withBreaks = withoutHeading.replace(/<\/?(?:jats:)?(?:p|sec|title)\b[^>]{0,200}>/gi, "\n\n");
  return paragraphs(markupToText(withBreaks), FIELD_LIMITS.abstract);
}

function yearOf(...dates: Array<z.infer<typeof dateParts>>): number | null {
  for (const d of dates) {
    const year = plausibleYear(d?.["date-parts"]?.[0]?.[0] ?? null);
    if (year !== null) return year;
  }
  return null;
}

/** Reads a Crossref work record into the paper form's fields. */
export function parseCrossrefWork(json: string, doi: string): LookedUpPaper {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw malformed();
  }
  const parsed = crossrefWorkSchema.safeParse(raw);
  if (!parsed.success) throw malformed();
  const work = parsed.data.message;
  const mainTitle = line(markupToText(work.title[0] ?? ""), FIELD_LIMITS.title);
  const subtitle = work.subtitle?.[0] ? line(markupToText(work.subtitle[0]), FIELD_LIMITS.title) : "";
  const title = subtitle && !mainTitle.endsWith(subtitle) ? line(`${mainTitle}: ${subtitle}`, FIELD_LIMITS.title) : mainTitle;
  const authors = work.author
    .map((a) => line(a.name ?? [a.given, a.family].filter(Boolean).join(" "), FIELD_LIMITS.author))
    .filter((name) => name.length > 0)
    .slice(0, FIELD_LIMITS.authors);
  if (!title) throw new MetadataLookupError("not_found", `Crossref has no title for ${doi}. ${BY_HAND}`);
  const venue = line(markupToText(work["container-title"][0] ?? ""), FIELD_LIMITS.venue);
  const result = lookedUpPaperSchema.safeParse({
    source: "crossref",
    title,
    authors,
    year: yearOf(work.issued, work["published-print"], work["published-online"]),
    venue: venue || null,
    abstract: work.abstract ? jatsToText(work.abstract) : "",
    arxivId: null,
    doi: normalizeDoi(work.DOI) ?? doi,
    url: null,
    primaryCategory: null,
  });
  if (!result.success) throw malformed();
  return result.data;
}

/**
 * Looks a DOI up in Crossref's REST API (`baseUrl` e.g. https://api.crossref.org). With a contact
 * address, requests go to Crossref's "polite" pool (the address is in the User-Agent and the query).
 */
export async function lookUpCrossref(doi: string, baseUrl: string, limits: FetchLimits, mailto: string | null): Promise<LookedUpPaper> {
  const url = new URL(`${baseUrl.replace(/\/+$/, "")}/works/${encodeURIComponent(doi)}`);
  if (mailto) url.searchParams.set("mailto", mailto);
  const response = await fetchBounded(url, CROSSREF_SERVICE, limits, "application/json");
  if (response.status === 404) throw new MetadataLookupError("not_found", `Crossref has no record of the DOI ${doi}. Check it, or ${BY_HAND.toLowerCase()}`);
  if (response.status === 429 || response.status === 503) {
    throw new MetadataLookupError("upstream", `Crossref is busy. Try again in a minute, or ${BY_HAND.toLowerCase()}`);
  }
  if (response.status !== 200) throw new MetadataLookupError("upstream", `Crossref answered with an error (${response.status}). Try again later, or ${BY_HAND.toLowerCase()}`);
  return parseCrossrefWork(response.body, doi);
}
