import type { Element, ElementContent, Root, RootContent, Text } from "hast";
import { z } from "zod";

/**
 * Citations in Markdown: `[@arditi2024]` or `[@arditi2024; @rimsky2023]` name papers by their
 * `papers.cite_key`. Keys are looked up before rendering (at most MAX_CITATION_KEYS per text) and
 * the worker gets a plain map; a known key renders as a link to the paper's page and the paper is
 * listed under "References" at the end, an unknown key stays as text with a visible marker.
 */

/** Most distinct keys looked up for one text; further keys render as unknown. */
export const MAX_CITATION_KEYS = 50;

/** A key: letters, digits and _ : . + - / inside (never at the end, so "[@key.]" ends before the dot). */
const KEY = String.raw`[\p{L}\p{N}_](?:[\p{L}\p{N}_:.+\-/]{0,98}[\p{L}\p{N}_])?`;
/** One bracketed group of one or more keys. */
const GROUP = new RegExp(String.raw`\[(@${KEY}(?:\s*;\s*@${KEY}){0,49})\]`, "gu");
const KEY_IN_GROUP = new RegExp(String.raw`@(${KEY})`, "gu");

export const citedPaperSchema = z.object({
  id: z.number().int().positive(),
  title: z.string(),
  authors: z.array(z.string()),
  year: z.number().int().nullable(),
});
export type CitedPaper = z.infer<typeof citedPaperSchema>;
/** Key → paper, for the keys a text cites that exist. */
export const citationsSchema = z.record(z.string(), citedPaperSchema);
export type Citations = z.infer<typeof citationsSchema>;

/** Looks up papers by cite key (the database in the app; a map in tests). */
export type CitationResolver = (keys: readonly string[]) => Promise<Citations>;

function keysOfGroup(group: string): string[] {
  return [...group.matchAll(KEY_IN_GROUP)].map((m) => m[1] ?? "").filter((k) => k.length > 0);
}

/**
 * The distinct keys a text cites, in order of first use, at most MAX_CITATION_KEYS. Code spans and
 * fenced code are skipped (a citation there is shown as code).
 */
export function citationKeysIn(markdown: string): string[] {
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "");
  const keys = new Set<string>();
  for (const m of withoutCode.matchAll(GROUP)) {
    for (const key of keysOfGroup(m[1] ?? "")) {
      if (keys.size >= MAX_CITATION_KEYS) return [...keys];
      keys.add(key);
    }
  }
  return [...keys];
}

function surname(author: string): string {
  const name = author.trim();
  if (name.includes(",")) return name.split(",")[0]?.trim() ?? name;
  const words = name.split(/\s+/);
  if (words.length > 2 && /^(jr\.?|sr\.?|ii|iii|iv)$/i.test(words[words.length - 1] ?? "")) words.pop();
  return words[words.length - 1] ?? name;
}

/** "Arditi et al., 2024", "Elhage & Nanda, 2021", "Olah, n.d." */
export function authorYear(paper: CitedPaper): string {
  const names = paper.authors.map(surname);
  const who = names.length === 0 ? "Anonymous" : names.length === 1 ? names[0] : names.length === 2 ? `${names[0]} & ${names[1]}` : `${names[0]} et al.`;
  return `${who}, ${paper.year ?? "n.d."}`;
}

const text = (value: string): Text => ({ type: "text", value });
const element = (tagName: string, properties: Element["properties"], children: ElementContent[]): Element => ({ type: "element", tagName, properties, children });

function citationNode(key: string, paper: CitedPaper | undefined): ElementContent {
  if (!paper) {
    return element("span", { className: ["citation", "citation--unknown"], title: `No paper on MechMap has the citation key “${key}”.` }, [
      text(`@${key} `),
      element("em", {}, [text("(unknown citation)")]),
    ]);
  }
  return element("a", { href: `/papers/${paper.id}`, className: ["citation"], title: paper.title }, [text(authorYear(paper))]);
}

/** Elements whose text is not prose: citations there stay as written. */
const SKIP = new Set(["code", "pre", "a", "math", "annotation"]);

const isMath = (node: Element) => {
  const cls = node.properties.className;
  return Array.isArray(cls) && cls.some((c) => typeof c === "string" && c.startsWith("math"));
};

/** The text node split into text and citation groups; `cited` collects the known papers in order. */
function replaceInText(node: Text, citations: Citations, cited: Map<string, CitedPaper>): ElementContent[] {
  const out: ElementContent[] = [];
  let last = 0;
  for (const m of node.value.matchAll(GROUP)) {
    const keys = keysOfGroup(m[1] ?? "");
    if (m.index > last) out.push(text(node.value.slice(last, m.index)));
    const parts: ElementContent[] = [];
    keys.forEach((key, i) => {
      const paper = Object.hasOwn(citations, key) ? citations[key] : undefined;
      if (paper && !cited.has(key)) cited.set(key, paper);
      if (i > 0) parts.push(text("; "));
      parts.push(citationNode(key, paper));
    });
    out.push(element("span", { className: ["citations"] }, [text("("), ...parts, text(")")]));
    last = m.index + m[0].length;
  }
  if (out.length === 0) return [node];
  if (last < node.value.length) out.push(text(node.value.slice(last)));
  return out;
}

function walk(children: ElementContent[], citations: Citations, cited: Map<string, CitedPaper>): ElementContent[] {
  return children.flatMap((child) => {
    if (child.type === "text") return replaceInText(child, citations, cited);
    if (child.type === "element" && !SKIP.has(child.tagName) && !isMath(child)) {
      child.children = walk(child.children, citations, cited);
    }
    return [child];
  });
}

function referencesSection(cited: Map<string, CitedPaper>): Element {
  const items = [...cited.values()].map((paper) =>
    element("li", {}, [
      element("a", { href: `/papers/${paper.id}` }, [text(paper.title)]),
      text(`. ${paper.authors.join(", ")}${paper.year ? ` (${paper.year})` : ""}.`),
    ]),
  );
  return element("section", { className: ["references"] }, [element("h2", {}, [text("References")]), element("ol", {}, items)]);
}

/**
 * Rehype plugin: citations to links (known keys) or marked text (unknown), and a References list
 * at the end. Runs before KaTeX and the allowlist, so what it makes is sanitised like the rest.
 */
export function rehypeCitations(options: { citations: Citations }) {
  return (tree: Root): Root => {
    const cited = new Map<string, CitedPaper>();
    const children = walk(tree.children.filter((c): c is ElementContent => c.type !== "doctype"), options.citations, cited);
    const out: RootContent[] = children;
    if (cited.size > 0) out.push(text("\n"), referencesSection(cited));
    return { type: "root", children: out };
  };
}
