import type { Database } from "../db/client";
import { paperTechniques, papers, techniques } from "../db/schema";

const WORDS = "sparse linear probe steering residual stream feature circuit attention head neuron superposition dictionary patching causal direction subspace refusal sentiment truth lens layer".split(" ");

/** Deterministic filler papers so list and search benchmarks run on a realistic table size. */
export async function insertGeneratedPapers(db: Database, count: number): Promise<void> {
  const techniqueIds = (await db.select({ id: techniques.id }).from(techniques)).map((t) => t.id);
  let seed = 42;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const pick = () => WORDS[Math.floor(next() * WORDS.length)] ?? "probe";
  for (let start = 0; start < count; start += 500) {
    const batch = Array.from({ length: Math.min(500, count - start) }, (_, k) => {
      const i = start + k;
      return {
        title: `Generated study ${i}: ${pick()} ${pick()} in ${pick()} models`,
        authors: [`Author ${i % 97}`, `Coauthor ${i % 89}`],
        year: 2015 + (i % 11),
        venue: i % 3 === 0 ? "Generated Workshop" : null,
        abstract: Array.from({ length: 40 }, pick).join(" "),
      };
    });
    const rows = await db.insert(papers).values(batch).returning({ id: papers.id });
    const links = rows.map((r) => ({ paperId: r.id, techniqueId: techniqueIds[Math.floor(next() * techniqueIds.length)] ?? 1, relation: "applies" as const }));
    if (techniqueIds.length) await db.insert(paperTechniques).values(links).onConflictDoNothing();
  }
}
