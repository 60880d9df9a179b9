import { createHash } from "node:crypto";
import type { Queryable } from "~/db/transaction";
import { renderForStorage } from "../../render/for-storage";
import { citationsFromDatabase } from "../../render/markdown-citation-lookup";

/** A description rendered for reading before it is accepted: sanitised HTML, or why it cannot be shown. */
export interface DescriptionPreview {
  html: string | null;
  /** Why it cannot be rendered (too long, nested too deep, too slow), or that the renderer is busy. */
  error: string | null;
}

const TTL_MS = 60_000;
const MAX_ENTRIES = 200;
// The review queue shows the same pending descriptions again and again: render each once a minute at most.
const cache = new Map<string, { at: number; preview: DescriptionPreview }>();

/**
 * Renders Markdown the way an accepted description is rendered (same renderer, budgets and
 * citation lookup), without storing anything.
 */
export async function previewDescription(db: Queryable, source: string): Promise<DescriptionPreview> {
  const key = createHash("sha256").update(source).digest("hex");
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.preview;
  const { html, error } = await renderForStorage(source, { citations: citationsFromDatabase(db) });
  const preview: DescriptionPreview = html === null && error === null ? { html: null, error: "The renderer is busy; reload the page in a moment to see the preview." } : { html, error };
  if (html !== null || error !== null) {
    cache.delete(key);
    cache.set(key, { at: Date.now(), preview });
    // Oldest first in a Map: drop from the front.
    while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  }
  return preview;
}
