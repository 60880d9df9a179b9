import { renderMarkdown, RenderUnavailableError } from "./markdown";

/**
 * Markdown rendered once, for storing beside its source: sanitised HTML, or why it cannot be
 * rendered. Both null means the renderer was busy or unavailable: store nothing, and the next
 * view renders it.
 */
export async function renderForStorage(source: string): Promise<{ html: string | null; error: string | null }> {
  try {
    const result = await renderMarkdown(source);
    return "html" in result ? { html: result.html, error: null } : { html: null, error: result.error };
  } catch (error) {
    if (error instanceof RenderUnavailableError) return { html: null, error: null };
    throw error;
  }
}
