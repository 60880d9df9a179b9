import { and, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import {
  comments,
  experiments,
  experimentVersions,
  experimentVersionTechniques,
  papers,
  paperTechniques,
  techniqueRelations,
  techniqueRevisions,
  techniques,
  techniqueSlugRedirects,
  techniqueWatches,
} from "../../db/schema";
import { MAX_PENDING_PER_TECHNIQUE, MAX_PENDING_PER_USER } from "../../server/services/revisions";
import { PREVIEW_RATE_LIMIT } from "../../server/services/proposals/preview";
import { hitRateLimit } from "../../server/services/rate-limit";
import { callerFor, createUser, useDatabaseWithRoles } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";

/*
 * Small taxonomy (kind_of runs parent → child):
 *   probing → linear-probing → control-tasks;  steering → caa;  caa uses linear-probing
 */
const ctx = useDatabaseWithRoles();
let ids: Record<string, number>;
let paperIds: number[];

beforeEach(async () => {
  const db = ctx.t.db;
  await db.delete(techniqueRevisions);
  await db.delete(comments);
  await db.delete(experiments);
  await db.delete(techniques);
  await db.delete(papers);
  ids = await insertSmallTaxonomy(db);
  const rows = await db
    .insert(papers)
    .values([
      { title: "Steering Llama 2 via Contrastive Activation Addition", authors: ["Nina Rimsky"], year: 2024 },
      { title: "Activation Addition: Steering Language Models Without Optimization", authors: ["Alex Turner"], year: 2023 },
      { title: "Sparse probing: finding neurons in a haystack", authors: ["Wes Gurnee"], year: 2023 },
    ])
    .returning({ id: papers.id });
  paperIds = rows.map((r) => r.id);
});

/** A member of their own, so one test's proposals never count against another's limits. */
async function newMember() {
  const user = await createUser(ctx.t.db, "member");
  return { user, as: callerFor(ctx.t.db, user) };
}

const accept = (revisionId: number) => ctx.as.moderator.revisions.review({ revisionId, decision: "accept", comment: "" });

async function kindOfEdges(): Promise<Array<[string, string]>> {
  const rows = await ctx.t.db.execute<{ parent: string; child: string }>(sql`
    select p.slug as parent, c.slug as child from technique_relations r
    join techniques p on p.id = r.from_id join techniques c on c.id = r.to_id
    where r.kind = 'kind_of' order by 1, 2`);
  return rows.map((r) => [r.parent, r.child]);
}

/** True when following kind_of edges ever comes back to where it started. */
async function hierarchyHasCycle(): Promise<boolean> {
  const rows = await ctx.t.db.execute<{ cyclic: boolean }>(sql`
    with recursive walk(start, node, path) as (
      select from_id, to_id, array[from_id, to_id] from technique_relations where kind = 'kind_of'
      union all
      select walk.start, r.to_id, walk.path || r.to_id from walk join technique_relations r on r.from_id = walk.node and r.kind = 'kind_of'
      where not r.to_id = any(walk.path[2:])
    )
    select exists(select 1 from walk where node = start) as cyclic`);
  return rows[0]?.cyclic === true;
}

describe("proposing a new technique", () => {
  const sparse = () => ({
    slug: "sparse-probing",
    name: "Sparse probing",
    summary: "Probe with a handful of neurons to localise a feature",
    description: "Train a probe restricted to **k** neurons.",
    aliases: ["k-sparse probing", "Sparse probing"],
    approach: "observational" as const,
    direction: null,
    unit: "neuron" as const,
    parents: ["probing"],
    papers: [{ paperId: paperIds[2]!, relation: "introduces" as const }],
  });

  it("exists only once accepted, with its parents, papers, rendered description and history", async () => {
    const { as } = await newMember();
    const proposed = await as.revisions.proposeCreate({ technique: sparse(), message: "A technique the map is missing" });
    await expect(ctx.as.anonymous.taxonomy.technique({ slug: "sparse-probing" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const queued = (await ctx.as.moderator.revisions.pending()).find((r) => r.id === proposed.id);
    expect(queued).toMatchObject({ kind: "create", slug: null, view: { headline: "New technique ‘Sparse probing’" } });
    expect(queued?.view.summary).toBe("Creates ‘Sparse probing’ at /techniques/sparse-probing under 1 parent, with 1 paper.");
    expect(queued?.view.papers).toEqual([{ id: paperIds[2], title: "Sparse probing: finding neurons in a haystack", relation: "introduces" }]);
    expect(queued?.view.preview?.html).toContain("<strong>k</strong>");

    const reviewed = await accept(proposed.id);
    expect(reviewed).toMatchObject({ status: "accepted", kind: "create", slug: "sparse-probing" });
    const page = await ctx.as.anonymous.taxonomy.technique({ slug: "sparse-probing" });
    expect(page.technique).toMatchObject({ name: "Sparse probing", approach: "observational", direction: null, unit: "neuron", aliases: ["k-sparse probing"] });
    expect(page.technique.descriptionHtml).toContain("<strong>k</strong>");
    expect(page.parents.map((p) => p.slug)).toEqual(["probing"]);
    expect(page.papers.map((p) => [p.id, p.relation])).toEqual([[paperIds[2], "introduces"]]);
    expect(page.history).toHaveLength(1);
    expect(page.history[0]).toMatchObject({ id: proposed.id, status: "accepted", view: { kind: "create", summary: expect.stringMatching(/^Created ‘Sparse probing’/) } });
    const graph = await ctx.as.anonymous.taxonomy.graph();
    expect(graph.nodes.map((n) => n.slug)).toContain("sparse-probing");
  });

  it("asks for each paper's relation (no default) and refuses unknown papers and parents", async () => {
    const { as } = await newMember();
    const withoutRelation = { ...sparse(), papers: [{ paperId: paperIds[0]! }] };
    // @ts-expect-error the relation is required
    await expect(as.revisions.proposeCreate({ technique: withoutRelation, message: "Missing relation" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("Choose how the paper relates to the technique"),
    });
    await expect(as.revisions.proposeCreate({ technique: { ...sparse(), papers: [{ paperId: 999_999, relation: "applies" }] }, message: "Unknown paper" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("#999999"),
    });
    await expect(as.revisions.proposeCreate({ technique: { ...sparse(), parents: ["no-such-parent"] }, message: "Unknown parent" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("no-such-parent"),
    });
    expect(await ctx.t.db.select().from(techniqueRevisions)).toEqual([]);
  });

  it("refuses a slug taken by a technique, by an old slug that redirects, or by another pending proposal", async () => {
    const { as } = await newMember();
    await expect(as.revisions.proposeCreate({ technique: { ...sparse(), slug: "caa" }, message: "Taken slug" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("taken by the technique “Contrastive Activation Addition”"),
    });
    await ctx.t.db.insert(techniqueSlugRedirects).values({ slug: "old-probing", techniqueId: ids.probing! });
    await expect(as.revisions.proposeCreate({ technique: { ...sparse(), slug: "old-probing" }, message: "Redirect slug" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("old address of “Probing”"),
    });
    const first = await as.revisions.proposeCreate({ technique: sparse(), message: "First asks for it" });
    const other = await newMember();
    await expect(other.as.revisions.proposeCreate({ technique: sparse(), message: "Second asks for it" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining(`waiting for review (#${first.id})`),
    });
  });

  it("refuses two simultaneous proposals for one slug (only one is recorded)", async () => {
    const a = await newMember();
    const b = await newMember();
    const results = await Promise.allSettled([a.as.revisions.proposeCreate({ technique: sparse(), message: "At once A" }), b.as.revisions.proposeCreate({ technique: sparse(), message: "At once B" })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await ctx.t.db.select().from(techniqueRevisions)).toHaveLength(1);
  });
});

describe("proposing relations", () => {
  it("adds and removes several relations in one proposal, refines included", async () => {
    const { as } = await newMember();
    const proposed = await as.revisions.proposeRelations({
      add: [
        { from: "caa", to: "probing", kind: "refines" },
        { from: "control-tasks", to: "caa", kind: "evaluates" },
      ],
      remove: [{ from: "caa", to: "linear-probing", kind: "uses" }],
      subject: "caa",
      message: "CAA refines probing directions; control tasks evaluate CAA",
    });
    const queued = (await ctx.as.moderator.revisions.pending()).find((r) => r.id === proposed.id);
    expect(queued?.view.summary).toBe("Add 2 relations and remove 1 relation.");
    expect(queued?.view.relations.map((r) => `${r.action}: ${r.sentence}`)).toEqual([
      "add: ‘Contrastive Activation Addition’ refines ‘Probing’",
      "add: ‘Control tasks’ evaluates ‘Contrastive Activation Addition’",
      "remove: ‘Contrastive Activation Addition’ uses ‘Linear probing’",
    ]);
    await accept(proposed.id);
    const caa = await ctx.as.anonymous.taxonomy.technique({ slug: "caa" });
    expect(caa.related.map((r) => `${r.direction} ${r.kind} ${r.slug}`).sort()).toEqual(["incoming evaluates control-tasks", "outgoing refines probing"]);
    expect(caa.history.map((h) => h.id)).toContain(proposed.id);
  });

  it("refuses at review a kind_of that became circular since it was proposed, naming the cycle, and applies nothing", async () => {
    const a = await newMember();
    const b = await newMember();
    // Each alone is fine; together: probing → linear-probing → control-tasks → steering → caa → probing.
    const first = await a.as.revisions.proposeRelations({ add: [{ from: "control-tasks", to: "steering", kind: "kind_of" }], message: "Steering is evaluated like control tasks" });
    const second = await b.as.revisions.proposeRelations({
      add: [
        { from: "caa", to: "probing", kind: "kind_of" },
        { from: "probing", to: "steering", kind: "uses" },
      ],
      message: "Probing as a kind of CAA",
    });
    await accept(first.id);
    await expect(accept(second.id)).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("probing → linear-probing → control-tasks → steering → caa → probing"),
    });
    const edges = await ctx.t.db.select().from(techniqueRelations).where(eq(techniqueRelations.kind, "uses"));
    expect(edges).toHaveLength(1);
    const [row] = await ctx.t.db.select().from(techniqueRevisions).where(eq(techniqueRevisions.id, second.id));
    expect(row?.status).toBe("pending");
    expect(await hierarchyHasCycle()).toBe(false);
  });

  it("refuses cycles, self-loops, relations that exist already and removals of relations that do not exist, when proposed", async () => {
    const { as } = await newMember();
    await expect(as.revisions.proposeRelations({ add: [{ from: "control-tasks", to: "probing", kind: "kind_of" }], message: "Circular on purpose" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("probing → linear-probing → control-tasks → probing"),
    });
    await expect(as.revisions.proposeRelations({ add: [{ from: "caa", to: "caa", kind: "refines" }], message: "Self loop" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("cannot be related to itself"),
    });
    await expect(as.revisions.proposeRelations({ add: [{ from: "caa", to: "linear-probing", kind: "uses" }], message: "Already there" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("already says “‘Contrastive Activation Addition’ uses ‘Linear probing’”"),
    });
    await expect(as.revisions.proposeRelations({ remove: [{ from: "caa", to: "probing", kind: "uses" }], message: "Not there" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("no relation"),
    });
    await expect(as.revisions.proposeRelations({ message: "Nothing at all" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await ctx.t.db.select().from(techniqueRevisions)).toEqual([]);
  });

  it("removes a kind_of (the child becomes top-level) and checks a removal plus an addition together", async () => {
    const { as } = await newMember();
    // Turning linear-probing ↔ probing around is only acyclic once the old edge is gone.
    const proposed = await as.revisions.proposeRelations({
      remove: [{ from: "probing", to: "linear-probing", kind: "kind_of" }],
      add: [{ from: "linear-probing", to: "probing", kind: "kind_of" }],
      message: "Turn the hierarchy around",
    });
    await accept(proposed.id);
    expect(await kindOfEdges()).toEqual([
      ["linear-probing", "control-tasks"],
      ["linear-probing", "probing"],
      ["steering", "caa"],
    ]);
  });
});

describe("renaming", () => {
  it("gives a new name and slug; old slugs redirect in one hop, however many renames", async () => {
    const { as } = await newMember();
    const first = await as.revisions.proposeRename({ slug: "caa", name: "CAA steering", newSlug: "caa-steering", message: "Shorter name" });
    await accept(first.id);
    const moved = await ctx.as.anonymous.taxonomy.technique({ slug: "caa" });
    expect(moved).toMatchObject({ redirectedFrom: "caa", technique: { slug: "caa-steering", name: "CAA steering" } });
    const second = await as.revisions.proposeRename({ slug: "caa-steering", newSlug: "contrastive-activation-addition", message: "Spell it out" });
    await accept(second.id);
    // A → B → C: both old slugs answer with C directly.
    expect(await ctx.as.anonymous.taxonomy.resolveSlug({ slug: "caa" })).toEqual({ slug: "contrastive-activation-addition", name: "CAA steering", redirected: true });
    expect(await ctx.as.anonymous.taxonomy.resolveSlug({ slug: "caa-steering" })).toMatchObject({ slug: "contrastive-activation-addition", redirected: true });
    expect(await ctx.as.anonymous.taxonomy.resolveSlug({ slug: "contrastive-activation-addition" })).toMatchObject({ redirected: false });
    expect(await ctx.as.anonymous.taxonomy.resolveSlug({ slug: "never-was" })).toBeNull();
    const redirects = await ctx.t.db.select().from(techniqueSlugRedirects);
    expect(redirects.map((r) => [r.slug, r.techniqueId]).sort()).toEqual([
      ["caa", ids.caa],
      ["caa-steering", ids.caa],
    ]);
    const page = await ctx.as.anonymous.taxonomy.technique({ slug: "contrastive-activation-addition" });
    expect(page.history.map((h) => h.view.summary)).toEqual([
      "/techniques/caa-steering redirects to /techniques/contrastive-activation-addition.",
      "Renamed ‘Contrastive Activation Addition’ to ‘CAA steering’. /techniques/caa redirects to /techniques/caa-steering.",
    ]);
    // Taking back its own old slug: the address is the technique's again, not a redirect.
    const back = await as.revisions.proposeRename({ slug: "contrastive-activation-addition", newSlug: "caa", message: "Back to the short slug" });
    await accept(back.id);
    expect(await ctx.as.anonymous.taxonomy.resolveSlug({ slug: "caa" })).toMatchObject({ slug: "caa", redirected: false });
    expect((await ctx.t.db.select().from(techniqueSlugRedirects)).map((r) => r.slug).sort()).toEqual(["caa-steering", "contrastive-activation-addition"]);
  });

  it("refuses a slug another technique has (or had), and a rename that changes nothing", async () => {
    const { as } = await newMember();
    await expect(as.revisions.proposeRename({ slug: "caa", newSlug: "probing", message: "Clash with probing" })).rejects.toMatchObject({ code: "CONFLICT" });
    await ctx.t.db.insert(techniqueSlugRedirects).values({ slug: "old-probing", techniqueId: ids.probing! });
    await expect(as.revisions.proposeRename({ slug: "caa", newSlug: "old-probing", message: "Clash with a redirect" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("old address of “Probing”"),
    });
    await expect(as.revisions.proposeRename({ slug: "caa", name: "Contrastive Activation Addition", message: "Same name" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("changes nothing"),
    });
  });
});

describe("merging", () => {
  async function evidenceOn(techniqueId: number) {
    const db = ctx.t.db;
    const [experiment] = await db.insert(experiments).values({ ownerId: ctx.as.users.member.id, state: "published" }).returning({ id: experiments.id });
    const [version] = await db
      .insert(experimentVersions)
      .values({ experimentId: experiment!.id, version: 1, authorId: ctx.as.users.member.id, title: "Steering test", spec: {} })
      .returning({ id: experimentVersions.id });
    await db.insert(experimentVersionTechniques).values({ versionId: version!.id, techniqueId });
    return version!.id;
  }

  it("moves papers, experiments, relations, comments, watches and history, deletes the source and redirects its slugs", async () => {
    const db = ctx.t.db;
    const { as, user } = await newMember();
    // History on CAA: a rename (so CAA has an old slug of its own) and an edit.
    const renamed = await as.revisions.proposeRename({ slug: "caa", newSlug: "contrastive-addition", message: "Longer slug" });
    await accept(renamed.id);
    const edit = await as.revisions.propose({ slug: "contrastive-addition", changes: { aliases: ["CAA"] }, message: "The acronym" });
    await accept(edit.id);
    const stillPending = await as.revisions.propose({ slug: "contrastive-addition", changes: { summary: "A summary that will never apply" }, message: "Pending edit" });
    await db.insert(paperTechniques).values([
      { paperId: paperIds[0]!, techniqueId: ids.caa!, relation: "introduces" },
      { paperId: paperIds[1]!, techniqueId: ids.caa!, relation: "applies" },
      { paperId: paperIds[1]!, techniqueId: ids.steering!, relation: "applies" },
    ]);
    const versionId = await evidenceOn(ids.caa!);
    await db.insert(comments).values({ targetType: "technique", targetId: String(ids.caa), authorId: user.id, body: "Is this just ActAdd with averaging?" });
    await db.insert(techniqueWatches).values({ userId: user.id, techniqueId: ids.caa! });

    const merge = await as.revisions.proposeMerge({ source: "contrastive-addition", target: "steering", message: "CAA is the steering page's main example" });
    const queued = (await ctx.as.moderator.revisions.pending()).find((r) => r.id === merge.id);
    expect(queued?.view.headline).toBe("Merge ‘Contrastive Activation Addition’ into ‘Activation steering’");
    expect(queued?.view.summary).toBe(
      "Merge ‘Contrastive Activation Addition’ into ‘Activation steering’: 2 papers, 1 experiment, 3 edits, 1 comment, 1 watcher and 2 relations move; /techniques/contrastive-addition will redirect.",
    );

    await expect(accept(merge.id)).resolves.toMatchObject({ status: "accepted", slug: "steering" });
    expect(await db.select().from(techniques).where(eq(techniques.id, ids.caa!))).toEqual([]);
    for (const old of ["caa", "contrastive-addition"]) {
      expect(await ctx.as.anonymous.taxonomy.resolveSlug({ slug: old })).toEqual({ slug: "steering", name: "Activation steering", redirected: true });
    }
    const page = await ctx.as.anonymous.taxonomy.technique({ slug: "contrastive-addition" });
    expect(page.redirectedFrom).toBe("contrastive-addition");
    expect(page.technique.aliases).toEqual(["Contrastive Activation Addition", "CAA"]);
    expect(page.papers.map((p) => `${p.id}:${p.relation}`).sort()).toEqual([`${paperIds[0]}:introduces`, `${paperIds[1]}:applies`].sort());
    // steering → caa became a loop and was left out; caa uses linear-probing now starts at steering.
    expect(page.children).toEqual([]);
    expect(page.related.map((r) => `${r.direction} ${r.kind} ${r.slug}`)).toEqual(["outgoing uses linear-probing"]);
    expect(await db.select().from(experimentVersionTechniques).where(eq(experimentVersionTechniques.versionId, versionId))).toEqual([{ versionId, techniqueId: ids.steering }]);
    expect((await db.select().from(comments)).map((c) => [c.targetType, c.targetId])).toEqual([["technique", String(ids.steering)]]);
    expect(await db.select({ techniqueId: techniqueWatches.techniqueId }).from(techniqueWatches).where(eq(techniqueWatches.userId, user.id))).toEqual([{ techniqueId: ids.steering }]);
    // The whole history now lives on the target, the merge included; the edit that could not apply was closed.
    expect(page.history.map((h) => h.id).sort((a, b) => a - b)).toEqual([renamed.id, edit.id, stillPending.id, merge.id]);
    expect(page.history.find((h) => h.id === stillPending.id)).toMatchObject({ status: "rejected", reviewComment: expect.stringContaining("was merged into ‘Activation steering’") });
    const mergeItem = page.history.find((h) => h.id === merge.id);
    expect(mergeItem?.view.summary).toBe(
      "Merged ‘Contrastive Activation Addition’ into ‘Activation steering’: 2 papers, 1 experiment, 3 edits, 1 comment, 1 watcher and 2 relations moved; /techniques/contrastive-addition redirects there.",
    );
    expect(mergeItem?.view.leftOut).toEqual(["‘Contrastive Activation Addition’ is a kind of ‘Activation steering’ (it would relate ‘Activation steering’ to itself)"]);
  });

  it("merges a technique into its own descendant without making the hierarchy circular", async () => {
    const { as } = await newMember();
    // probing → linear-probing → control-tasks: probing's edge to linear-probing would come back as control-tasks → linear-probing.
    const merge = await as.revisions.proposeMerge({ source: "probing", target: "control-tasks", message: "Fold probing into control tasks" });
    await accept(merge.id);
    expect(await hierarchyHasCycle()).toBe(false);
    expect(await kindOfEdges()).toEqual([
      ["linear-probing", "control-tasks"],
      ["steering", "caa"],
    ]);
    const page = await ctx.as.anonymous.taxonomy.technique({ slug: "control-tasks" });
    expect(page.history.find((h) => h.id === merge.id)?.view.leftOut).toEqual(["‘Linear probing’ is a kind of ‘Probing’ (it would make the hierarchy circular)"]);
    expect(page.technique.aliases).toEqual(["Probing"]);
  });

  it("refuses to merge a technique into itself, under any of its slugs", async () => {
    const { as } = await newMember();
    await expect(as.revisions.proposeMerge({ source: "caa", target: "caa", message: "Into itself" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("itself") });
    await ctx.t.db.insert(techniqueSlugRedirects).values({ slug: "old-caa", techniqueId: ids.caa! });
    await expect(as.revisions.proposeMerge({ source: "old-caa", target: "caa", message: "Into itself again" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("cannot be merged into itself"),
    });
  });

  it("refuses a proposal whose techniques were merged away meanwhile", async () => {
    const a = await newMember();
    const b = await newMember();
    const relation = await a.as.revisions.proposeRelations({ add: [{ from: "caa", to: "control-tasks", kind: "refines" }], subject: "control-tasks", message: "CAA refines control tasks" });
    const merge = await b.as.revisions.proposeMerge({ source: "caa", target: "steering", message: "Fold CAA into steering" });
    await accept(merge.id);
    await expect(accept(relation.id)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("no longer exists") });
  });
});

describe("who may do what", () => {
  it("members cannot review; nobody accepts their own proposal; anonymous people cannot propose", async () => {
    const { as } = await newMember();
    const proposed = await as.revisions.proposeRename({ slug: "caa", name: "CAA", message: "Acronym as the name" });
    await expect(as.revisions.review({ revisionId: proposed.id, decision: "accept", comment: "" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const own = await ctx.as.moderator.revisions.proposeMerge({ source: "control-tasks", target: "linear-probing", message: "Moderator's own merge" });
    await expect(ctx.as.moderator.revisions.review({ revisionId: own.id, decision: "accept", comment: "" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    // …but may withdraw it.
    await expect(ctx.as.moderator.revisions.review({ revisionId: own.id, decision: "reject", comment: "Withdrawn" })).resolves.toMatchObject({ status: "rejected" });
    await expect(ctx.as.anonymous.revisions.proposeRelations({ add: [{ from: "caa", to: "probing", kind: "refines" }], message: "Anonymous" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(ctx.as.anonymous.revisions.preview({ kind: "edit", slug: "caa", changes: { summary: "Anonymous preview please" } })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("shows a new technique's proposal and its discussion only to its author and moderators until it is accepted", async () => {
    const { as, user } = await newMember();
    const other = await newMember();
    const proposed = await as.revisions.proposeCreate({
      technique: { slug: "attribution-patching", name: "Attribution patching", summary: "Linear approximation of activation patching with gradients" },
      message: "Widely used, missing",
    });
    await expect(ctx.as.anonymous.revisions.byId({ id: proposed.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(other.as.revisions.byId({ id: proposed.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(other.as.comments.list({ target: "revision", id: proposed.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await as.revisions.byId({ id: proposed.id })).toMatchObject({ kind: "create", authorId: user.id, status: "pending" });

    await ctx.as.moderator.comments.create({ target: "revision", id: proposed.id, body: "Which paper introduces it?" });
    await as.comments.create({ target: "revision", id: proposed.id, body: "Nanda 2023, a blog post." });
    const thread = await as.comments.list({ target: "revision", id: proposed.id });
    expect(thread.items.map((c) => c.content?.source)).toEqual(["Nanda 2023, a blog post.", "Which paper introduces it?"]);
    expect((await ctx.as.moderator.revisions.pending()).find((r) => r.id === proposed.id)?.comments).toBe(2);

    await accept(proposed.id);
    expect(await ctx.as.anonymous.revisions.byId({ id: proposed.id })).toMatchObject({ status: "accepted", slug: "attribution-patching" });
    expect((await ctx.as.anonymous.comments.list({ target: "revision", id: proposed.id })).count).toBe(2);
    // An edit's proposal is public from the start, like the technique's history.
    const edit = await other.as.revisions.propose({ slug: "caa", changes: { summary: "Steer with the mean difference of paired prompts" }, message: "Clearer" });
    expect(await ctx.as.anonymous.revisions.byId({ id: edit.id })).toMatchObject({ kind: "edit" });
  });
});

describe("pending limits", () => {
  it(`counts every kind of proposal: ${MAX_PENDING_PER_USER} overall, ${MAX_PENDING_PER_TECHNIQUE} on one technique`, async () => {
    const { as, user } = await newMember();
    for (let i = 0; i < MAX_PENDING_PER_TECHNIQUE; i++) {
      await as.revisions.proposeRename({ slug: "caa", name: `Contrastive addition ${i}`, message: "Trying names" });
    }
    await expect(as.revisions.proposeMerge({ source: "caa", target: "steering", message: "One more on CAA" })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    await expect(as.revisions.proposeRelations({ add: [{ from: "caa", to: "probing", kind: "refines" }], subject: "caa", message: "One more on CAA" })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
    });
    await ctx.t.db.insert(techniqueRevisions).values(
      Array.from({ length: MAX_PENDING_PER_USER - MAX_PENDING_PER_TECHNIQUE }, (_, i) => ({
        kind: "create" as const,
        techniqueId: null,
        authorId: user.id,
        message: `create ${i}`,
        changes: { slug: `new-${i}`, name: `New ${i}`, summary: "A new technique for the limit" },
        before: {},
      })),
    );
    await expect(
      as.revisions.proposeCreate({ technique: { slug: "one-too-many", name: "One too many", summary: "Past the limit of pending proposals" }, message: "Over the limit" }),
    ).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS", message: expect.stringContaining(`${MAX_PENDING_PER_USER} edits waiting`) });
    const pendingCreates = await ctx.t.db.select().from(techniqueRevisions).where(and(eq(techniqueRevisions.authorId, user.id), eq(techniqueRevisions.kind, "create")));
    expect(pendingCreates).toHaveLength(MAX_PENDING_PER_USER - MAX_PENDING_PER_TECHNIQUE);
  });
});

describe("preview before submitting", () => {
  it("shows an edit's word diff and its rendered description, saving nothing", async () => {
    const { as } = await newMember();
    const preview = await as.revisions.preview({
      kind: "edit",
      slug: "caa",
      changes: { summary: "Steering with the mean difference of contrastive prompt pairs", description: "Add the *mean difference* vector." },
    });
    expect(preview.problems).toEqual([]);
    const summary = preview.view?.fields.find((f) => f.field === "summary");
    expect(summary?.diff?.parts).toEqual([
      { op: "equal", text: "Steering with " },
      { op: "insert", text: "the " },
      { op: "equal", text: "mean " },
      { op: "delete", text: "differences" },
      { op: "insert", text: "difference" },
      { op: "equal", text: " of contrastive prompt pairs" },
    ]);
    expect(preview.view?.preview?.html).toContain("<em>mean difference</em>");
    expect(await ctx.t.db.select().from(techniqueRevisions)).toEqual([]);
  });

  it("never shows raw HTML from the description", async () => {
    const { as } = await newMember();
    const preview = await as.revisions.preview({ kind: "edit", slug: "caa", changes: { description: "Hello <script>alert(1)</script> <img src=x onerror=alert(1)>" } });
    expect(preview.view?.preview?.html).not.toMatch(/<script|onerror/i);
  });

  it("tells the author of a new technique what would stop it, and says when an edit changes nothing", async () => {
    const { as } = await newMember();
    const taken = await as.revisions.preview({ kind: "create", technique: { slug: "caa", name: "CAA again", summary: "The same technique a second time" } });
    expect(taken.problems).toEqual([expect.stringContaining("taken by the technique")]);
    expect(taken.view?.headline).toBe("New technique ‘CAA again’");
    const nothing = await as.revisions.preview({ kind: "edit", slug: "caa", changes: { name: "Contrastive Activation Addition" } });
    expect(nothing).toEqual({ view: null, problems: ["This edit changes nothing yet: change at least one field."] });
  });

  it("is rate-limited per person", async () => {
    const { as, user } = await newMember();
    for (let i = 0; i < PREVIEW_RATE_LIMIT.max; i++) await hitRateLimit(ctx.t.db, PREVIEW_RATE_LIMIT, user.id);
    await expect(as.revisions.preview({ kind: "edit", slug: "caa", changes: { summary: "One preview too many for now" } })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringContaining("Too many previews"),
    });
  });
});
