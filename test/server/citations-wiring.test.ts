/**
 * `[@key]` citations resolve against the database wherever members write Markdown: comments,
 * experiment questions (through the services that store their rendering) and technique edits.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { comments, papers } from "../../db/schema";
import { closeMarkdownRenderer } from "../../server/render/markdown";
import { renderQuestion } from "../../server/services/experiments/content";
import { citationsFromDatabase } from "../../server/render/markdown-citation-lookup";
import { callerFor, createUser, useDatabaseWithRoles } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";

const ctx = useDatabaseWithRoles({ before: insertSmallTaxonomy });
afterAll(() => closeMarkdownRenderer());

let paperId: number;
beforeAll(async () => {
  const [paper] = await ctx.t.db
    .insert(papers)
    .values({ title: "Refusal is mediated by a single direction", authors: ["Andy Arditi"], year: 2024, citeKey: "arditi2024" })
    .returning({ id: papers.id });
  paperId = paper!.id;
});

describe("citations from the database", () => {
  it("a comment citing a known key links to the paper and lists it under References", async () => {
    const caller = callerFor(ctx.t.db, await createUser(ctx.t.db, "member"));
    const created = await caller.comments.create({ target: "technique", id: "steering", body: "As shown in [@arditi2024], one direction suffices." });
    const [row] = await ctx.t.db.select().from(comments).where(eq(comments.id, created.id));
    expect(row!.bodyHtml).toContain(`href="/papers/${paperId}"`);
    expect(row!.bodyHtml).toContain('class="references"');
    expect(row!.bodyHtml).toContain("Refusal is mediated by a single direction");
  });

  it("an unknown key is marked, not linked", async () => {
    const caller = callerFor(ctx.t.db, await createUser(ctx.t.db, "member"));
    const created = await caller.comments.create({ target: "technique", id: "steering", body: "See [@nobody1999]." });
    const [row] = await ctx.t.db.select().from(comments).where(eq(comments.id, created.id));
    expect(row!.bodyHtml).toContain("citation--unknown");
    expect(row!.bodyHtml).not.toContain('href="/papers/');
  });

  it("an experiment question renders its citations the same way", async () => {
    const rendered = await renderQuestion("Does [@arditi2024] hold on small models?", citationsFromDatabase(ctx.t.db));
    expect(rendered.questionHtml).toContain(`href="/papers/${paperId}"`);
  });
});
