/** Who may call each experiment, data set and run procedure: anonymous, member (not the author), author, moderator, admin. */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { experimentVersions, runs } from "../../db/schema";
import { uploadDataset } from "../../server/services/datasets/store";
import { experimentContentSchema } from "../../server/services/experiments/input";
import { publishExperiment } from "../../server/services/experiments/publish";
import { createDraft } from "../../server/services/experiments/save";
import { setUserQuota } from "../../server/services/quotas";
import type { SessionUser } from "../../server/trpc/context";
import { callerFor, createUser, type Caller } from "../setup/callers";
import { draftInput, labelledCsv, useExperimentWorld } from "./experiments-fixtures";

const { ctx, world } = useExperimentWorld();

type Role = "anonymous" | "member" | "author" | "moderator" | "admin";
const ROLES: Role[] = ["anonymous", "member", "author", "moderator", "admin"];
const callers = {} as Record<Role, Caller>;
let author: SessionUser;
let n = 0;

beforeAll(async () => {
  author = await createUser(ctx.t.db, "member");
  // Every fixture publishes on two models; the default 50 queued runs would run out.
  await setUserQuota(ctx.t.db, ctx.as.users.admin.id, { userId: author.id, maxQueuedRuns: 10_000, maxRunsPerDay: 10_000 });
  Object.assign(callers, { anonymous: ctx.as.anonymous, member: ctx.as.member, moderator: ctx.as.moderator, admin: ctx.as.admin, author: callerFor(ctx.t.db, author) });
});

/** A fresh experiment of the author's (made through the services, so the author's rate limit is left for the calls under test). */
async function authorsExperiment(publish: boolean) {
  const draft = await createDraft(ctx.t.db, author, experimentContentSchema.parse(draftInput(`auth-${++n}`)));
  if (publish) await publishExperiment(ctx.t.db, world.boss, author, draft.id);
  const [run] = await ctx.t.db.select({ id: runs.id }).from(runs).innerJoin(experimentVersions, eq(experimentVersions.id, runs.versionId)).where(eq(experimentVersions.experimentId, draft.id));
  return { id: draft.id, runId: run?.id ?? 0 };
}

type Refusal = "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND";
interface Procedure {
  name: string;
  allowed: Role[];
  /** The code a signed-in caller who is not allowed gets (anonymous callers of member procedures get UNAUTHORIZED). */
  refusal?: Refusal;
  signInRequired: boolean;
  /** Fixtures made before the call (so a refusal can be checked to write nothing). */
  setup?: () => Promise<{ id: number; runId: number }>;
  call: (c: Caller, f: { id: number; runId: number }) => Promise<unknown>;
}

const EVERYONE: Role[] = ROLES;
const SIGNED_IN: Role[] = ["member", "author", "moderator", "admin"];
const AUTHOR_OR_STAFF: Role[] = ["author", "moderator", "admin"];

const procedures: Procedure[] = [
  { name: "experiments.list", allowed: EVERYONE, signInRequired: false, call: (c) => c.experiments.list({}) },
  { name: "experiments.byId (published)", allowed: EVERYONE, signInRequired: false, setup: () => authorsExperiment(true), call: (c, f) => c.experiments.byId({ id: f.id }) },
  { name: "experiments.byId (draft)", allowed: AUTHOR_OR_STAFF, refusal: "NOT_FOUND", signInRequired: false, setup: () => authorsExperiment(false), call: (c, f) => c.experiments.byId({ id: f.id }) },
  { name: "experiments.create", allowed: SIGNED_IN, signInRequired: true, call: (c) => c.experiments.create(draftInput(`create-${++n}`)) },
  { name: "experiments.update", allowed: ["author"], refusal: "FORBIDDEN", signInRequired: true, setup: () => authorsExperiment(false), call: (c, f) => c.experiments.update({ id: f.id, ...draftInput(`update-${++n}`) }) },
  { name: "experiments.update (published)", allowed: ["author"], refusal: "FORBIDDEN", signInRequired: true, setup: () => authorsExperiment(true), call: (c, f) => c.experiments.update({ id: f.id, ...draftInput(`update-${++n}`) }) },
  { name: "experiments.publish", allowed: ["author"], refusal: "FORBIDDEN", signInRequired: true, setup: () => authorsExperiment(false), call: (c, f) => c.experiments.publish({ id: f.id }) },
  { name: "experiments.myQuota", allowed: SIGNED_IN, signInRequired: true, call: (c) => c.experiments.myQuota() },
  { name: "experiments.setQuota", allowed: ["moderator", "admin"], refusal: "FORBIDDEN", signInRequired: true, call: (c) => c.experiments.setQuota({ userId: ctx.as.users.member.id, maxQueuedRuns: 60 }) },
  {
    name: "datasets.byId",
    allowed: EVERYONE,
    signInRequired: false,
    call: async (c) => {
      const saved = await uploadDataset(ctx.t.db, ctx.as.users.member, { name: "Shared", format: "csv", bytes: labelledCsv(`byid-${++n}`), previewOnly: false });
      return c.datasets.byId({ id: saved.saved ? saved.id : 0 });
    },
  },
  { name: "datasets.mine", allowed: SIGNED_IN, signInRequired: true, call: (c) => c.datasets.mine({}) },
  { name: "runs.byId", allowed: EVERYONE, signInRequired: false, setup: () => authorsExperiment(true), call: (c, f) => c.runs.byId({ id: f.runId }) },
  { name: "runs.progress", allowed: EVERYONE, signInRequired: false, setup: () => authorsExperiment(true), call: (c, f) => c.runs.progress({ ids: [f.runId] }) },
  { name: "runs.charts", allowed: EVERYONE, signInRequired: false, setup: () => authorsExperiment(true), call: (c, f) => c.runs.charts({ id: f.runId }) },
  { name: "runs.rerun", allowed: AUTHOR_OR_STAFF, refusal: "FORBIDDEN", signInRequired: true, setup: () => authorsExperiment(true), call: (c, f) => c.runs.rerun({ id: f.runId }) },
  { name: "runs.cancel", allowed: AUTHOR_OR_STAFF, refusal: "FORBIDDEN", signInRequired: true, setup: () => authorsExperiment(true), call: (c, f) => c.runs.cancel({ id: f.runId }) },
];

describe("authorisation of experiments, data sets and runs", () => {
  for (const p of procedures) {
    for (const role of ROLES) {
      const allowed = p.allowed.includes(role);
      it(`${p.name} as ${role}: ${allowed ? "allowed" : "refused"}`, async () => {
        const fixture = (await p.setup?.()) ?? { id: 0, runId: 0 };
        const snapshot = async () => JSON.stringify(await ctx.t.db.select({ id: runs.id, status: runs.status, cancel: runs.cancelRequested }).from(runs).orderBy(runs.id));
        const before = await snapshot();
        const attempt = p.call(callers[role], fixture);
        if (allowed) {
          await expect(attempt).resolves.toBeDefined();
          return;
        }
        await expect(attempt).rejects.toMatchObject({ code: role === "anonymous" && p.signInRequired ? "UNAUTHORIZED" : p.refusal });
        // A refused call adds, cancels or changes no run.
        expect(await snapshot()).toBe(before);
      });
    }
  }

  it("a refused cancel leaves the run as it was", async () => {
    const { runId } = await authorsExperiment(true);
    await expect(callers.member.runs.cancel({ id: runId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const [row] = await ctx.t.db.select({ status: runs.status, cancelRequested: runs.cancelRequested }).from(runs).where(eq(runs.id, runId));
    expect(row).toEqual({ status: "queued", cancelRequested: false });
  });
});
