// Worker thread: markdown + KaTeX to sanitised HTML. Runs under TaskWorker's time and memory budget.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import Markdown from "react-markdown";
import rehypeKatex from "rehype-katex";
import remarkMath from "remark-math";
import { rehypeAllowlist } from "./allowlist";
import { serveTasks } from "./serve-tasks";

/** Past this, the output is refused: KaTeX can turn a short formula into a lot of markup. */
const MAX_HTML = 1_000_000;

// KaTeX limits: macro expansion and sizes are bounded; no \href, \url, \includegraphics or \html*
// (trust: false); errors render in red rather than throwing.
const KATEX = { throwOnError: false, strict: "ignore", trust: false, maxExpand: 500, maxSize: 20, output: "htmlAndMathml" } as const;

function render(input: unknown): { html: string } | { error: string } {
  if (typeof input !== "string") return { error: "not a text" };
  try {
    const html = renderToStaticMarkup(
      createElement(Markdown, { remarkPlugins: [remarkMath], rehypePlugins: [[rehypeKatex, KATEX], rehypeAllowlist], skipHtml: true }, input),
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
