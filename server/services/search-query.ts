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
