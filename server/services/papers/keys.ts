/**
 * Keys computed from a paper's metadata (pure functions, no database):
 *
 * - dedupe key: finds the same paper entered twice when neither copy has an arXiv id or DOI
 *   (Transformer Circuits threads, LessWrong posts). It is the normalised title, the year and the
 *   first author's surname: `toymodelsofsuperposition|2022|elhage`.
 *   Title normalisation: NFKD, accents stripped, lower-case, and every run of punctuation or
 *   whitespace removed, so "Steering Llama-2" and "Steering Llama 2." agree. A leading "The/A/An"
 *   is kept: it is part of the title as published, and people copying a title keep it; dropping it
 *   would only matter for titles that differ in nothing else.
 * - cite key base: the first author's surname in lower-case ASCII letters plus the year
 *   (`arditi2024`); collisions get a, b, c … (see cite-keys.ts).
 */

/** Letters NFKD does not decompose, folded as PostgreSQL's unaccent does. */
const EXTRA_FOLDS: Record<string, string> = { ø: "o", ł: "l", đ: "d", ð: "d", æ: "ae", œ: "oe", ß: "ss", þ: "th", ı: "i", ħ: "h", ŀ: "l" };

/** Lower-case, accents removed: "Günther" → "gunther", "Łukasz" → "lukasz". */
export function foldAccents(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[øłđðæœßþıħŀ]/g, (c) => EXTRA_FOLDS[c] ?? c);
}

/** The title as compared for duplicates: folded, letters and digits only. */
export function normalizedTitle(title: string): string {
  return foldAccents(title).replace(/[^\p{L}\p{N}]+/gu, "");
}

const NAME_SUFFIXES = new Set(["jr", "sr", "ii", "iii", "iv"]);

/**
 * The surname of an author as written on MechMap ("Nina Rimsky" → "Rimsky"); "Rimsky, Nina"
 * (BibTeX order) and a trailing "Jr." are understood. A one-word name is its own surname.
 */
export function surnameOf(author: string): string {
  const name = author.trim();
  const comma = name.indexOf(",");
  if (comma > 0) return name.slice(0, comma).trim();
  const words = name.split(/\s+/).filter((w) => w.length > 0);
  while (words.length > 1 && NAME_SUFFIXES.has(foldAccents(words[words.length - 1] ?? "").replace(/\./g, ""))) words.pop();
  return words[words.length - 1] ?? "";
}

export function dedupeKey(paper: { title: string; authors: readonly string[]; year: number | null }): string {
  const surname = foldAccents(surnameOf(paper.authors[0] ?? "")).replace(/[^\p{L}\p{N}]+/gu, "");
  return `${normalizedTitle(paper.title)}|${paper.year ?? ""}|${surname}`;
}

/** `arditi2024`; "paper" stands in for a surname with no Latin letters. */
export function citeKeyBase(paper: { authors: readonly string[]; year: number | null }): string {
  const surname = foldAccents(surnameOf(paper.authors[0] ?? "")).replace(/[^a-z]+/g, "");
  return `${surname || "paper"}${paper.year ?? ""}`;
}

/** The n-th collision suffix: 0 → "", 1 → "a", …, 26 → "z", 27 → "aa", … */
export function citeKeySuffix(n: number): string {
  let suffix = "";
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) suffix = String.fromCharCode(97 + ((k - 1) % 26)) + suffix;
  return suffix;
}
