/**
 * A small, strict XML reader for the arXiv API's Atom feed (no XML parser is installed, and this
 * fixed format needs little): elements with namespaces resolved, attributes, text, CDATA and the
 * predefined and numeric entities. No DTDs (refused, so no entity expansion), no processing
 * beyond skipping `<?…?>` and comments. Bounded in depth and node count; anything not
 * well-formed throws XmlError.
 */

export interface XmlElement {
  /** Local name, without prefix ("primary_category"). */
  name: string;
  /** Namespace URI ("" when none). */
  ns: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

export class XmlError extends Error {}

const MAX_DEPTH = 64;
const MAX_NODES = 200_000;

const NAME = /^[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?/;
const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&([^;&\s]{1,10});/g, (whole, entity: string) => {
    if (entity in PREDEFINED) return PREDEFINED[entity] ?? whole;
    const numeric = /^#(x[0-9a-fA-F]{1,6}|[0-9]{1,7})$/.exec(entity);
    if (numeric?.[1]) {
      const code = numeric[1].startsWith("x") ? Number.parseInt(numeric[1].slice(1), 16) : Number.parseInt(numeric[1], 10);
      if (code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) return String.fromCodePoint(code);
    }
    throw new XmlError(`unknown entity &${entity};`);
  });
}

interface OpenElement {
  qname: string;
  element: XmlElement;
  /** prefix → namespace URI in scope ("" = default namespace). */
  scope: Map<string, string>;
}

function resolve(qname: string, scope: Map<string, string>, isAttribute: boolean): { name: string; ns: string } {
  const colon = qname.indexOf(":");
  if (colon < 0) return { name: qname, ns: isAttribute ? "" : (scope.get("") ?? "") };
  const prefix = qname.slice(0, colon);
  const ns = prefix === "xml" ? "http://www.w3.org/XML/1998/namespace" : scope.get(prefix);
  if (ns === undefined) throw new XmlError(`undeclared namespace prefix ${prefix}`);
  return { name: qname.slice(colon + 1), ns };
}

/** Parses a document and returns its root element. */
export function parseXml(text: string): XmlElement {
  const stack: OpenElement[] = [];
  let root: XmlElement | null = null;
  let nodes = 0;
  let i = 0;
  const count = () => {
    if (++nodes > MAX_NODES) throw new XmlError("too many nodes");
  };
  const addText = (value: string) => {
    const top = stack[stack.length - 1];
    if (!top) {
      if (value.trim() !== "") throw new XmlError("text outside the root element");
      return;
    }
    count();
    top.element.children.push(value);
  };

  while (i < text.length) {
    const lt = text.indexOf("<", i);
    if (lt < 0) {
      addText(decodeEntities(text.slice(i)));
      break;
    }
    if (lt > i) addText(decodeEntities(text.slice(i, lt)));
    if (text.startsWith("<?", lt)) {
      const end = text.indexOf("?>", lt + 2);
      if (end < 0) throw new XmlError("unterminated processing instruction");
      i = end + 2;
    } else if (text.startsWith("<!--", lt)) {
      const end = text.indexOf("-->", lt + 4);
      if (end < 0) throw new XmlError("unterminated comment");
      i = end + 3;
    } else if (text.startsWith("<![CDATA[", lt)) {
      const end = text.indexOf("]]>", lt + 9);
      if (end < 0) throw new XmlError("unterminated CDATA section");
      addText(text.slice(lt + 9, end));
      i = end + 3;
    } else if (text.startsWith("<!", lt)) {
      throw new XmlError("document type declarations are not accepted");
    } else if (text.startsWith("</", lt)) {
      const end = text.indexOf(">", lt + 2);
      if (end < 0) throw new XmlError("unterminated end tag");
      const qname = text.slice(lt + 2, end).trim();
      const top = stack.pop();
      if (!top || top.qname !== qname) throw new XmlError(`unexpected </${qname.slice(0, 40)}>`);
      i = end + 1;
    } else {
      i = openTag(lt);
    }
  }
  if (stack.length > 0) throw new XmlError(`unclosed <${stack[stack.length - 1]?.qname ?? ""}>`);
  if (!root) throw new XmlError("no root element");
  return root;

  /** Reads `<name attr="v" …>` or `<name …/>` at `lt`; returns the index after it. */
  function openTag(lt: number): number {
    let p = lt + 1;
    const nameMatch = NAME.exec(text.slice(p, p + 200));
    if (!nameMatch) throw new XmlError("bad tag name");
    const qname = nameMatch[0];
    p += qname.length;
    const rawAttributes: Array<[string, string]> = [];
    for (;;) {
      const ws = /^\s*/.exec(text.slice(p, p + 1000))?.[0].length ?? 0;
      p += ws;
      if (text.startsWith("/>", p) || text.startsWith(">", p)) break;
      if (ws === 0) throw new XmlError("attributes must be separated by spaces");
      const attrName = NAME.exec(text.slice(p, p + 200))?.[0];
      if (!attrName) throw new XmlError("bad attribute");
      p += attrName.length;
      const eq = /^\s*=\s*(["'])/.exec(text.slice(p, p + 100));
      if (!eq?.[1]) throw new XmlError("attribute without a quoted value");
      p += eq[0].length;
      const close = text.indexOf(eq[1], p);
      if (close < 0) throw new XmlError("unterminated attribute value");
      const raw = text.slice(p, close);
      if (raw.includes("<")) throw new XmlError("< in an attribute value");
      rawAttributes.push([attrName, decodeEntities(raw)]);
      p = close + 1;
      if (rawAttributes.length > 100) throw new XmlError("too many attributes");
    }
    const selfClosing = text.startsWith("/>", p);
    p += selfClosing ? 2 : 1;

    const parent = stack[stack.length - 1];
    const scope = new Map(parent?.scope ?? []);
    for (const [name, value] of rawAttributes) {
      if (name === "xmlns") scope.set("", value);
      else if (name.startsWith("xmlns:")) scope.set(name.slice(6), value);
    }
    const attributes: Record<string, string> = {};
    for (const [name, value] of rawAttributes) {
      if (name === "xmlns" || name.startsWith("xmlns:")) continue;
      attributes[resolve(name, scope, true).name] = value;
    }
    const { name, ns } = resolve(qname, scope, false);
    const element: XmlElement = { name, ns, attributes, children: [] };
    count();
    if (parent) parent.element.children.push(element);
    else if (root) throw new XmlError("more than one root element");
    else root = element;
    if (!selfClosing) {
      if (stack.length >= MAX_DEPTH) throw new XmlError("nested too deeply");
      stack.push({ qname, element, scope });
    }
    return p;
  }
}

/** Child elements with this namespace and local name. */
export function childrenNamed(element: XmlElement, ns: string, name: string): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== "string" && c.ns === ns && c.name === name);
}

export function firstChild(element: XmlElement, ns: string, name: string): XmlElement | undefined {
  return childrenNamed(element, ns, name)[0];
}

/** All text inside an element, in document order. */
export function textOf(element: XmlElement | undefined): string {
  if (!element) return "";
  return element.children.map((c) => (typeof c === "string" ? c : textOf(c))).join("");
}
