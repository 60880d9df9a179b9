import type { Database } from "~/db/client";
import { createReadCache } from "./read-cache";
import { evidenceCounts } from "./evidence";
import { reproductionRates } from "./reproduction-rates";
import { getTaxonomy } from "./techniques";

/**
 * The map with each technique's evidence: published experiments exercising it, their finished runs,
 * and its reproduction rate (0–1, null when no claim was checked) over how many checked runs.
 */
async function taxonomyWithEvidence(db: Database) {
  const [graph, counts, rates] = await Promise.all([getTaxonomy(db), evidenceCounts(db), reproductionRates(db)]);
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      const r = rates.get(n.id);
      return {
        ...n,
        evidence: counts.get(n.id)?.experiments ?? 0,
        evidenceRuns: counts.get(n.id)?.runs ?? 0,
        reproduction: r?.rate ?? null,
        reproductionRuns: r ? r.reproduced + r.partly + r.notReproduced : 0,
      };
    }),
  };
}

/**
 * The whole-map query is read on every visit and changes only when an edit is accepted, a paper is
 * linked or an experiment's runs finish (evidence counts may lag by the cache's 5 s).
 */
const cache = createReadCache<Awaited<ReturnType<typeof taxonomyWithEvidence>>>({ ttlMs: 5_000, maxEntries: 1 });

export const getCachedTaxonomy = (db: Database) => cache.get(db, "graph", () => taxonomyWithEvidence(db));
export const invalidateTaxonomy = (db: Database) => cache.invalidate(db);
