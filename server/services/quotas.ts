import { eq, gte, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "~/db/client";
import { datasets, runs, userQuotas, users } from "~/db/schema";
import type { Queryable } from "~/db/transaction";
import { DomainError, notFound } from "../errors";

/** Per-user limits on what costs the platform work or storage. Moderators and admins can raise them per person. */
export const QUOTA_DEFAULTS = {
  /** Runs a person has waiting or computing at once. */
  maxQueuedRuns: 50,
  /** Bytes of the data sets a person has uploaded. */
  maxDatasetBytes: 50 * 1024 * 1024,
  /** Runs a person may start in 24 hours (publishing, new versions, reruns). */
  maxRunsPerDay: 200,
} as const;

export type Quotas = { maxQueuedRuns: number; maxDatasetBytes: number; maxRunsPerDay: number };

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(bytes % 1048576 === 0 ? 0 : 1)} MB`;

/** The limits that apply to a person: their overrides, else the defaults. */
export async function quotasFor(db: Queryable, userId: string): Promise<Quotas> {
  const [row] = await db.select().from(userQuotas).where(eq(userQuotas.userId, userId));
  return {
    maxQueuedRuns: row?.maxQueuedRuns ?? QUOTA_DEFAULTS.maxQueuedRuns,
    maxDatasetBytes: row?.maxDatasetBytes ?? QUOTA_DEFAULTS.maxDatasetBytes,
    maxRunsPerDay: row?.maxRunsPerDay ?? QUOTA_DEFAULTS.maxRunsPerDay,
  };
}

/** Serialises one person's quota-checked writes, so parallel requests cannot pass a limit together. */
export async function lockUserQuota(tx: Queryable, userId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('quota:' || ${userId}))`);
}

export async function datasetBytesUsed(db: Queryable, userId: string): Promise<number> {
  const [row] = await db.select({ bytes: sql<number>`coalesce(sum(${datasets.bytes}), 0)::bigint` }).from(datasets).where(eq(datasets.ownerId, userId));
  return Number(row?.bytes ?? 0);
}

/** Refuses an upload that would take the person past their data set bytes. Call inside a transaction after lockUserQuota. */
export async function assertDatasetBytesAllowed(db: Queryable, userId: string, newBytes: number): Promise<void> {
  const [quotas, used] = await Promise.all([quotasFor(db, userId), datasetBytesUsed(db, userId)]);
  if (used + newBytes > quotas.maxDatasetBytes) {
    throw new DomainError(
      "TOO_MANY_REQUESTS",
      `This upload (${mb(newBytes)}) would take your data sets to ${mb(used + newBytes)}; your limit is ${mb(quotas.maxDatasetBytes)}. Reuse an existing data set, or ask a moderator to raise your limit.`,
    );
  }
}

export async function runUsage(db: Queryable, userId: string, now = new Date()): Promise<{ active: number; lastDay: number }> {
  const since = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  const [row] = await db
    .select({
      active: sql<number>`count(*) filter (where ${inArray(runs.status, ["queued", "running"])})::int`,
      lastDay: sql<number>`count(*) filter (where ${gte(runs.createdAt, since)})::int`,
    })
    .from(runs)
    .where(eq(runs.requestedById, userId));
  return { active: row?.active ?? 0, lastDay: row?.lastDay ?? 0 };
}

/** Refuses to start `newRuns` runs for a person past their queued or daily limits. Call inside a transaction after lockUserQuota. */
export async function assertRunsAllowed(db: Queryable, userId: string, newRuns: number): Promise<void> {
  if (newRuns <= 0) return;
  const [quotas, usage] = await Promise.all([quotasFor(db, userId), runUsage(db, userId)]);
  if (usage.active + newRuns > quotas.maxQueuedRuns) {
    throw new DomainError(
      "TOO_MANY_REQUESTS",
      `This would start ${newRuns} run(s) while ${usage.active} of yours are waiting or computing; your limit is ${quotas.maxQueuedRuns} at once. Wait for some to finish, or ask a moderator to raise your limit.`,
    );
  }
  if (usage.lastDay + newRuns > quotas.maxRunsPerDay) {
    throw new DomainError(
      "TOO_MANY_REQUESTS",
      `This would start ${newRuns} run(s); you have started ${usage.lastDay} in the last 24 hours and your limit is ${quotas.maxRunsPerDay} a day. Try again tomorrow, or ask a moderator to raise your limit.`,
    );
  }
}

const limit = (max: number, what: string) => z.number({ message: `${what} must be a whole number.` }).int(`${what} must be a whole number.`).min(0, `${what} cannot be negative.`).max(max, `${what} can be at most ${max.toLocaleString("en-US")}.`).nullable();

/** A moderator's override; null returns a field to the default. */
export const setQuotaSchema = z.object({
  userId: z.string().uuid("Choose a person by their id."),
  maxQueuedRuns: limit(10_000, "The queued-runs limit").optional(),
  maxDatasetBytes: limit(10 * 1024 * 1024 * 1024, "The data set bytes limit").optional(),
  maxRunsPerDay: limit(100_000, "The runs-per-day limit").optional(),
});
export type SetQuotaInput = z.output<typeof setQuotaSchema>;

export async function setUserQuota(db: Database, actorId: string, input: SetQuotaInput): Promise<Quotas & { userId: string }> {
  const [person] = await db.select({ id: users.id }).from(users).where(eq(users.id, input.userId));
  if (!person) throw notFound("The person");
  const fields = {
    ...(input.maxQueuedRuns !== undefined ? { maxQueuedRuns: input.maxQueuedRuns } : {}),
    ...(input.maxDatasetBytes !== undefined ? { maxDatasetBytes: input.maxDatasetBytes } : {}),
    ...(input.maxRunsPerDay !== undefined ? { maxRunsPerDay: input.maxRunsPerDay } : {}),
  };
  await db
    .insert(userQuotas)
    .values({ userId: input.userId, ...fields, updatedById: actorId })
    .onConflictDoUpdate({ target: userQuotas.userId, set: { ...fields, updatedById: actorId, updatedAt: new Date() } });
  return { userId: input.userId, ...(await quotasFor(db, input.userId)) };
}

/** What a person may still do, for their own pages. */
export async function quotaStatus(db: Database, userId: string) {
  const [quotas, usage, bytes] = await Promise.all([quotasFor(db, userId), runUsage(db, userId), datasetBytesUsed(db, userId)]);
  return { quotas, usage: { activeRuns: usage.active, runsLastDay: usage.lastDay, datasetBytes: bytes } };
}

