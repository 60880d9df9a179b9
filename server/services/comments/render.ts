import { renderForStorage } from "../../render/for-storage";
import type { CitationResolver } from "../../render/markdown-citations";

/**
 * A comment's body rendered once, when written or edited. When the renderer is busy both fields are
 * null and the body is rendered on first read; a text that can never render keeps its reason.
 */
export async function renderCommentBody(body: string, citations?: CitationResolver): Promise<{ bodyHtml: string | null; bodyRenderError: string | null }> {
  const { html, error } = await renderForStorage(body, { citations });
  return { bodyHtml: html, bodyRenderError: error };
}
