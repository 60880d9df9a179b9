import { renderMarkdown, RenderUnavailableError, type RenderResult } from "./markdown";

/** A technique's stored rendering: sanitised HTML, or why it could not be rendered. Both null: render later. */
export interface StoredRendering {
  descriptionHtml: string | null;
  descriptionRenderError: string | null;
}

/** Renders a description for storage; a busy or unavailable renderer stores nothing, so the next view tries again. */
export async function renderedDescription(description: string): Promise<StoredRendering> {
  let result: RenderResult;
  try {
    result = await renderMarkdown(description);
  } catch (error) {
    if (error instanceof RenderUnavailableError) return { descriptionHtml: null, descriptionRenderError: null };
    throw error;
  }
  return "html" in result ? { descriptionHtml: result.html, descriptionRenderError: null } : { descriptionHtml: null, descriptionRenderError: result.error };
}
