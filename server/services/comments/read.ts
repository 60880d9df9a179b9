import { citationsFromDatabase } from "../../render/markdown-citation-lookup";
import { and, asc, desc, eq, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "~/db/client";
import { comments, experiments, experimentVersions, models, papers, runs, techniques, users, type CommentTarget } from "~/db/schema";
import type { SessionUser } from "../../trpc/context";
import { publicName } from "../display-name";
import { isStaff } from "../experiments/permissions";
import { COMMENTS_PAGE_SIZE, MAX_COMMENT_CHARS, MAX_COMMENT_LEVEL, type TargetRef } from "./input";
import { renderCommentBody } from "./render";
import { resolveTarget } from "./targets";
import { viewOf, type CommentRow, type CommentView } from "./view";

/** Replies shown under one page of threads at most (a pathological thread cannot blow up a page). */
const MAX_REPLIES_PER_PAGE = 2_000;

const rowColumns = {
  id: comments.id,
  parentId: comments.parentId,
  authorId: comments.authorId,
  author: publicName(users),
  body: comments.body,
  bodyHtml: comments.bodyHtml,
  bodyRenderError: comments.bodyRenderError,
  hidden: comments.hidden,
  deletedAt: comments.deletedAt,
  editedAt: comments.editedAt,
  createdAt: comments.createdAt,
};

/** Rows saved while the renderer was busy are rendered on first read, once, and kept. */
async function renderMissing(db: Database, rows: CommentRow[]): Promise<void> {
  for (const row of rows) {
    if (row.bodyHtml !== null || row.bodyRenderError !== null || row.deletedAt !== null || row.body === "") continue;
    const rendered = await renderCommentBody(row.body, citationsFromDatabase(db));
    if (rendered.bodyHtml === null && rendered.bodyRenderError === null) continue;
    await db.update(comments).set(rendered).where(and(eq(comments.id, row.id), eq(comments.body, row.body)));
    Object.assign(row, rendered);
  }
}

/** Ids of every reply below these comments (any depth), bounded. */
async function descendantIds(db: Database, rootIds: number[]): Promise<number[]> {
  if (rootIds.length === 0) return [];
  const rows = await db.execute<{ id: number }>(sql`
    with recursive thread(id, level) as (
      select id, 2 from ${comments} where parent_id in (${sql.join(
        rootIds.map((id) => sql`${id}`),
        sql`, `,
      )})
      union all
      select c.id, thread.level + 1 from ${comments} c join thread on c.parent_id = thread.id where thread.level < 64
    )
    select id from thread limit ${MAX_REPLIES_PER_PAGE}`);
  return rows.map((r) => Number(r.id));
}

/**
 * One page of a target's discussion: top-level comments newest first (what was just said is on
 * page 1), each with its replies oldest first (a conversation reads top to bottom).
 */
export async function listComments(db: Database, viewer: SessionUser | null, input: TargetRef & { page: number }) {
  const target = await resolveTarget(db, viewer, input.target, input.id);
  const onTarget = and(eq(comments.targetType, target.type), eq(comments.targetId, target.targetId));
  const [roots, [totals]] = await Promise.all([
    db
      .select(rowColumns)
      .from(comments)
      .innerJoin(users, eq(users.id, comments.authorId))
      .where(and(onTarget, isNull(comments.parentId)))
      .orderBy(desc(comments.createdAt), desc(comments.id))
      .limit(COMMENTS_PAGE_SIZE)
      .offset((input.page - 1) * COMMENTS_PAGE_SIZE),
    db
      .select({ threads: sql<number>`count(*) filter (where ${comments.parentId} is null)::int`, comments: sql<number>`count(*) filter (where ${comments.deletedAt} is null)::int` })
      .from(comments)
      .where(onTarget),
  ]);
  const replyIds = await descendantIds(
    db,
    roots.map((r) => r.id),
  );
  const replies = replyIds.length
    ? await db.select(rowColumns).from(comments).innerJoin(users, eq(users.id, comments.authorId)).where(inArray(comments.id, replyIds)).orderBy(asc(comments.createdAt), asc(comments.id))
    : [];
  await renderMissing(db, [...roots, ...replies]);

  const views = new Map<number, CommentView>();
  for (const row of [...roots, ...replies]) views.set(row.id, viewOf(row, viewer));
  for (const row of replies) {
    const parent = row.parentId === null ? undefined : views.get(row.parentId);
    const view = views.get(row.id);
    if (parent && view) parent.replies.push(view);
  }
  const threads = totals?.threads ?? 0;
  return {
    target: { type: target.type, id: target.targetId },
    items: roots.map((r) => views.get(r.id)!),
    page: input.page,
    pageSize: COMMENTS_PAGE_SIZE,
    pageCount: Math.max(1, Math.ceil(threads / COMMENTS_PAGE_SIZE)),
    threads,
    count: totals?.comments ?? 0,
    viewer: { signedIn: viewer !== null, canModerate: isStaff(viewer?.role) },
    limits: { maxChars: MAX_COMMENT_CHARS, maxLevel: MAX_COMMENT_LEVEL },
  };
}

export type CommentList = Awaited<ReturnType<typeof listComments>>;

const EXCERPT_CHARS = 160;

/** Where a comment's target lives in the app. */
function targetHref(type: CommentTarget, id: string, slug: string | null): string {
  if (type === "technique") return `/techniques/${slug ?? id}`;
  if (type === "paper") return `/papers/${id}`;
  if (type === "experiment") return `/experiments/${id}`;
  return `/runs/${id}`;
}

/**
 * The newest comments anyone may read (for the home page): not hidden, not deleted, and on a
 * public target (a draft experiment's discussion and its runs' stay private).
 */
export async function recentComments(db: Database, limit: number) {
  const targetInt = (type: CommentTarget) => sql`case when ${comments.targetType} = ${type} then ${comments.targetId}::int end`;
  const latest = alias(experimentVersions, "latest_version");
  const runVersion = alias(experimentVersions, "run_version");
  const runExperiment = alias(experiments, "run_experiment");
  const rows = await db
    .select({
      id: comments.id,
      body: sql<string>`left(${comments.body}, ${EXCERPT_CHARS + 1})`,
      createdAt: comments.createdAt,
      targetType: comments.targetType,
      targetId: comments.targetId,
      author: publicName(users),
      techniqueSlug: techniques.slug,
      techniqueName: techniques.name,
      paperTitle: papers.title,
      experimentTitle: latest.title,
      runTitle: runVersion.title,
      runModel: models.name,
    })
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .leftJoin(techniques, eq(techniques.id, targetInt("technique")))
    .leftJoin(papers, eq(papers.id, targetInt("paper")))
    .leftJoin(experiments, eq(experiments.id, targetInt("experiment")))
    .leftJoin(latest, and(eq(latest.experimentId, experiments.id), eq(latest.version, experiments.latestVersion)))
    .leftJoin(runs, eq(runs.id, targetInt("run")))
    .leftJoin(runVersion, eq(runVersion.id, runs.versionId))
    .leftJoin(runExperiment, eq(runExperiment.id, runVersion.experimentId))
    .leftJoin(models, eq(models.id, runs.modelId))
    .where(
      and(
        eq(comments.hidden, false),
        isNull(comments.deletedAt),
        or(isNotNull(techniques.id), isNotNull(papers.id), eq(experiments.state, "published"), eq(runExperiment.state, "published")),
      ),
    )
    .orderBy(desc(comments.createdAt), desc(comments.id))
    .limit(limit);
  return rows.map((r) => {
    const title =
      r.targetType === "technique"
        ? (r.techniqueName ?? "a technique")
        : r.targetType === "paper"
          ? (r.paperTitle ?? "a paper")
          : r.targetType === "experiment"
            ? (r.experimentTitle ?? "an experiment")
            : `${r.runTitle ?? "a run"}${r.runModel ? ` on ${r.runModel}` : ""}`;
    const flat = r.body.replace(/\s+/g, " ").trim();
    return {
      id: r.id,
      excerpt: flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat,
      author: r.author,
      createdAt: r.createdAt,
      target: { type: r.targetType, id: r.targetId, title, href: `${targetHref(r.targetType, r.targetId, r.techniqueSlug)}#comment-${r.id}` },
    };
  });
}
