import { renderMarkdown, RenderUnavailableError } from "../../render/markdown";

/**
 * A comment's body rendered once, when written or edited. When the renderer is busy both fields are
 * null and the body is rendered on first read; a text that can never render keeps its reason.
 */
export async function renderCommentBody(body: string): Promise<{ bodyHtml: string | null; bodyRenderError: string | null }> {
  try {
    const result = await renderMarkdown(body);
    return "html" in result ? { bodyHtml: result.html, bodyRenderError: null } : { bodyHtml: null, bodyRenderError: result.error };
  } catch (error) {
    if (error instanceof RenderUnavailableError) return { bodyHtml: null, bodyRenderError: null };
    throw error;
  }
}
