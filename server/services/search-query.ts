/**
 * Turns what a person types into a PostgreSQL tsquery string: every word must match,
 * the last one as a prefix so results appear while typing ("steer" finds "steering").
 * Returns null when nothing searchable is left.
 */
export function toPrefixTsQuery(input: string): string | null {
  const words = input
    .toLowerCase()
    .normalize("NFKC")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 12);
  if (words.length === 0) return null;
  return words.map((w, i) => (i === words.length - 1 ? `${w}:*` : w)).join(" & ");
}

/**
 * The words of a paper search, lower-cased and NFKC-normalised (at most 12). Unlike technique
 * search, spacing modifier letters (ʼ ˈ ː …) separate words: PostgreSQL's unaccent turns them into
 * punctuation (' : ^), which would break the tsquery once the words are accent-folded.
 */
export function paperQueryWords(input: string): string[] {
  return input
    .toLowerCase()
    .normalize("NFKC")
    .split(/[^\p{L}\p{N}]+|\p{Lm}+/u)
    .filter((w) => w.length > 0)
    .slice(0, 12);
}

/**
 * Alternatives of tsquery terms (each: every word, the last one as a prefix), deduplicated:
 * [["nina","rimsky"],["nina","panickssery"]] → [["nina","rimsky:*"],["nina","panickssery:*"]].
 * Words must already be folded; anything but letters and digits is dropped, so each term is safe
 * to pass to to_tsquery.
 */
export function tsQueryAlternatives(alternatives: readonly (readonly string[])[]): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const alternative of alternatives) {
    const words = alternative.flatMap((w) => w.split(/[^\p{L}\p{N}]+/u)).filter((w) => w.length > 0);
    if (words.length === 0) continue;
    const terms = words.map((w, i) => (i === words.length - 1 ? `${w}:*` : w));
    const key = terms.join(" ");
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(terms);
  }
  return out;
}
