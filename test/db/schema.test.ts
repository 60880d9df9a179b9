import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";
import { papers, techniques } from "../../db/schema";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.dispose();
});

describe("schema", () => {
  it("creates every table the app relies on", async () => {
    const rows = await t.db.execute<{ table_name: string }>(sql`select table_name from information_schema.tables where table_schema = 'public'`);
    const names = rows.map((r) => r.table_name);
    for (const table of ["users", "accounts", "techniques", "technique_relations", "technique_revisions", "papers", "paper_techniques", "models", "sign_in_attempts"]) {
      expect(names).toContain(table);
    }
  });

  it("fills the search vectors from the text columns", async () => {
    await t.db.insert(techniques).values({ slug: "logit-lens", name: "Logit lens", summary: "Decode intermediate residual streams through the unembedding", aliases: ["vocabulary projection"] });
    const [row] = await t.db.select({ search: techniques.search }).from(techniques);
    expect(row?.search).toContain("'len':"); // English stemming: lens → len
    expect(row?.search).toContain("'vocabulari':");
  });

  it("refuses a second paper with the same arXiv id", async () => {
    await t.db.insert(papers).values({ title: "A", authors: ["X"], arxivId: "2310.01405" });
    await expect(t.db.insert(papers).values({ title: "B", authors: ["Y"], arxivId: "2310.01405" })).rejects.toMatchObject({ cause: { constraint_name: "papers_arxiv_id_uq" } });
  });
});
