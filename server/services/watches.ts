import { and, asc, count, eq, sql, type SQL } from "drizzle-orm";
import type { Database } from "~/db/client";
import { paperRevisions, techniqueRevisions, techniqueWatches, techniques } from "~/db/schema";
import { DomainError, notFound } from "../errors";
import { aboutTechnique, changesBetween, exactTime, findTechniqueForFeed, type ChangeItem } from "./changes-feed";

/**
 * Members watch techniques; `last_seen_at` is their last visit. The technique page lists the
 * accepted changes since then and, once it has shown them, marks them seen (up to the instant the
 * list was read, so a change accepted meanwhile still shows next time). /watching counts the
 * changes since the last visit for every watched technique.
 */

/** Bounds the /watching list (shown whole) and the per-technique counts behind it. */
export const MAX_WATCHES_PER_USER = 200;
/** Most changes the "since your last visit" list shows; the rest are counted and linked to the feed. */
export const SINCE_VISIT_LIMIT = 20;

async function techniqueOrNotFound(db: Database, slug: string) {
  const technique = await findTechniqueForFeed(db, slug);
  if (!technique) throw notFound(`The technique “${slug}”`);
  return technique;
}

/** Accepted changes to a technique after an instant, both kinds of proposal. */
function acceptedSinceCount(techniqueId: SQL, since: SQL) {
  const about = aboutTechnique(techniqueId);
  return sql<number>`(
    (select count(*) from ${techniqueRevisions} where ${about.technique} and ${techniqueRevisions.status} = 'accepted' and ${techniqueRevisions.reviewedAt} > ${since} and ${techniqueRevisions.reviewedAt} <= now())
    + (select count(*) from ${paperRevisions} where ${about.paper} and ${paperRevisions.status} = 'accepted' and ${paperRevisions.reviewedAt} > ${since} and ${paperRevisions.reviewedAt} <= now())
  )::int`;
}

function pendingCount(techniqueId: number) {
  const about = aboutTechnique(sql`${techniqueId}`);
  return sql<number>`(
    (select count(*) from ${techniqueRevisions} where ${about.technique} and ${techniqueRevisions.status} = 'pending')
    + (select count(*) from ${paperRevisions} where ${about.paper} and ${paperRevisions.status} = 'pending')
  )::int`;
}

export async function watchTechnique(db: Database, userId: string, slug: string) {
  const technique = await techniqueOrNotFound(db, slug);
  return db.transaction(async (tx) => {
    // One watch change per member at a time, so parallel requests cannot pass the limit together.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('watches:' || ${userId}))`);
    const [existing] = await tx
      .select({ lastSeenAt: techniqueWatches.lastSeenAt })
      .from(techniqueWatches)
      .where(and(eq(techniqueWatches.userId, userId), eq(techniqueWatches.techniqueId, technique.id)));
    if (existing) return { slug: technique.slug, watching: true as const, lastSeenAt: existing.lastSeenAt };
    const [row] = await tx.select({ n: count() }).from(techniqueWatches).where(eq(techniqueWatches.userId, userId));
    if ((row?.n ?? 0) >= MAX_WATCHES_PER_USER) {
      throw new DomainError("BAD_REQUEST", `You already watch ${MAX_WATCHES_PER_USER} techniques; stop watching some on your Watching page first.`);
    }
    // Watching starts now: what changed before is already on the page.
    const [inserted] = await tx.insert(techniqueWatches).values({ userId, techniqueId: technique.id }).returning({ lastSeenAt: techniqueWatches.lastSeenAt });
    return { slug: technique.slug, watching: true as const, lastSeenAt: inserted?.lastSeenAt ?? new Date() };
  });
}

export async function unwatchTechnique(db: Database, userId: string, slug: string) {
  const technique = await techniqueOrNotFound(db, slug);
  await db.delete(techniqueWatches).where(and(eq(techniqueWatches.userId, userId), eq(techniqueWatches.techniqueId, technique.id)));
  return { slug: technique.slug, watching: false as const };
}

/** Whether the viewer watches this technique, and when they last saw it; visitors watch nothing. */
export async function watchState(db: Database, userId: string | null, slug: string) {
  const technique = await techniqueOrNotFound(db, slug);
  if (userId === null) return { signedIn: false, watching: false, lastSeenAt: null };
  const [row] = await db
    .select({ lastSeenAt: techniqueWatches.lastSeenAt })
    .from(techniqueWatches)
    .where(and(eq(techniqueWatches.userId, userId), eq(techniqueWatches.techniqueId, technique.id)));
  return { signedIn: true, watching: row !== undefined, lastSeenAt: row?.lastSeenAt ?? null };
}

export interface SinceLastVisit {
  lastSeenAt: Date;
  /** The instant the list was read (exact text): pass it to markSeen so later changes stay unseen. */
  asOf: string;
  /** Newest first, at most SINCE_VISIT_LIMIT. */
  changes: ChangeItem[];
  /** All accepted changes since the last visit (may exceed `changes.length`). */
  total: number;
  /** Proposals about this technique waiting for review. */
  pending: number;
}

/** The accepted changes of a watched technique since the member's last visit; null when they do not watch it. */
export async function sinceLastVisit(db: Database, userId: string, slug: string): Promise<SinceLastVisit | null> {
  const technique = await techniqueOrNotFound(db, slug);
  const [watch] = await db
    .select({
      lastSeenAt: techniqueWatches.lastSeenAt,
      since: exactTime(techniqueWatches.lastSeenAt),
      asOf: exactTime(sql`now()`),
      total: acceptedSinceCount(sql`${techniqueWatches.techniqueId}`, sql`${techniqueWatches.lastSeenAt}`),
      pending: pendingCount(technique.id),
    })
    .from(techniqueWatches)
    .where(and(eq(techniqueWatches.userId, userId), eq(techniqueWatches.techniqueId, technique.id)));
  if (!watch) return null;
  const changes = watch.total === 0 ? [] : await changesBetween(db, technique.id, watch.since, watch.asOf, SINCE_VISIT_LIMIT);
  return { lastSeenAt: watch.lastSeenAt, asOf: watch.asOf, changes, total: watch.total, pending: watch.pending };
}

/**
 * The member has seen this technique's changes: up to `asOf` (the instant sinceLastVisit read
 * them) or, without it, up to now. Never moves the mark backwards nor into the future.
 */
export async function markSeen(db: Database, userId: string, slug: string, asOf?: string) {
  const technique = await techniqueOrNotFound(db, slug);
  const upTo = asOf === undefined ? sql`now()` : sql`least(${asOf}::timestamptz, now())`;
  const [row] = await db
    .update(techniqueWatches)
    .set({ lastSeenAt: sql`greatest(${techniqueWatches.lastSeenAt}, ${upTo})` })
    .where(and(eq(techniqueWatches.userId, userId), eq(techniqueWatches.techniqueId, technique.id)))
    .returning({ lastSeenAt: techniqueWatches.lastSeenAt });
  if (!row) throw new DomainError("BAD_REQUEST", `You do not watch “${technique.name}”; watch it first to keep track of what you have seen.`);
  return { slug: technique.slug, lastSeenAt: row.lastSeenAt };
}

/** The member's watched techniques, with the accepted changes since each last visit; most changes first, then by name. */
export async function listWatched(db: Database, userId: string) {
  const changed = acceptedSinceCount(sql`${techniqueWatches.techniqueId}`, sql`${techniqueWatches.lastSeenAt}`);
  const rows = await db
    .select({
      slug: techniques.slug,
      name: techniques.name,
      summary: techniques.summary,
      lastSeenAt: techniqueWatches.lastSeenAt,
      watchedSince: techniqueWatches.createdAt,
      changesSince: changed,
    })
    .from(techniqueWatches)
    .innerJoin(techniques, eq(techniques.id, techniqueWatches.techniqueId))
    .where(eq(techniqueWatches.userId, userId))
    .orderBy(asc(techniques.name))
    .limit(MAX_WATCHES_PER_USER);
  return rows.sort((a, b) => b.changesSince - a.changesSince || a.name.localeCompare(b.name));
}
