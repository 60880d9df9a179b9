import { eq } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import type { Database } from "../../db/client";
import { users, type UserRole } from "../../db/schema";
import { signUp } from "../../server/services/users";
import type { SessionUser } from "../../server/trpc/context";
import { createCaller } from "../../server/trpc/root";
import { createTestDatabase, type TestDatabase } from "./test-database";

export type Caller = ReturnType<typeof createCaller>;

/** A real user row with the given role (created through the sign-up service). */
export async function createUser(db: Database, role: UserRole, email = `${role}-${Math.random().toString(36).slice(2)}@test.dev`): Promise<SessionUser> {
  const user = await signUp(db, { email, password: "correct horse battery", name: `Test ${role}` });
  await db.update(users).set({ role }).where(eq(users.id, user.id));
  return { id: user.id, email: user.email, name: `Test ${role}`, role };
}

let nextTestIp = 0;
/** A distinct address (from 198.18.0.0/15, set aside for tests) so unrelated callers never share rate-limit counters. */
export function testIp(): string {
  nextTestIp++;
  return `198.18.${(nextTestIp >> 8) & 255}.${nextTestIp & 255}`;
}

/**
 * The tRPC router called as this user would call it over HTTP (same middleware, validation and
 * rate limits). Each caller has a fixed address of its own unless `ip` is given; pass the same
 * `ip` to two callers to make them share per-address limits.
 */
export function callerFor(db: Database, user: SessionUser | null, ip: string = testIp()): Caller {
  return createCaller({ db, getUser: async () => user, clientIp: ip });
}

export async function roleCallers(db: Database) {
  const [member, moderator, admin] = await Promise.all([createUser(db, "member"), createUser(db, "moderator"), createUser(db, "admin")]);
  return {
    users: { member, moderator, admin },
    anonymous: callerFor(db, null),
    member: callerFor(db, member),
    moderator: callerFor(db, moderator),
    admin: callerFor(db, admin),
  };
}

/**
 * A fresh database and one caller per role for a test file; fields are filled in beforeAll.
 * Usage: `const ctx = useDatabaseWithRoles();` then `ctx.as.member...`, `ctx.t.db...` inside tests.
 */
export function useDatabaseWithRoles(options: { before?: (db: Database) => Promise<unknown> } = {}) {
  const ctx = {} as { t: TestDatabase; as: Awaited<ReturnType<typeof roleCallers>> };
  beforeAll(async () => {
    ctx.t = await createTestDatabase();
    ctx.as = await roleCallers(ctx.t.db);
    await options.before?.(ctx.t.db);
  });
  afterAll(() => ctx.t.dispose());
  return ctx;
}
