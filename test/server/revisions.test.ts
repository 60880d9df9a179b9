import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { techniqueRelations, techniqueRevisions, techniques } from "../../db/schema";
import { useDatabaseWithRoles } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";

const ctx = useDatabaseWithRoles();
beforeEach(async () => {
  await ctx.t.db.delete(techniques);
  await insertSmallTaxonomy(ctx.t.db);
});

describe("technique revisions", () => {
  it("applies an accepted edit and keeps it in the history", async () => {
    const proposed = await ctx.as.member.revisions.propose({ slug: "caa", changes: { summary: "Steer with the mean difference of paired prompts" }, message: "Clearer wording" });
    // Nothing changes until a moderator accepts.
    expect((await ctx.as.anonymous.taxonomy.technique({ slug: "caa" })).technique.summary).toBe("Steering with mean differences of contrastive prompt pairs");
    expect((await ctx.as.moderator.revisions.pending()).map((r) => r.id)).toEqual([proposed.id]);

    await ctx.as.moderator.revisions.review({ revisionId: proposed.id, decision: "accept", comment: "Thanks" });
    const page = await ctx.as.anonymous.taxonomy.technique({ slug: "caa" });
    expect(page.technique.summary).toBe("Steer with the mean difference of paired prompts");
    expect(page.history).toHaveLength(1);
    expect(page.history[0]).toMatchObject({ status: "accepted", reviewComment: "Thanks", before: { summary: "Steering with mean differences of contrastive prompt pairs" } });
    expect(await ctx.as.moderator.revisions.pending()).toEqual([]);
  });

  it("leaves the technique unchanged when an edit is rejected", async () => {
    const proposed = await ctx.as.member.revisions.propose({ slug: "caa", changes: { name: "Wrong name" }, message: "Rename it" });
    await ctx.as.moderator.revisions.review({ revisionId: proposed.id, decision: "reject", comment: "Not the accepted name" });
    const page = await ctx.as.anonymous.taxonomy.technique({ slug: "caa" });
    expect(page.technique.name).toBe("Contrastive Activation Addition");
    expect(page.history[0]).toMatchObject({ status: "rejected", reviewComment: "Not the accepted name" });
    await expect(ctx.as.moderator.revisions.review({ revisionId: proposed.id, decision: "accept", comment: "" })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("moves a technique to new parents when accepted", async () => {
    const proposed = await ctx.as.member.revisions.propose({ slug: "control-tasks", changes: { parents: ["probing", "steering"] }, message: "Also relevant to steering evaluation" });
    await ctx.as.moderator.revisions.review({ revisionId: proposed.id, decision: "accept", comment: "" });
    const page = await ctx.as.anonymous.taxonomy.technique({ slug: "control-tasks" });
    expect(page.parents.map((p) => p.slug).sort()).toEqual(["probing", "steering"]);
  });

  it("refuses a parent that would make the hierarchy circular, naming the cycle, and stores nothing", async () => {
    await expect(ctx.as.member.revisions.propose({ slug: "probing", changes: { parents: ["control-tasks"] }, message: "Make probing a kind of control task" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("probing → linear-probing → control-tasks → probing"),
    });
    expect(await ctx.t.db.select().from(techniqueRevisions)).toEqual([]);
  });


  it("refuses at review an edit that became circular after it was proposed, and applies nothing", async () => {
    const first = await ctx.as.member.revisions.propose({ slug: "steering", changes: { parents: ["control-tasks"] }, message: "Steering below control tasks" });
    const second = await ctx.as.member.revisions.propose({ slug: "probing", changes: { parents: ["caa"], summary: "Changed too" }, message: "Probing below CAA" });
    await ctx.as.moderator.revisions.review({ revisionId: first.id, decision: "accept", comment: "" });
    await expect(ctx.as.moderator.revisions.review({ revisionId: second.id, decision: "accept", comment: "" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("circular") });
    const probing = await ctx.as.anonymous.taxonomy.technique({ slug: "probing" });
    expect(probing.parents).toEqual([]);
    expect(probing.technique.summary).toBe("Decode properties from activations with simple classifiers");
    expect(probing.history[0]?.status).toBe("pending");
  });

  it("refuses unknown parents and edits that change nothing", async () => {
    await expect(ctx.as.member.revisions.propose({ slug: "caa", changes: { parents: ["no-such-technique"] }, message: "Typo test" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("no-such-technique"),
    });
    await expect(ctx.as.member.revisions.propose({ slug: "caa", changes: { name: "Contrastive Activation Addition" }, message: "Same name" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("changes nothing"),
    });
  });

  it("does not let a moderator accept their own edit", async () => {
    const own = await ctx.as.moderator.revisions.propose({ slug: "caa", changes: { aliases: ["CAA"] }, message: "Add the acronym" });
    await expect(ctx.as.moderator.revisions.review({ revisionId: own.id, decision: "accept", comment: "" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const [row] = await ctx.t.db.select().from(techniqueRevisions).where(eq(techniqueRevisions.id, own.id));
    expect(row?.status).toBe("pending");
  });

  it("keeps kind_of edges acyclic even when written directly through the graph service", async () => {
    const { addRelation } = await import("../../server/services/taxonomy-graph");
    const ids = Object.fromEntries((await ctx.t.db.select({ id: techniques.id, slug: techniques.slug }).from(techniques)).map((r) => [r.slug, r.id]));
    await expect(addRelation(ctx.t.db, ids["control-tasks"]!, ids.probing!, "kind_of")).rejects.toThrow(/circular/);
    // A "uses" edge in the same direction is fine: only the hierarchy must be a DAG.
    await addRelation(ctx.t.db, ids["control-tasks"]!, ids.probing!, "uses");
    expect((await ctx.t.db.select().from(techniqueRelations)).filter((r) => r.kind === "kind_of")).toHaveLength(3);
  });
});
