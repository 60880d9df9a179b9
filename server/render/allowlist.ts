import type { Element, ElementContent, Properties, Root } from "hast";

/** Elements markdown and KaTeX (HTML + MathML + SVG) produce; anything else is dropped with its content. */
const ELEMENTS = new Set([
  // markdown
  "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "em", "strong", "del", "code", "pre", "a", "img", "hr", "br",
  "table", "thead", "tbody", "tr", "th", "td", "sup", "sub", "span", "div",
  // GFM footnotes and the citations' References list; task-list checkboxes (always disabled, see below)
  "section", "input",
  // KaTeX MathML
  "math", "semantics", "annotation", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot",
  "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mpadded", "mphantom", "mstyle", "menclose", "mlabeledtr",
  // KaTeX SVG (roots, braces, arrows)
  "svg", "path", "line", "rect", "g",
]);

/** hast property names we keep; event handlers and everything unknown go. */
const PROPERTIES = new Set([
  "className", "style", "title", "alt", "href", "src", "ariaHidden", "start", "align",
  // footnotes: ids (prefixed per text, see SCOPED_ID), their back-links and labels
  "id", "ariaDescribedBy", "ariaLabel", "dataFootnotes", "dataFootnoteRef", "dataFootnoteBackref",
  // MathML
  "xmlns", "display", "encoding", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace", "minSize", "maxSize", "accent", "accentunder",
  "linethickness", "scriptlevel", "displaystyle", "movablelimits", "notation", "width", "height", "depth", "voffset", "columnalign", "rowalign",
  "rowspacing", "columnspacing", "columnlines", "rowlines", "frame", "framespacing", "equalrows", "equalcolumns", "side", "minlabelspacing", "mathcolor",
  "mathbackground", "rowspan", "colspan", "largeop", "symmetric", "bevelled",
  // SVG
  "viewBox", "preserveAspectRatio", "d", "x", "y", "x1", "x2", "y1", "y2", "strokeWidth", "fill", "stroke",
]);

/** Only these schemes (or a relative link / fragment) survive in href and src. */
const SAFE_URL = /^(?:https?:|mailto:|#|\/(?!\/))/i;
/**
 * Ids come only from footnotes, which the renderer prefixes per text ("md-3f9k2a-fn-1"): an id
 * without the prefix could clobber a global (`window.location`) or collide with the page's own.
 */
const SCOPED_ID = /^md-[0-9a-z]{1,13}-[\w:.\-]{1,200}$/;
/** Inline styles come from KaTeX (sizes, colours); nothing that loads or escapes. */
const UNSAFE_STYLE = /url\s*\(|expression|javascript|@import|\\|behavior|-moz-binding|[<>]/i;

function cleanProperties(tagName: string, properties: Properties): Properties {
  const out: Properties = {};
  for (const [key, value] of Object.entries(properties)) {
    if (!PROPERTIES.has(key) || value === null || value === undefined) continue;
    if (key === "href" || key === "src") {
      const allowed = (key === "href" && tagName === "a") || (key === "src" && tagName === "img");
      // Browsers ignore whitespace and control characters inside schemes ("java\tscript:").
      const url = String(value).replace(/[\u0000-\u0020\u007f]/g, "");
      if (!allowed || !SAFE_URL.test(url)) continue;
    }
    if (key === "style" && (typeof value !== "string" || UNSAFE_STYLE.test(value))) continue;
    if (key === "id" && (typeof value !== "string" || !SCOPED_ID.test(value))) continue;
    if (key === "ariaDescribedBy") {
      const ids = (Array.isArray(value) ? value : [value]).map(String).filter((v) => SCOPED_ID.test(v));
      if (ids.length > 0) out[key] = ids;
      continue;
    }
    out[key] = value;
  }
  return out;
}

function cleanChildren(children: ElementContent[]): ElementContent[] {
  const out: ElementContent[] = [];
  for (const child of children) {
    if (child.type === "text") out.push(child);
    else if (child.type === "element" && ELEMENTS.has(child.tagName)) {
      const clean = cleanElement(child);
      if (clean) out.push(clean);
    }
    // comments, raw HTML and unknown elements are dropped
  }
  return out;
}

/** A task list's checkbox: shown, never editable, nothing else kept. */
function taskCheckbox(element: Element): Element | null {
  if (element.properties.type !== "checkbox") return null;
  return { type: "element", tagName: "input", properties: { type: "checkbox", checked: element.properties.checked === true, disabled: true }, children: [] };
}

function cleanElement(element: Element): Element | null {
  if (element.tagName === "input") return taskCheckbox(element);
  const properties = cleanProperties(element.tagName, element.properties);
  if (element.tagName === "a" && typeof properties.href === "string" && /^(?:https?:|mailto:)/i.test(properties.href)) {
    properties.rel = ["nofollow", "noopener", "noreferrer", "ugc"];
  }
  return { type: "element", tagName: element.tagName, properties, children: cleanChildren(element.children) };
}

/** Rehype plugin: keeps only allowlisted elements, attributes and URL schemes (runs after KaTeX). */
export function rehypeAllowlist() {
  return (tree: Root): Root => ({
    type: "root",
    children: cleanChildren(tree.children.filter((c): c is ElementContent => c.type !== "doctype")),
  });
}
