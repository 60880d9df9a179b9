import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { techniques as seedTechniques } from "../../db/seed/data/techniques";
import { seedDemo } from "../../db/seed/seed";
import { searchTechniques } from "../../server/services/technique-search";
import { toPrefixTsQuery } from "../../server/services/search-query";
import { callerFor } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await insertSmallTaxonomy(t.db);
});
afterAll(() => t.dispose());

describe("technique search", () => {
  it("builds a safe prefix query from free text", () => {
    expect(toPrefixTsQuery("  Steering vectors! ")).toBe("steering & vectors:*");
    expect(toPrefixTsQuery("a' | b & !c")).toBe("a & b & c:*");
    expect(toPrefixTsQuery("!!!")).toBeNull();
  });

  it("ranks name matches above summary matches", async () => {
    const results = await callerFor(t.db, null).taxonomy.search({ query: "steering" });
    // "Activation steering" has it in the name; CAA only in its summary.
    expect(results.map((r) => r.slug)).toEqual(["steering", "caa"]);
  });

  it("finds while typing (prefix), by alias, and nothing for nonsense", async () => {
    const anonymous = callerFor(t.db, null);
    expect((await anonymous.taxonomy.search({ query: "steer" })).map((r) => r.slug)).toContain("steering");
    expect((await anonymous.taxonomy.search({ query: "linear probe" })).map((r) => r.slug)[0]).toBe("linear-probing");
    expect(await anonymous.taxonomy.search({ query: "qwertyuiop" })).toEqual([]);
    expect(await anonymous.taxonomy.search({ query: "   " })).toEqual([]);
  });
});

describe("technique page", () => {
  it("shows parents, children and related techniques in both directions", async () => {
    const anonymous = callerFor(t.db, null);
    const probe = await anonymous.taxonomy.technique({ slug: "linear-probing" });
    expect(probe.parents).toEqual([{ slug: "probing", name: "Probing" }]);
    expect(probe.children).toEqual([{ slug: "control-tasks", name: "Control tasks" }]);
    expect(probe.related).toEqual([{ kind: "uses", slug: "caa", name: "Contrastive Activation Addition", direction: "incoming" }]);
    const caa = await anonymous.taxonomy.technique({ slug: "caa" });
    expect(caa.related).toEqual([{ kind: "uses", slug: "linear-probing", name: "Linear probing", direction: "outgoing" }]);
  });
});

/** Ranking on the real seed: exact name or alias, then name/alias prefix, then words in names, then text. */
describe("technique search ranking (seed)", () => {
  let seeded: TestDatabase;
  beforeAll(async () => {
    seeded = await createTestDatabase();
    await seedDemo(seeded.db, { demoUsers: false });
  });
  afterAll(() => seeded.dispose());

  const slugs = async (query: string) => (await callerFor(seeded.db, null).taxonomy.search({ query, limit: 50 })).map((r) => r.slug);
  const seedTechnique = (slug: string) => {
    const t = seedTechniques.find((s) => s.slug === slug);
    if (!t) throw new Error(`the seed has no technique ${slug}`);
    return t;
  };
  const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  /** Names and aliases as the search compares them (a trailing parenthesis is optional). */
  const labels = (slug: string) => {
    const t = seedTechnique(slug);
    return [t.name, t.name.replace(/\s*\([^)]*\)\s*$/, ""), ...t.aliases].map(fold);
  };

  it("'refusal' finds directional ablation first, above a longer name that also starts with it", async () => {
    // Both start with the word: directional ablation through its alias "refusal direction",
    // concept cones through its name "Refusal direction optimisation and concept cones".
    expect(labels("directional-ablation").some((l) => l.startsWith("refusal"))).toBe(true);
    expect(labels("concept-cones").some((l) => l.startsWith("refusal"))).toBe(true);
    const found = await slugs("refusal");
    expect(found[0]).toBe("directional-ablation");
    expect(found).toContain("concept-cones");
    // Techniques that only mention refusal in their text (CAA, concept erasure) come after every name match.
    const nameMatches = seedTechniques.filter((t) => labels(t.slug).some((l) => l.split(" ").some((w) => w.startsWith("refusal")))).map((t) => t.slug);
    const mentions = found.filter((s) => !nameMatches.includes(s));
    expect(mentions).toEqual(expect.arrayContaining(["contrastive-activation-addition", "concept-erasure"]));
    expect(found.slice(0, nameMatches.length).sort()).toEqual([...nameMatches].sort());
  });

  it("'ROME' finds causal tracing first", async () => {
    expect((await slugs("ROME"))[0]).toBe("causal-tracing");
    expect((await slugs("rome"))[0]).toBe("causal-tracing");
  });

  it("an exact alias beats a name that starts with it and techniques whose summary mentions it", async () => {
    // "SAE" is an alias of sparse autoencoders; "SAE feature steering" only starts with it.
    const sae = await searchTechniques(seeded.db, "SAE", 50);
    expect(sae[0]).toMatchObject({ slug: "sparse-autoencoders", match: "exact" });
    expect(sae.findIndex((r) => r.slug === "sae-feature-steering")).toBeGreaterThan(0);
    // "probe" is an alias of linear probing; control tasks mention probes in the summary only.
    expect(seedTechnique("control-tasks").summary.toLowerCase()).toContain("probe");
    const probe = await slugs("probe");
    expect(probe[0]).toBe("linear-probing");
    expect(probe.indexOf("control-tasks")).toBeGreaterThan(0);
  });

  it("a name prefix beats a mention in the body", async () => {
    // Tuned lens's summary says "A logit lens with a learned affine translator…".
    expect(seedTechnique("tuned-lens").summary.toLowerCase()).toContain("logit lens");
    const logit = await searchTechniques(seeded.db, "logit", 50);
    expect(logit[0]).toMatchObject({ slug: "logit-lens", match: "prefix" });
    const tuned = logit.find((r) => r.slug === "tuned-lens");
    expect(tuned?.match).toBe("body");
    // A word found only in a description (never in a summary or name) still finds its technique, last.
    expect(seedTechnique("causal-tracing").summary.toLowerCase()).not.toContain("needle");
    expect(await slugs("space needle")).toEqual(["causal-tracing"]);
  });

  it("orders every result list by tier, and folds accents and punctuation on both sides", async () => {
    for (const query of ["refusal", "steering", "patch", "lens", "sparse"]) {
      const tiers = (await searchTechniques(seeded.db, query, 50)).map((r) => ["exact", "prefix", "name", "body"].indexOf(r.match));
      expect(tiers, query).toEqual([...tiers].sort((a, b) => a - b));
    }
    expect((await searchTechniques(seeded.db, "Causal trâcing"))[0]).toMatchObject({ slug: "causal-tracing", match: "exact" });
    expect((await searchTechniques(seeded.db, "LOGIT—LENS"))[0]).toMatchObject({ slug: "logit-lens", match: "exact" });
    // The name without its parenthesis is a name too.
    expect((await searchTechniques(seeded.db, "sparse autoencoders"))[0]).toMatchObject({ slug: "sparse-autoencoders", match: "exact" });
    expect(await searchTechniques(seeded.db, "?!*&|")).toEqual([]);
  });
});
