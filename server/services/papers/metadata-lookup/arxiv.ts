import { normalizeArxivId, normalizeDoi } from "../../paper-identifiers";
import { BY_HAND, MetadataLookupError } from "./errors";
import { fetchBounded, type FetchLimits } from "./fetch-bounded";
import { FIELD_LIMITS, line, lookedUpPaperSchema, paragraphs, plausibleYear, type LookedUpPaper } from "./metadata";
import { childrenNamed, firstChild, parseXml, textOf, XmlError, type XmlElement } from "./xml";

const ATOM = "http://www.w3.org/2005/Atom";
const ARXIV = "http://arxiv.org/schemas/atom";

export const ARXIV_SERVICE = "arXiv";

const malformed = () => new MetadataLookupError("malformed", `arXiv sent an answer that could not be read. Try again later, or ${BY_HAND.toLowerCase()}`);
const noSuchPaper = (id: string) => new MetadataLookupError("not_found", `arXiv has no paper ${id}.`);

/**
 * Reads the API's Atom feed for one id: title, authors, year of first submission, abstract,
 * primary category, DOI and journal reference (as the venue) when the authors gave them.
 * An empty feed, arXiv's "Error" entry, or an entry for another id mean there is no such paper.
 */
export function parseArxivFeed(xml: string, arxivId: string): LookedUpPaper {
  let feed: XmlElement;
  try {
    feed = parseXml(xml);
  } catch (error) {
    if (error instanceof XmlError) throw malformed();
    throw error;
  }
  if (feed.ns !== ATOM || feed.name !== "feed") throw malformed();
  const entry = childrenNamed(feed, ATOM, "entry").find((e) => normalizeArxivId(textOf(firstChild(e, ATOM, "id")).trim()) === arxivId);
  if (!entry) throw noSuchPaper(arxivId);
  const title = line(textOf(firstChild(entry, ATOM, "title")), FIELD_LIMITS.title);
  const authors = childrenNamed(entry, ATOM, "author")
    .map((a) => line(textOf(firstChild(a, ATOM, "name")), FIELD_LIMITS.author))
    .filter((name) => name.length > 0)
    .slice(0, FIELD_LIMITS.authors);
  // Older API versions answered a missing id with an empty entry rather than an empty feed.
  if (!title || authors.length === 0) throw noSuchPaper(arxivId);
  const published = /^(\d{4})-/.exec(textOf(firstChild(entry, ATOM, "published")).trim());
  const doi = normalizeDoi(textOf(firstChild(entry, ARXIV, "doi")).trim());
  const journalRef = line(textOf(firstChild(entry, ARXIV, "journal_ref")), FIELD_LIMITS.venue);
  const primary = firstChild(entry, ARXIV, "primary_category")?.attributes.term ?? "";
  const result = lookedUpPaperSchema.safeParse({
    source: "arxiv",
    title,
    authors,
    year: plausibleYear(published?.[1] ? Number(published[1]) : null),
    venue: journalRef || null,
    abstract: paragraphs(textOf(firstChild(entry, ATOM, "summary")), FIELD_LIMITS.abstract),
    arxivId,
    doi,
    url: null,
    primaryCategory: /^[a-z-]+(\.[A-Za-z-]+)?$/.test(primary) ? primary : null,
  });
  if (!result.success) throw malformed();
  return result.data;
}

/** Looks a paper up on the arXiv API (`baseUrl` is the query endpoint, e.g. https://export.arxiv.org/api/query). */
export async function lookUpArxiv(arxivId: string, baseUrl: string, limits: FetchLimits): Promise<LookedUpPaper> {
  const url = new URL(baseUrl);
  url.searchParams.set("id_list", arxivId);
  url.searchParams.set("max_results", "1");
  const response = await fetchBounded(url, ARXIV_SERVICE, limits, "application/atom+xml");
  if (response.status === 404) throw noSuchPaper(arxivId);
  // arXiv answers an id it cannot read with 400 and an Error entry.
  if (response.status === 400) throw noSuchPaper(arxivId);
  if (response.status === 429 || response.status === 503) {
    throw new MetadataLookupError("upstream", `arXiv is busy (it limits how often it is asked). Try again in a minute, or ${BY_HAND.toLowerCase()}`);
  }
  if (response.status !== 200) throw new MetadataLookupError("upstream", `arXiv answered with an error (${response.status}). Try again later, or ${BY_HAND.toLowerCase()}`);
  return parseArxivFeed(response.body, arxivId);
}
