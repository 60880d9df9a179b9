import type { Database } from "~/db/client";
import { createReadCache } from "./read-cache";
import { getTaxonomy } from "./techniques";

/** The whole-map query is read on every visit and changes only when an edit is accepted or a paper is linked. */
const cache = createReadCache<Awaited<ReturnType<typeof getTaxonomy>>>({ ttlMs: 5_000, maxEntries: 1 });

export const getCachedTaxonomy = (db: Database) => cache.get(db, "graph", () => getTaxonomy(db));
export const invalidateTaxonomy = (db: Database) => cache.invalidate(db);
