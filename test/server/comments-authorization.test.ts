/** Who may call each comments procedure: anonymous, member (not the author), author, moderator, admin. */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { comments } from "../../db/schema";
import { closeMarkdownRenderer } from "../../server/render/markdown";
import { createComment } from "../../server/services/comments/write";
import type { SessionUser } from "../../server/trpc/context";
import { callerFor, createUser, useDatabaseWithRoles, type Caller } from "../setup/callers";
import { insertSmallTaxonomy } from "../setup/small-taxonomy";
import { insertExperiment } from "./comments-fixtures";

const ctx = useDatabaseWithRoles({ before: insertSmallTaxonomy });
afterAll(() => closeMarkdownRenderer());

type Role = "anonymous" | "member" | "author" | "moderator" | "admin";
const ROLES: Role[] = ["anonymous", "member", "author", "moderator", "admin"];
const callers = {} as Record<Role, Caller>;
let author: SessionUser;
let draftId: number;

beforeAll(async () => {
  author = await createUser(ctx.t.db, "member");
  Object.assign(callers, { anonymous: ctx.as.anonymous, member: ctx.as.member, moderator: ctx.as.moderator, admin: ctx.as.admin, author: callerFor(ctx.t.db, author) });
  draftId = (await insertExperiment(ctx.t.db, author.id, { state: "draft" })).id;
});

/** A fresh comment of the author's on a public technique (made through the service: the author's limits stay for the calls under test). */
const authorsComment = async () => (await createComment(ctx.t.db, author, { target: "technique", id: "steering", body: "the author's words" })).id;

type Refusal = "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND";
interface Procedure {
  name: string;
  /** Roles that succeed; the others get `refusals[role]`. */
  allowed: Role[];
  refusals: Partial<Record<Role, Refusal>>;
  call: (caller: Caller) => Promise<unknown>;
  /** The comment's row after a refused call must be as before. */
  check?: (id: number) => Promise<void>;
}

let commentId = 0;
const unchanged = async (id: number) => {
  const [row] = await ctx.t.db.select().from(comments).where(eq(comments.id, id));
  expect(row).toMatchObject({ body: "the author's words", hidden: false, deletedAt: null });
};

const PROCEDURES: Procedure[] = [
  { name: "list (public target)", allowed: ROLES, refusals: {}, call: (c) => c.comments.list({ target: "technique", id: "steering" }) },
  { name: "list (draft experiment)", allowed: ["author", "moderator", "admin"], refusals: { anonymous: "NOT_FOUND", member: "NOT_FOUND" }, call: (c) => c.comments.list({ target: "experiment", id: draftId }) },
  { name: "recent", allowed: ROLES, refusals: {}, call: (c) => c.comments.recent({ limit: 5 }) },
  { name: "create (public target)", allowed: ["member", "author", "moderator", "admin"], refusals: { anonymous: "UNAUTHORIZED" }, call: (c) => c.comments.create({ target: "technique", id: "caa", body: "hello" }) },
  {
    name: "create (draft experiment)",
    allowed: ["author", "moderator", "admin"],
    refusals: { anonymous: "UNAUTHORIZED", member: "NOT_FOUND" },
    call: (c) => c.comments.create({ target: "experiment", id: draftId, body: "hello" }),
  },
  {
    name: "create (reply)",
    allowed: ["member", "author", "moderator", "admin"],
    refusals: { anonymous: "UNAUTHORIZED" },
    call: (c) => c.comments.create({ target: "technique", id: "steering", parentId: commentId, body: "a reply" }),
  },
  {
    name: "edit",
    allowed: ["author"],
    refusals: { anonymous: "UNAUTHORIZED", member: "FORBIDDEN", moderator: "FORBIDDEN", admin: "FORBIDDEN" },
    call: (c) => c.comments.edit({ id: commentId, body: "changed" }),
    check: unchanged,
  },
  {
    name: "delete",
    allowed: ["author"],
    refusals: { anonymous: "UNAUTHORIZED", member: "FORBIDDEN", moderator: "FORBIDDEN", admin: "FORBIDDEN" },
    call: (c) => c.comments.delete({ id: commentId }),
    check: unchanged,
  },
  {
    name: "setHidden",
    allowed: ["moderator", "admin"],
    refusals: { anonymous: "UNAUTHORIZED", member: "FORBIDDEN", author: "FORBIDDEN" },
    call: (c) => c.comments.setHidden({ id: commentId, hidden: true }),
    check: unchanged,
  },
];

describe.each(PROCEDURES)("comments.$name", (procedure) => {
  it.each(ROLES)("as %s", async (role) => {
    commentId = await authorsComment();
    const call = procedure.call(callers[role]);
    if (procedure.allowed.includes(role)) {
      await expect(call).resolves.toBeDefined();
    } else {
      await expect(call).rejects.toMatchObject({ code: procedure.refusals[role] ?? "missing refusal in table" });
      await procedure.check?.(commentId);
    }
  });
});
