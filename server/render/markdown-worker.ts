// Worker thread: markdown (GFM) + KaTeX + citations to sanitised HTML. Runs under TaskWorker's time and memory budget.
import type { Element, Root } from "hast";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import Markdown, { type Options } from "react-markdown";
import rehypeKatex from "rehype-katex";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import { rehypeAllowlist } from "./allowlist";
import { markdownTaskSchema } from "./markdown-task";
import { rehypeCitations } from "./markdown-citations";
import { serveTasks } from "./serve-tasks";

/** Past this, the output is refused: KaTeX can turn a short formula into a lot of markup. */
const MAX_HTML = 1_000_000;

// KaTeX limits: macro expansion and sizes are bounded; no \href, \url, \includegraphics or \html*
// (trust: false); errors render in red rather than throwing.
const KATEX = { throwOnError: false, strict: "ignore", trust: false, maxExpand: 500, maxSize: 20, output: "htmlAndMathml" } as const;

/**
 * Ids must not collide between texts shown on one page (two comments with footnotes) nor clobber
 * globals: every id gets a prefix derived from the text ("md-3f9k2a-fn-1").
 */
function idPrefix(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `md-${hash.toString(36)}-`;
}

/** The footnote label's id is fixed by mdast-util-to-hast ("footnote-label"); give it the text's prefix too. */
function rehypeScopeFootnoteLabel(options: { prefix: string }) {
  const scoped = `${options.prefix}footnote-label`;
  const visit = (node: Root | Element) => {
    for (const child of node.children) {
      if (child.type !== "element") continue;
      if (child.properties.id === "footnote-label") child.properties.id = scoped;
      const describedBy = child.properties.ariaDescribedBy;
      if (Array.isArray(describedBy)) child.properties.ariaDescribedBy = describedBy.map((v) => (v === "footnote-label" ? scoped : v));
      visit(child);
    }
  };
  return (tree: Root) => visit(tree);
}

function render(input: unknown): { html: string } | { error: string } {
  const task = markdownTaskSchema.safeParse(typeof input === "string" ? { text: input } : input);
  if (!task.success) return { error: "not a text" };
  const { text, citations } = task.data;
  const prefix = idPrefix(text);
  // Order matters: citations and ids before KaTeX, the allowlist last so it sees everything.
  const rehypePlugins: NonNullable<Options["rehypePlugins"]> = [[rehypeScopeFootnoteLabel, { prefix }]];
  if (citations) rehypePlugins.push([rehypeCitations, { citations }]);
  rehypePlugins.push([rehypeKatex, KATEX], rehypeAllowlist);
  try {
    const html = renderToStaticMarkup(
      createElement(
        Markdown,
        {
          remarkPlugins: [remarkGfm, remarkMath],
          remarkRehypeOptions: { clobberPrefix: prefix, footnoteLabelProperties: { className: ["visually-hidden"] } },
          rehypePlugins,
          skipHtml: true,
        },
        text,
      ),
    );
    if (html.length > MAX_HTML) return { error: "it is too large once rendered" };
    return { html };
  } catch (error) {
    // A stack overflow here is the text's fault (too deeply nested); anything else is reported as is.
    if (error instanceof RangeError) return { error: "it is nested too deeply" };
    return { error: `the renderer failed (${error instanceof Error ? error.message.slice(0, 200) : "unknown error"})` };
  }
}

serveTasks(render);
