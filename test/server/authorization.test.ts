import { describe, expect, it } from "vitest";
import { papers, techniqueRevisions, techniques, users } from "../../db/schema";
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
const procedures: Array<{ name: string; lowest: Role; call: (c: Caller) => Promise<unknown> }> = [
  { name: "users.signUp", lowest: "anonymous", call: (c) => c.users.signUp({ email: `new${++counter}@test.dev`, password: "long enough password", name: "New" }) },
  { name: "papers.create", lowest: "member", call: (c) => c.papers.create({ title: `Paper ${++counter}`, authors: ["A"], links: [] }) },
  {
    name: "papers.importBibtex",
    lowest: "member",
    call: (c) => c.papers.importBibtex({ bibtex: `@misc{k${++counter}, title={Imported ${counter}}, author={Doe, Jane}, year={2020}}`, links: [] }),
  },
  {
    name: "papers.link",
    lowest: "member",
    call: async (c) => {
      const [paper] = await ctx.t.db.insert(papers).values({ title: `Linkable ${++counter}`, authors: ["A"] }).returning({ id: papers.id });
      return c.papers.link({ paperId: paper!.id, technique: "probing", relation: "applies" });
    },
  },
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
          if (procedure.name !== "papers.link") expect(after.papers).toBe(before.papers);
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
