import type { Database } from "~/db/client";
import { notFound } from "../../errors";
import { historyViews } from "../revisions";
import { getTechniqueBySlug } from "../techniques";
import { resolveTechniqueSlug } from "./slugs";

/**
 * A technique's page data under any of its slugs: an old slug (renamed or merged away) answers
 * with the technique it redirects to and says so in `redirectedFrom`, so pages can redirect. Each
 * history item carries its kind and words (`view`).
 */
export async function techniqueForPage(db: Database, slug: string, historyPage: number) {
  const resolved = await resolveTechniqueSlug(db, slug);
  if (!resolved) throw notFound(`The technique “${slug}”`);
  const data = await getTechniqueBySlug(db, resolved.slug, historyPage);
  const views = await historyViews(db, data.history);
  return {
    ...data,
    history: data.history.map((item) => ({ ...item, view: views.get(item.id)! })),
    /** The old slug asked for, when it redirected here; null for the current slug. */
    redirectedFrom: resolved.redirected ? slug : null,
  };
}
