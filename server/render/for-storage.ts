import { citationKeysIn, type CitationResolver } from "./markdown-citations";
import { MAX_MARKDOWN_CHARS, renderMarkdown, RenderUnavailableError } from "./markdown";

export type { CitationResolver };

/**
 * Markdown rendered once, for storing beside its source: sanitised HTML, or why it cannot be
 * rendered. Both null means the renderer was busy or unavailable: store nothing, and the next
 * view renders it. With `citations` (e.g. citationsFromDatabase(db)), `[@key]` citations are
 * looked up first (at most MAX_CITATION_KEYS) and rendered as links to the papers.
 */
export async function renderForStorage(source: string, options: { citations?: CitationResolver } = {}): Promise<{ html: string | null; error: string | null }> {
  try {
    // A text the renderer will refuse for its size is not worth a query.
    const resolve = source.length <= MAX_MARKDOWN_CHARS ? options.citations : undefined;
    const keys = resolve ? citationKeysIn(source) : [];
    const citations = resolve ? (keys.length > 0 ? await resolve(keys) : {}) : undefined;
    const result = await renderMarkdown(source, { citations });
    return "html" in result ? { html: result.html, error: null } : { html: null, error: result.error };
  } catch (error) {
    if (error instanceof RenderUnavailableError) return { html: null, error: null };
    throw error;
  }
}
