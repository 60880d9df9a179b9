import { renderForStorage } from "./for-storage";
import type { CitationResolver } from "./markdown-citations";

/** A technique's stored rendering: sanitised HTML, or why it could not be rendered. Both null: render later. */
export interface StoredRendering {
  descriptionHtml: string | null;
  descriptionRenderError: string | null;
}

/** Renders a description for storage; a busy or unavailable renderer stores nothing, so the next view tries again. */
export async function renderedDescription(description: string, citations?: CitationResolver): Promise<StoredRendering> {
  const { html, error } = await renderForStorage(description, { citations });
  return { descriptionHtml: html, descriptionRenderError: error };
}
