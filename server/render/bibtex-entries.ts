import { parse, type Creator, type Options } from "@retorquere/bibtex-parser";
import { normalizeArxivId, normalizeDoi } from "../services/paper-identifiers";
import type { PaperDetails } from "../services/papers/paper-details";

export interface BibtexPaper extends PaperDetails {
  key: string;
  bibtex: string;
}

function creatorName(c: Creator): string {
  if (c.name) return c.name;
  return [c.firstName, c.lastName].filter(Boolean).join(" ");
}

function arxivFrom(fields: Record<string, unknown>): string | null {
  const archive = String(fields.archiveprefix ?? fields.eprinttype ?? "").toLowerCase();
  const eprint = typeof fields.eprint === "string" ? fields.eprint : null;
  if (eprint && (archive === "arxiv" || archive === "")) {
    const id = normalizeArxivId(eprint);
    if (id) return id;
  }
  const url = typeof fields.url === "string" ? fields.url : "";
  if (/arxiv\.org/i.test(url)) return normalizeArxivId(url);
  const journal = typeof fields.journal === "string" ? fields.journal : "";
  const m = /arxiv[:\s]+(\S+)/i.exec(journal);
  return m?.[1] ? normalizeArxivId(m[1]) : null;
}

/** "arXiv preprint arXiv:…" is not a venue; the id is kept separately. */
function venueFrom(raw: string | null): string | null {
  if (!raw || /^arxiv\b|preprint/i.test(raw)) return null;
  return raw.replace(/\s+/g, " ").trim();
}

/** LaTeX's named math operators: the parser has no Unicode for them and would drop them. */
const MATH_OPERATORS = new Set(
  "arccos arcsin arctan arg cos cosh cot coth csc deg det dim exp gcd hom inf ker lg lim liminf limsup ln log max min Pr sec sin sinh sup tan tanh".split(" "),
);

/**
 * Commands the parser does not know. A math operator is kept as math (`$\cos$`), so "the $\cos$
 * similarity" does not lose its word; other unknown commands are dropped as before (their
 * arguments stay as text).
 */
const keepMathOperators: NonNullable<Options["unsupported"]> = (node, tex) => {
  if (node.type === "macro" && typeof node.content === "string" && MATH_OPERATORS.has(node.content)) {
    // In running text the parser also swallowed the space after the command; give it back.
    return node._renderInfo?.mode === "math" ? `$${tex}$` : `$${tex}$ `;
  }
  return "";
};

/** No space left before punctuation after a kept `$…$`. */
function tidyMath(text: string): string {
  return text.replace(/\$ (?=[,.;:!?)\]])/g, "$");
}

/**
 * Parses BibTeX with a maintained parser and maps each entry to a paper (runs in the BibTeX worker
 * thread, after checkBibtexBounds). Refusals come back as `{ error }` for the person who pasted it.
 */
export function entriesFromBibtex(input: string): { papers: BibtexPaper[] } | { error: string } {
  const library = parse(input, { sentenceCase: false, english: false, unsupported: keepMathOperators });
  if (library.entries.length === 0) {
    const reason = library.errors[0] ? `: ${library.errors[0].error}` : "";
    return { error: `No BibTeX entry could be read${reason}. An entry looks like @article{key, title={...}, author={...}, year={2023}}.` };
  }
  const papers: BibtexPaper[] = [];
  for (const entry of library.entries) {
    const f = entry.fields;
    const title = tidyMath((f.title ?? "").replace(/\s+/g, " ").trim());
    if (!title) return { error: `The entry “${entry.key}” has no title.` };
    const authors = (f.author ?? []).map(creatorName).filter((n) => n.length > 0);
    if (authors.length === 0) return { error: `The entry “${entry.key}” has no authors.` };
    const year = Number.parseInt(f.year ?? f.date ?? "", 10);
    papers.push({
      key: entry.key,
      title,
      authors,
      year: Number.isFinite(year) ? year : null,
      venue: venueFrom(f.booktitle ?? f.journal ?? f.journaltitle ?? null),
      abstract: tidyMath(f.abstract ?? "").trim(),
      arxivId: arxivFrom(f),
      doi: f.doi ? normalizeDoi(f.doi) : null,
      url: f.url ?? null,
      bibtex: entry.input.trim(),
    });
  }
  return { papers };
}
