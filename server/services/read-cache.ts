import type { Database } from "~/db/client";

/**
 * A small read-through cache for hot, shared reads (the map, browse pages of the papers list).
 * Entries live TTL_MS in this process and are dropped at once after this process's own writes;
 * other processes see a change within the TTL. Keyed per database so tests stay isolated.
 */
export function createReadCache<V>(options: { ttlMs: number; maxEntries: number }) {
  const byDb = new WeakMap<Database, Map<string, { at: number; value: Promise<V> }>>();
  return {
    get(db: Database, key: string, load: () => Promise<V>): Promise<V> {
      let entries = byDb.get(db);
      if (!entries) byDb.set(db, (entries = new Map()));
      const hit = entries.get(key);
      if (hit && Date.now() - hit.at < options.ttlMs) return hit.value;
      const value = load();
      entries.delete(key); // re-insert at the end: Map order is our LRU order
      entries.set(key, { at: Date.now(), value });
      if (entries.size > options.maxEntries) entries.delete(entries.keys().next().value as string);
      // A failed load must not be served from the cache.
      value.catch(() => entries.get(key)?.value === value && entries.delete(key));
      return value;
    },
    invalidate(db: Database): void {
      byDb.delete(db);
    },
  };
}
