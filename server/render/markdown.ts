import { z } from "zod";
import type { Citations } from "./markdown-citations";
import type { MarkdownTask } from "./markdown-task";
import { MAX_NESTING, nestingDepth } from "./nesting";
import { TaskWorker, TaskWorkerError } from "./task-worker";

/** The longest description we render (the proposal schema allows the same). */
export const MAX_MARKDOWN_CHARS = 20_000;
/** Wall time for one text, measured in the worker: past it the text is refused. */
export const RENDER_BUDGET_MS = 2_000;

const renderResultSchema = z.union([z.object({ html: z.string() }), z.object({ error: z.string() })]);
export type RenderResult = z.infer<typeof renderResultSchema>;

/**
 * A footnote definition ("[^1]: …") is a container like a block quote, and nestingDepth does not
 * know it: counted as one quote level, "[^1]: >>>>…" is measured like ">>>>>…".
 */
const FOOTNOTE_DEFINITION = /^((?:[ \t]*(?:>|[-*+][ \t]|\d{1,9}[.)][ \t]))*[ \t]*)\[\^[^\]\n]{1,200}\]:[ \t]?/gm;

function nestingOf(text: string): number {
  return nestingDepth(text.replace(FOOTNOTE_DEFINITION, "$1> "));
}

const worker = new TaskWorker({ module: "markdown-worker.ts", maxHeapMb: 256, maxQueue: 64 });

/** Problems that will come back every time for this text (stored), as opposed to a busy server. */
export class RenderUnavailableError extends Error {}

export interface RenderOptions {
  budgetMs?: number;
  /**
   * The papers the text cites, by cite key (see markdown-citations.ts). When given, `[@key]`
   * renders as a link (or an "unknown citation" marker) with a References list; when absent it
   * is left as written.
   */
  citations?: Citations;
}

/**
 * Markdown (GitHub flavoured: tables, footnotes, task lists) + KaTeX to sanitised HTML, off the
 * request thread and within budgets (size, nesting, time, memory). `{ error }` says in a few words
 * why this text cannot be shown rendered; a RenderUnavailableError means try later (the worker
 * could not run), so nothing should be stored.
 */
export async function renderMarkdown(text: string, options: RenderOptions = {}): Promise<RenderResult> {
  if (text.length > MAX_MARKDOWN_CHARS) return { error: `it is longer than ${MAX_MARKDOWN_CHARS.toLocaleString("en")} characters` };
  if (text.trim() === "") return { html: "" };
  if (nestingOf(text) > MAX_NESTING) return { error: `it nests quotes or lists more than ${MAX_NESTING} levels deep` };
  try {
    const task: MarkdownTask = options.citations ? { text, citations: options.citations } : { text };
    return renderResultSchema.parse(await worker.run(task, options.budgetMs ?? RENDER_BUDGET_MS));
  } catch (error) {
    if (error instanceof TaskWorkerError && error.causedByInput) return { error: error.message };
    throw new RenderUnavailableError(error instanceof Error ? error.message : "the renderer is unavailable");
  }
}

/** Stops the render worker (tests and scripts that must exit promptly). */
export function closeMarkdownRenderer(): Promise<void> {
  return worker.close();
}
