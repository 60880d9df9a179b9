/**
 * Canonical forms of paper identifiers, so the same paper typed three ways is found as one.
 * arXiv: "arXiv:2310.01405v2", "https://arxiv.org/abs/2310.01405" → "2310.01405";
 *        old-style ids keep their archive: "hep-th/9901001".
 * DOI:   "https://doi.org/10.1234/ABC" → "10.1234/abc" (DOIs are case-insensitive).
 */
const NEW_ARXIV = /^(\d{4}\.\d{4,5})(v\d+)?$/;
const OLD_ARXIV = /^([a-z-]+(?:\.[a-z]{2})?\/\d{7})(v\d+)?$/i;

export function normalizeArxivId(input: string): string | null {
  const stripped = input
    .trim()
    .replace(/^https?:\/\/(www\.)?arxiv\.org\/(abs|pdf)\//i, "")
    .replace(/\.pdf$/i, "")
    .replace(/^arxiv:/i, "");
  const modern = NEW_ARXIV.exec(stripped);
  if (modern?.[1]) return modern[1];
  const old = OLD_ARXIV.exec(stripped);
  if (old?.[1]) return old[1].toLowerCase();
  return null;
}

export function normalizeDoi(input: string): string | null {
  const stripped = input
    .trim()
    .replace(/^https?:\/\/(dx\.)?doi\.org\//i, "")
    .replace(/^doi:\s*/i, "");
  return /^10\.\d{4,9}\/\S+$/.test(stripped) ? stripped.toLowerCase() : null;
}
