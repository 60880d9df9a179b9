import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paperTechniques, papers, techniqueRelations, techniques, users } from "../../db/schema";
import { papers as seedPapers } from "../../db/seed/data/papers";
import { techniques as seedTechniques } from "../../db/seed/data/techniques";
import { validateSeedData } from "../../db/seed/data/validate";
import { seedDemo } from "../../db/seed/seed";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.dispose());

async function totals() {
  const [[tq], [pq], [rq], [lq], [uq]] = await Promise.all([
    t.db.select({ n: count() }).from(techniques),
    t.db.select({ n: count() }).from(papers),
    t.db.select({ n: count() }).from(techniqueRelations),
    t.db.select({ n: count() }).from(paperTechniques),
    t.db.select({ n: count() }).from(users),
  ]);
  return { techniques: tq?.n, papers: pq?.n, relations: rq?.n, links: lq?.n, users: uq?.n };
}

describe("demo seed", () => {
  it("is consistent: known slugs, a DAG, every paper linked", () => {
    expect(validateSeedData(seedTechniques, seedPapers)).toEqual([]);
    expect(seedTechniques.length).toBeGreaterThanOrEqual(40);
    expect(seedPapers.length).toBeGreaterThanOrEqual(40);
  });

  it("loads the field and is idempotent", async () => {
    const first = await seedDemo(t.db);
    expect(first.techniquesAdded).toBe(seedTechniques.length);
    expect(first.papersAdded).toBe(seedPapers.length);
    expect(first.usersAdded).toBe(2);
    const afterFirst = await totals();
    const second = await seedDemo(t.db);
    expect(second).toEqual({ techniquesAdded: 0, papersAdded: 0, usersAdded: 0 });
    expect(await totals()).toEqual(afterFirst);
    expect(afterFirst.links).toBe(seedPapers.reduce((n, p) => n + new Set(p.links.map((l) => `${l.technique}/${l.relation}`)).size, 0));
  });

  it("does not overwrite community edits on the next run", async () => {
    await t.db.update(techniques).set({ summary: "Edited by the community" }).where(eq(techniques.slug, "logit-lens"));
    await seedDemo(t.db);
    const [row] = await t.db.select({ summary: techniques.summary }).from(techniques).where(eq(techniques.slug, "logit-lens"));
    expect(row?.summary).toBe("Edited by the community");
  });

  it("covers the techniques the field expects", async () => {
    const slugs = new Set((await t.db.select({ slug: techniques.slug }).from(techniques)).map((r) => r.slug));
    for (const slug of ["linear-probing", "control-tasks", "diffmean", "representation-engineering", "logit-lens", "tuned-lens", "sparse-autoencoders", "transcoders", "activation-patching", "attribution-patching", "distributed-alignment-search", "activation-addition", "contrastive-activation-addition", "inference-time-intervention", "bipo", "directional-ablation", "inlp", "leace", "induction-heads", "acdc", "attribution-graphs", "sparse-feature-circuits"]) {
      expect(slugs, slug).toContain(slug);
    }
  });
});
