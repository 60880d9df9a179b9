import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { paperRevisions, papers, paperTechniques, techniqueRevisions, techniques, users } from "../../db/schema";
import { useDatabaseWithRoles, type Caller } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";

const ctx = useDatabaseWithRoles({ before: insertSmallTaxonomy });

type Role = "anonymous" | "member" | "moderator" | "admin";
const ROLES: Role[] = ["anonymous", "member", "moderator", "admin"];
let counter = 0;

/**
 * Every mutation (and every restricted query), with the lowest role allowed to call it.
 * Each call gets fresh arguments so a success never turns into a duplicate for the next role.
 */
/** A paper of its own for each call that proposes a change to one (written before the call, so not counted as the call's write). */
async function freshPaper(): Promise<number> {
  const [paper] = await ctx.t.db.insert(papers).values({ title: `Paper under change ${++counter}`, authors: ["A"] }).returning({ id: papers.id });
  return paper!.id;
}

const procedures: Array<{ name: string; lowest: Role; call: (c: Caller) => Promise<unknown> }> = [
  { name: "users.signUp", lowest: "anonymous", call: (c) => c.users.signUp({ email: `new${++counter}@test.dev`, password: "long enough password", name: "New" }) },
  { name: "papers.create", lowest: "member", call: (c) => c.papers.create({ title: `Paper ${++counter}`, authors: ["A"], links: [] }) },
  {
    name: "papers.importBibtex",
    lowest: "member",
    call: (c) => c.papers.importBibtex({ bibtex: `@misc{k${++counter}, title={Imported ${counter}}, author={Doe, Jane}, year={2020}}`, links: [] }),
  },
  {
    name: "paperRevisions.proposeMetadata",
    lowest: "member",
    call: async (c) => c.paperRevisions.proposeMetadata({ paperId: await freshPaper(), changes: { title: `Corrected ${++counter}` }, message: "A typo in the title" }),
  },
  {
    name: "paperRevisions.proposeLink",
    lowest: "member",
    call: async (c) => c.paperRevisions.proposeLink({ paperId: await freshPaper(), technique: "probing", relation: "applies", message: "It trains probes" }),
  },
  {
    name: "paperRevisions.proposeUnlink",
    lowest: "member",
    call: async (c) => {
      const paperId = await freshPaper();
      const [probing] = await ctx.t.db.select({ id: techniques.id }).from(techniques).where(eq(techniques.slug, "probing"));
      await ctx.t.db.insert(paperTechniques).values({ paperId, techniqueId: probing!.id, relation: "applies" });
      return c.paperRevisions.proposeUnlink({ paperId, technique: "probing", relation: "applies", message: "It does not train probes" });
    },
  },
  { name: "paperRevisions.pending", lowest: "moderator", call: (c) => c.paperRevisions.pending() },
  { name: "paperRevisions.pendingCount", lowest: "moderator", call: (c) => c.paperRevisions.pendingCount() },
  {
    name: "paperRevisions.review",
    lowest: "moderator",
    call: async (c) => {
      const proposed = await ctx.as.member.paperRevisions.proposeLink({ paperId: await freshPaper(), technique: "caa", relation: "evaluates", message: "For review" });
      return c.paperRevisions.review({ revisionId: proposed.id, decision: "reject", comment: "" });
    },
  },
  { name: "changes.watch", lowest: "member", call: (c) => c.changes.watch({ slug: "caa" }) },
  { name: "changes.unwatch", lowest: "member", call: (c) => c.changes.unwatch({ slug: "caa" }) },
  {
    name: "changes.markSeen",
    lowest: "member",
    call: async (c) => {
      await c.changes.watch({ slug: "steering" });
      return c.changes.markSeen({ slug: "steering" });
    },
  },
  { name: "changes.watched", lowest: "member", call: (c) => c.changes.watched() },
  { name: "revisions.propose", lowest: "member", call: (c) => c.revisions.propose({ slug: "caa", changes: { summary: `A summary, version ${++counter}` }, message: "Better words" }) },
  { name: "revisions.pending", lowest: "moderator", call: (c) => c.revisions.pending() },
  { name: "revisions.pendingCount", lowest: "moderator", call: (c) => c.revisions.pendingCount() },
  {
    name: "revisions.review",
    lowest: "moderator",
    call: async (c) => {
      const proposed = await ctx.as.member.revisions.propose({ slug: "probing", changes: { summary: `Reviewed summary ${++counter}` }, message: "For review" });
      return c.revisions.review({ revisionId: proposed.id, decision: "reject", comment: "" });
    },
  },
  { name: "users.list", lowest: "admin", call: (c) => c.users.list({}) },
  { name: "users.setRole", lowest: "admin", call: (c) => c.users.setRole({ email: ctx.as.users.member.email, role: "member" }) },
];

const rank = (r: Role) => ROLES.indexOf(r);

describe("authorisation", () => {
  for (const procedure of procedures) {
    for (const role of ROLES) {
      const allowed = rank(role) >= rank(procedure.lowest);
      it(`${procedure.name} as ${role}: ${allowed ? "allowed" : "refused"}`, async () => {
        const before = {
          papers: (await ctx.t.db.select().from(papers)).length,
          revisions: (await ctx.t.db.select().from(techniqueRevisions)).length,
          paperRevisions: (await ctx.t.db.select().from(paperRevisions)).length,
          users: (await ctx.t.db.select().from(users)).length,
        };
        const attempt = procedure.call(ctx.as[role]);
        if (allowed) {
          await expect(attempt).resolves.toBeDefined();
        } else {
          await expect(attempt).rejects.toMatchObject({ code: role === "anonymous" ? "UNAUTHORIZED" : "FORBIDDEN" });
          // A refused call writes nothing (the helper may have written its own fixtures first).
          const after = {
            papers: (await ctx.t.db.select().from(papers)).length,
            users: (await ctx.t.db.select().from(users)).length,
          };
          expect(after.users).toBe(before.users);
          if (!procedure.name.startsWith("paperRevisions.")) expect(after.papers).toBe(before.papers);
          if (procedure.name.startsWith("paperRevisions.propose")) expect((await ctx.t.db.select().from(paperRevisions)).length).toBe(before.paperRevisions);
          if (procedure.name === "revisions.propose") expect((await ctx.t.db.select().from(techniqueRevisions)).length).toBe(before.revisions);
        }
      });
    }
  }

  it("reads are open to everyone", async () => {
    await expect(ctx.as.anonymous.taxonomy.graph()).resolves.toMatchObject({ nodes: expect.any(Array) });
    await expect(ctx.as.anonymous.papers.list({})).resolves.toMatchObject({ items: expect.any(Array) });
    await expect(ctx.as.anonymous.taxonomy.technique({ slug: "caa" })).resolves.toMatchObject({ technique: { slug: "caa" } });
    expect(await ctx.as.anonymous.users.me()).toBeNull();
  });

  it("a moderator cannot make themselves admin", async () => {
    await expect(ctx.as.moderator.users.setRole({ email: ctx.as.users.moderator.email, role: "admin" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("unknown ids give NOT_FOUND with a readable message", async () => {
    await expect(ctx.as.anonymous.papers.byId({ id: 999_999 })).rejects.toMatchObject({ code: "NOT_FOUND", message: "Paper #999999 was not found." });
    await expect(ctx.as.anonymous.taxonomy.technique({ slug: "no-such-technique" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(ctx.as.moderator.revisions.review({ revisionId: 999_999, decision: "accept", comment: "" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await ctx.t.db.select().from(techniques)).length).toBe(5);
  });
});
