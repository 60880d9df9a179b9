import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
