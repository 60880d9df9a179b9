/** Limits checked on BibTeX text before the parser sees it (the parser itself has none). */
export const BIBTEX_LIMITS = {
  /** Entries (papers) in one import. */
  entries: 100,
  /** @string definitions in one import. */
  strings: 500,
  /** Characters one field or one @string may expand to. */
  fieldChars: 10_000,
  /** Characters all fields together may expand to. */
  totalChars: 1_000_000,
} as const;

/** Months and other names every BibTeX style predefines; a reference to an unknown name counts as itself. */
const PREDEFINED_LENGTH = 9;

/**
 * Checks the shape of a BibTeX text in one linear pass, without expanding anything: how many
 * entries, and how long every field and @string would become once `#` concatenation and @string
 * references are expanded (a few hundred bytes of doubling @strings expand to gigabytes).
 * Returns a message for the person who pasted it, or null when it is within limits.
 */
export function checkBibtexBounds(text: string): string | null {
  const macros = new Map<string, number>();
  let entries = 0;
  let strings = 0;
  let total = 0;
  let i = 0;
  const n = text.length;

  const skipSpace = () => {
    while (i < n && /\s/.test(text[i] ?? "")) i++;
  };
  const readName = () => {
    const start = i;
    while (i < n && /[^\s{}(),=#"%]/.test(text[i] ?? "")) i++;
    return text.slice(start, i);
  };
  /** Length of a {…} or "…" value, with i on the opening delimiter; leaves i after the closing one. */
  const readDelimited = (): number => {
    const open = text[i];
    const start = ++i;
    let depth = 0;
    while (i < n) {
      const c = text[i];
      if (c === "\\") i++;
      else if (c === "{") depth++;
      else if (c === "}") {
        if (depth === 0 && open === "{") break;
        depth--;
      } else if (c === '"' && open === '"' && depth === 0) break;
      i++;
    }
    const length = i - start;
    i++;
    return length;
  };
  /** Expanded length of `part # part # …`; stops before `,` or the entry's closing delimiter. */
  const readValue = (): number => {
    let length = 0;
    for (;;) {
      skipSpace();
      const c = text[i];
      if (c === "{" || c === '"') length += readDelimited();
      else {
        const name = readName();
        if (name === "") break;
        length += /^\d+$/.test(name) ? name.length : (macros.get(name.toLowerCase()) ?? PREDEFINED_LENGTH);
      }
      // Bounded as we go, so a doubling chain is refused at the first oversized link.
      if (length > BIBTEX_LIMITS.fieldChars) return length;
      skipSpace();
      if (text[i] !== "#") break;
      i++;
    }
    return length;
  };

  while (i < n) {
    const at = text.indexOf("@", i);
    if (at === -1) break;
    i = at + 1;
    skipSpace();
    const type = readName().toLowerCase();
    skipSpace();
    const open = text[i];
    if (type === "" || (open !== "{" && open !== "(")) continue;
    if (type === "comment") {
      readDelimited();
      continue;
    }
    i++;
    if (type === "string") {
      strings++;
      if (strings > BIBTEX_LIMITS.strings) return `At most ${BIBTEX_LIMITS.strings} @string definitions at once.`;
      skipSpace();
      const name = readName().toLowerCase();
      skipSpace();
      if (text[i] === "=") i++;
      const length = readValue();
      if (length > BIBTEX_LIMITS.fieldChars) {
        return `The @string “${name}” expands to more than ${BIBTEX_LIMITS.fieldChars.toLocaleString("en")} characters; a BibTeX value may be at most that long.`;
      }
      macros.set(name, length);
      continue;
    }
    if (type === "preamble") {
      total += readValue();
      continue;
    }
    entries++;
    if (entries > BIBTEX_LIMITS.entries) return `At most ${BIBTEX_LIMITS.entries} entries at once; paste the rest in another import.`;
    // key, then `field = value` pairs separated by commas, until the closing delimiter
    skipSpace();
    const key = readName();
    for (;;) {
      skipSpace();
      if (text[i] === ",") i++;
      skipSpace();
      if (i >= n || text[i] === "}" || text[i] === ")" || text[i] === "@") break;
      const field = readName();
      skipSpace();
      if (field === "" || text[i] !== "=") {
        // Not a field: step over one character so malformed text cannot stall the scan.
        i++;
        continue;
      }
      i++;
      const length = readValue();
      if (length > BIBTEX_LIMITS.fieldChars) {
        return `The field “${field}” of the entry “${key}” expands to more than ${BIBTEX_LIMITS.fieldChars.toLocaleString("en")} characters.`;
      }
      total += length;
      if (total > BIBTEX_LIMITS.totalChars) return `The entries expand to more than ${BIBTEX_LIMITS.totalChars.toLocaleString("en")} characters in all.`;
    }
  }
  // Text without any entry is not handed to the parser at all (it can spend seconds on prose).
  if (entries === 0) return "No BibTeX entry found. An entry looks like @article{key, title={...}, author={...}, year={2023}}.";
  return null;
}
