import { z } from "zod";
import { normalizeArxivId, normalizeDoi } from "../../paper-identifiers";
import { lookUpArxiv } from "./arxiv";
import { lookUpCrossref } from "./crossref";
import type { FetchLimits } from "./fetch-bounded";
import type { LookedUpPaper } from "./metadata";

export { MetadataLookupError, type LookupFailure } from "./errors";
export type { LookedUpPaper } from "./metadata";

export interface LookupSettings {
  arxivUrl: string;
  crossrefUrl: string;
  /** Contact address for Crossref's polite pool; null when not configured. */
  mailto: string | null;
  timeoutMs: number;
  maxBytes: number;
}

const settingsSchema = z.object({
  MECHMAP_ARXIV_API_URL: z.string().url().default("https://export.arxiv.org/api/query"),
  MECHMAP_CROSSREF_API_URL: z.string().url().default("https://api.crossref.org"),
  MECHMAP_CROSSREF_MAILTO: z.email().optional(),
  MECHMAP_LOOKUP_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(8_000),
});

/** A record for one paper is a few KB; 2 MB leaves room for a huge author list and no more. */
export const MAX_LOOKUP_BYTES = 2 * 1024 * 1024;

/**
 * Where and how to look papers up, from the environment (read per call, so an operator or a test
 * can point the clients at another server): MECHMAP_ARXIV_API_URL, MECHMAP_CROSSREF_API_URL,
 * MECHMAP_CROSSREF_MAILTO, MECHMAP_LOOKUP_TIMEOUT_MS.
 */
export function lookupSettingsFromEnv(source: NodeJS.ProcessEnv = process.env): LookupSettings {
  const parsed = settingsSchema.safeParse(source);
  if (!parsed.success) throw new Error(`Paper look-up settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const s = parsed.data;
  return { arxivUrl: s.MECHMAP_ARXIV_API_URL, crossrefUrl: s.MECHMAP_CROSSREF_API_URL, mailto: s.MECHMAP_CROSSREF_MAILTO ?? null, timeoutMs: s.MECHMAP_LOOKUP_TIMEOUT_MS, maxBytes: MAX_LOOKUP_BYTES };
}

export type PaperIdentifier = { kind: "arxiv"; id: string } | { kind: "doi"; doi: string };

/**
 * An arXiv id or a DOI in any of the forms people paste (URLs, "arXiv:" and "doi:" prefixes,
 * versions). arXiv's own DOIs (10.48550/arXiv.…) are looked up on arXiv, which has the metadata.
 */
export function parseIdentifier(input: string): PaperIdentifier | null {
  const text = input.trim();
  const doi = normalizeDoi(text);
  if (doi) {
    const arxivDoi = /^10\.48550\/arxiv\.(.+)$/.exec(doi);
    const fromDoi = arxivDoi?.[1] ? normalizeArxivId(arxivDoi[1]) : null;
    return fromDoi ? { kind: "arxiv", id: fromDoi } : { kind: "doi", doi };
  }
  const arxiv = normalizeArxivId(text);
  return arxiv ? { kind: "arxiv", id: arxiv } : null;
}

function userAgent(mailto: string | null): string {
  return mailto ? `MechMap/0.1 (paper metadata look-up; mailto:${mailto})` : "MechMap/0.1 (paper metadata look-up)";
}

/** Fills a paper's fields from arXiv or Crossref. Throws MetadataLookupError with a message for the person. */
export async function lookUpPaper(identifier: PaperIdentifier, settings: LookupSettings): Promise<LookedUpPaper> {
  const limits: FetchLimits = { timeoutMs: settings.timeoutMs, maxBytes: settings.maxBytes, userAgent: userAgent(settings.mailto) };
  if (identifier.kind === "arxiv") return lookUpArxiv(identifier.id, settings.arxivUrl, limits);
  return lookUpCrossref(identifier.doi, settings.crossrefUrl, limits, settings.mailto);
}
