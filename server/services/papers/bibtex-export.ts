/**
 * BibTeX for a paper that has none stored: the entry type its venue calls for, titles with
 * acronyms and proper nouns brace-protected, special characters escaped (LaTeX maths kept), authors
 * as "Last, First" joined by " and ", and a stable citation key.
 */

export interface BibtexExportSource {
  title: string;
  authors: readonly string[];
  year: number | null;
  venue: string | null;
  arxivId: string | null;
  doi: string | null;
  url: string | null;
  /** `papers.cite_key`, when set: the key people already cite the paper by. */
  citeKey?: string | null;
  /** arXiv primary category (cs.LG), when known. */
  primaryClass?: string | null;
}

export type BibtexEntryType = "inproceedings" | "article" | "misc";
type VenueKind = "conference" | "journal" | "post" | "preprint";

interface KnownVenue {
  /** Matches the venue as people write it ("NeurIPS 2023", "Findings of EMNLP 2023"). */
  pattern: RegExp;
  kind: VenueKind;
}

/**
 * Venues seen in interpretability papers, by kind. Checked in order: the first match decides, so
 * journals named after a conference's society (TACL) come before the conference (ACL).
 */
const KNOWN_VENUES: readonly KnownVenue[] = [
  { pattern: /\bworkshops?\b/i, kind: "conference" },
  // journals
  { pattern: /\b(TACL|Transactions of the Association for Computational Linguistics)\b/i, kind: "journal" },
  { pattern: /\b(TMLR|Transactions on Machine Learning Research)\b/i, kind: "journal" },
  { pattern: /\b(JMLR|Journal of Machine Learning Research)\b/i, kind: "journal" },
  { pattern: /\b(JAIR|Journal of Artificial Intelligence Research)\b/i, kind: "journal" },
  { pattern: /^(Computational Linguistics|Distill|Nature|Science|PNAS|Neural Computation|Neural Networks|eLife|Neuron|Patterns)\b/i, kind: "journal" },
  { pattern: /\bNature (Machine Intelligence|Communications|Neuroscience)\b/i, kind: "journal" },
  { pattern: /\bProceedings of the National Academy of Sciences\b/i, kind: "journal" },
  { pattern: /\bIEEE Transactions\b|\bACM Computing Surveys\b|\bArtificial Intelligence\s*$/i, kind: "journal" },
  // posts and research threads published on the web
  { pattern: /\bLessWrong\b/i, kind: "post" },
  { pattern: /\bAlignment Forum\b/i, kind: "post" },
  { pattern: /\bTransformer Circuits\b/i, kind: "post" },
  { pattern: /\b(blog|substack|medium\.com|notion|github\.io)\b/i, kind: "post" },
  { pattern: /^(Anthropic|OpenAI|Google DeepMind|DeepMind|Apollo Research|EleutherAI|Redwood Research|METR|Goodfire|Neuronpedia)\b/i, kind: "post" },
  // conferences and their workshops (a workshop paper is cited @inproceedings too)
  {
    pattern:
      /\b(NeurIPS|NIPS|ICML|ICLR|ACL|EMNLP|NAACL|EACL|AACL|COLING|CoNLL|LREC|COLM|AAAI|IJCAI|AISTATS|UAI|CVPR|ICCV|ECCV|WACV|KDD|WWW|SIGIR|FAccT|CHI|SaTML|CLeaR|BlackboxNLP|DeeLIO|IJCNLP|Interspeech|ICASSP|CogSci|ALT|COLT|L4DC|CoRL|RSS)\b/,
    kind: "conference",
  },
  { pattern: /\bFindings of\b/i, kind: "conference" },
  { pattern: /\bAdvances in Neural Information Processing Systems\b/i, kind: "conference" },
  { pattern: /\bInternational Conference on\b/i, kind: "conference" },
  { pattern: /^arXiv\b|\bpreprint\b|^CoRR\b/i, kind: "preprint" },
];

/** Words that say what a venue is when it is not in the table. */
function kindFromWords(venue: string): VenueKind | null {
  if (/\b(proceedings|conference|symposium|workshop|meeting|congress|colloquium)\b/i.test(venue)) return "conference";
  if (/\b(journal|transactions|letters|review|magazine|quarterly|annals)\b/i.test(venue)) return "journal";
  return null;
}

/** Hosts whose pages are posts rather than papers (a paper with no venue but such a URL). */
const POST_HOSTS = /^(?:www\.)?(lesswrong\.com|alignmentforum\.org|transformer-circuits\.pub|distill\.pub|[a-z0-9-]+\.substack\.com|medium\.com|[a-z0-9-]+\.github\.io|anthropic\.com|openai\.com|deepmind\.google|neelnanda\.io)$/i;
const POST_SITE_NAMES: Record<string, string> = {
  "lesswrong.com": "LessWrong",
  "alignmentforum.org": "AI Alignment Forum",
  "transformer-circuits.pub": "Transformer Circuits Thread",
  "distill.pub": "Distill",
};

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

export function venueKind(venue: string | null, url: string | null = null): VenueKind | null {
  const v = venue?.trim() ?? "";
  if (v) {
    const known = KNOWN_VENUES.find((k) => k.pattern.test(v));
    if (known) return known.kind;
    return kindFromWords(v);
  }
  const host = hostOf(url);
  if (host && POST_HOSTS.test(host)) return host.endsWith("distill.pub") ? "journal" : "post";
  return null;
}

/** The entry type and the field the venue goes in. */
export function entryTypeFor(p: Pick<BibtexExportSource, "venue" | "url">): { type: BibtexEntryType; venueField: "booktitle" | "journal" | "howpublished" | null } {
  const kind = venueKind(p.venue, p.url);
  if (kind === "conference") return { type: "inproceedings", venueField: "booktitle" };
  if (kind === "journal") return { type: "article", venueField: "journal" };
  if (kind === "preprint") return { type: "misc", venueField: null };
  // Posts, reports and venues we cannot place: @misc says where it appeared without claiming a journal.
  return { type: "misc", venueField: p.venue?.trim() || kind === "post" ? "howpublished" : null };
}

// ---------------------------------------------------------------------------------------------
// Text: escaping and case protection

const ESCAPES: Record<string, string> = {
  "&": "\\&",
  "%": "\\%",
  $: "\\$",
  "#": "\\#",
  _: "\\_",
  "{": "\\{",
  "}": "\\}",
  "~": "\\textasciitilde{}",
  "^": "\\textasciicircum{}",
  "\\": "\\textbackslash{}",
};

const balancedBraces = (s: string) => {
  let depth = 0;
  for (const c of s.replace(/\\[{}]/g, "")) {
    if (c === "{") depth++;
    else if (c === "}" && --depth < 0) return false;
  }
  return depth === 0;
};

/** Splits text into plain runs and `$…$` maths (kept as written when its braces balance). */
function segments(text: string): Array<{ math: boolean; text: string }> {
  const out: Array<{ math: boolean; text: string }> = [];
  const re = /\$([^$]+)\$/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    const body = m[1] ?? "";
    if (!balancedBraces(body) || /^\s|\s$/.test(body)) continue;
    if (m.index > last) out.push({ math: false, text: text.slice(last, m.index) });
    out.push({ math: true, text: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ math: false, text: text.slice(last) });
  return out;
}

/**
 * Names that keep their capital in sentence case although nothing else marks them: models,
 * organisations, people whose names became methods, languages.
 */
const PROPER_NOUNS = new Set(
  [
    "Llama", "Gemma", "Mistral", "Mixtral", "Pythia", "Claude", "Gemini", "Qwen", "Chinchilla", "Falcon", "Vicuna", "Alpaca", "Olmo", "Phi",
    "Anthropic", "Google", "DeepMind", "Meta", "Microsoft", "Wikipedia", "Reddit", "Twitter", "GitHub",
    "English", "French", "German", "Chinese", "Spanish", "Japanese", "Python", "Othello", "Transformers",
    "Bayes", "Bayesian", "Gauss", "Gaussian", "Markov", "Shapley", "Fourier", "Hessian", "Jacobian", "Euclidean", "Hopfield", "Boltzmann", "Hebbian",
    "Lipschitz", "Laplace", "Laplacian", "Kullback", "Leibler", "Monte", "Carlo", "Turing", "Riemannian", "Wasserstein", "Procrustes",
  ].map((w) => w.toLowerCase()),
);

/**
 * Whether a word must keep its case: capitals after the first letter (GPT, LLaMA, TinyStories),
 * a capital with digits (T5), or a proper noun.
 */
function needsProtection(word: string): boolean {
  const letters = word.replace(/[^\p{L}\p{N}]/gu, "");
  if (letters.length === 0) return false;
  if (/\p{Lu}/u.test(letters.slice(1))) return true;
  if (/\p{Lu}/u.test(letters) && /\p{N}/u.test(letters)) return true;
  return /^\p{Lu}/u.test(letters) && PROPER_NOUNS.has(letters.toLowerCase());
}

/** Plain title text, escaped, with each word that must keep its case wrapped in braces: "{GPT}-2", "{Llama}". */
function protectPlain(text: string): string {
  // Words are runs of letters and digits; hyphens, apostrophes and punctuation split them, so "GPT-2" protects "GPT" only.
  return text.replace(/[\p{L}\p{M}\p{N}]+|[^\p{L}\p{M}\p{N}]+/gu, (run) =>
    /^[\p{L}\p{M}\p{N}]/u.test(run) ? (needsProtection(run) ? `{${run}}` : run) : escapeRun(run),
  );
}

/** A title for BibTeX: maths kept, the rest escaped, acronyms and proper nouns brace-protected. */
export function bibtexTitle(title: string): string {
  const text = title.normalize("NFC").replace(/\s+/g, " ").trim();
  return segments(text)
    .map((s) => (s.math ? s.text : protectPlain(s.text)))
    .join("");
}

/** Other text fields (venues, notes): escaped, maths kept. */
function bibtexText(text: string): string {
  const t = text.normalize("NFC").replace(/\s+/g, " ").trim();
  return segments(t)
    .map((s) => (s.math ? s.text : escapeRun(s.text)))
    .join("");
}

/** Escapes one run without trimming it (spaces between runs are meaningful). */
function escapeRun(run: string): string {
  return run.replace(/[&%$#_{}~^\\]/g, (c) => ESCAPES[c] ?? c);
}

// ---------------------------------------------------------------------------------------------
// Authors

const PARTICLES = new Set(["van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "ter", "ten", "zu", "dos", "das", "y", "bin", "al"]);
const SUFFIXES = /^(jr\.?|sr\.?|ii|iii|iv)$/i;

/** One author as BibTeX: "Last, First" ("van Beethoven, Ludwig", "King, Jr., Martin"); a one-word name (an organisation) braced whole. */
export function bibtexName(name: string): string {
  const clean = name.normalize("NFC").replace(/\s+/g, " ").trim();
  const esc = (s: string) => escapeRun(s);
  // " and " inside a name would split it into two authors.
  if (/\band\b/i.test(clean) && !clean.includes(",")) return `{${esc(clean)}}`;
  if (clean.includes(",")) {
    const parts = clean.split(",").map((p) => p.trim());
    return parts.map(esc).join(", ");
  }
  const words = clean.split(" ");
  if (words.length === 1) return `{${esc(clean)}}`;
  let suffix: string | null = null;
  if (words.length > 2 && SUFFIXES.test(words[words.length - 1] ?? "")) suffix = words.pop() ?? null;
  // The last name starts at the first lower-case particle after the first word, else it is the last word.
  let start = words.length - 1;
  for (let i = 1; i < words.length - 1; i++) {
    if (PARTICLES.has(words[i] ?? "")) {
      start = i;
      break;
    }
  }
  const first = words.slice(0, start).join(" ");
  const last = words.slice(start).join(" ");
  return [esc(last), suffix ? esc(suffix) : null, esc(first)].filter((p): p is string => p !== null).join(", ");
}

// ---------------------------------------------------------------------------------------------
// Keys

const ascii = (s: string) =>
  s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");

function surnameOf(author: string): string {
  const clean = author.trim();
  if (clean.includes(",")) return clean.split(",")[0] ?? "";
  const words = clean.split(/\s+/);
  if (words.length > 2 && SUFFIXES.test(words[words.length - 1] ?? "")) words.pop();
  return words[words.length - 1] ?? "";
}

/** Characters BibTeX and biber accept in a key (no spaces, braces, commas, quotes, #, %, ~, =, \). */
const SAFE_KEY = /^[A-Za-z0-9_:.+\-/]{1,100}$/;

/** The key to cite the paper by: its stored cite key, else first author's surname and year ("arditi2024"). */
export function citationKey(p: Pick<BibtexExportSource, "authors" | "year" | "citeKey">): string {
  if (p.citeKey && SAFE_KEY.test(p.citeKey)) return p.citeKey;
  const surname = ascii(surnameOf(p.authors[0] ?? "")) || "anonymous";
  return `${surname}${p.year ?? ""}`;
}

// ---------------------------------------------------------------------------------------------
// Entries

/** URL and identifier fields are verbatim in BibTeX, but braces would still unbalance the entry. */
const verbatim = (s: string) => s.replace(/[{}\s]/g, "");

const NOTE_FOR_POST: Array<[RegExp, string]> = [
  [/\b(LessWrong|Alignment Forum)\b/i, "Forum post"],
  [/\bTransformer Circuits\b/i, "Research thread"],
  [/\bblog\b/i, "Blog post"],
];

function siteName(p: BibtexExportSource): string | null {
  if (p.venue?.trim()) return p.venue.trim();
  const host = hostOf(p.url)?.replace(/^www\./, "");
  return host ? (POST_SITE_NAMES[host] ?? host) : null;
}

/** One BibTeX entry for a paper, with the given key (see citationKey). */
export function bibtexEntry(p: BibtexExportSource, key: string = citationKey(p)): string {
  const { type, venueField } = entryTypeFor(p);
  const kind = venueKind(p.venue, p.url);
  const fields: Array<[string, string]> = [
    ["title", bibtexTitle(p.title)],
    ["author", p.authors.map(bibtexName).join(" and ")],
  ];
  if (p.year !== null) fields.push(["year", String(p.year)]);
  if (venueField === "booktitle" || venueField === "journal") {
    fields.push([venueField, bibtexText(p.venue ?? "")]);
  } else if (venueField === "howpublished") {
    const site = siteName(p);
    if (site) fields.push(["howpublished", bibtexText(site)]);
  }
  if (p.arxivId) {
    fields.push(["eprint", verbatim(p.arxivId)], ["archivePrefix", "arXiv"]);
    if (p.primaryClass) fields.push(["primaryClass", verbatim(p.primaryClass)]);
  }
  if (p.doi) fields.push(["doi", verbatim(p.doi)]);
  const url = p.url ?? (p.arxivId ? `https://arxiv.org/abs/${p.arxivId}` : null);
  if (url) fields.push(["url", verbatim(url)]);
  if (kind === "post") {
    const note = NOTE_FOR_POST.find(([re]) => re.test(`${p.venue ?? ""} ${p.url ?? ""}`))?.[1] ?? "Web page";
    fields.push(["note", note]);
  }
  const width = Math.max(...fields.map(([k]) => k.length));
  const body = fields.map(([k, v]) => `  ${k.padEnd(width)} = {${v}}`).join(",\n");
  return `@${type}{${key},\n${body}\n}`;
}

/** Same as bibtexEntry with the paper's own key (the page's generated BibTeX). */
export function bibtexFor(p: BibtexExportSource): string {
  return bibtexEntry(p);
}

/**
 * Several papers in one file. Stored cite keys are kept (people cite by them); a generated key
 * that would repeat one gets a, b, c… so every entry can be cited.
 */
export function bibtexForMany(papers: readonly BibtexExportSource[]): string {
  const used = new Set(papers.map((p) => (p.citeKey && SAFE_KEY.test(p.citeKey) ? p.citeKey : null)).filter((k): k is string => k !== null));
  return papers
    .map((p) => {
      if (p.citeKey && SAFE_KEY.test(p.citeKey)) return bibtexEntry(p, p.citeKey);
      const base = citationKey(p);
      let key = base;
      for (let n = 1; used.has(key); n++) key = `${base}${suffixLetters(n)}`;
      used.add(key);
      return bibtexEntry(p, key);
    })
    .join("\n\n");
}

/** 1 → "a", 26 → "z", 27 → "aa". */
function suffixLetters(n: number): string {
  let s = "";
  let k = n;
  while (k > 0) {
    k--;
    s = String.fromCharCode(97 + (k % 26)) + s;
    k = Math.floor(k / 26);
  }
  return s;
}
