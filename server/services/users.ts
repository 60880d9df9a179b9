import { hash, verify } from "@node-rs/argon2";
import { and, count, eq, gte, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "~/db/client";
import { accounts, signInAttempts, users, type UserRole } from "~/db/schema";
import { DomainError, notFound } from "../errors";

export const emailSchema = z.string().trim().toLowerCase().email("Enter a valid email address.").max(254);
export const passwordSchema = z.string().min(10, "Use a password of at least 10 characters.").max(200, "Use a password of at most 200 characters.");

export const signUpSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: z.string().trim().min(1, "Tell us your name.").max(100),
});

/** Sign-in attempts allowed per email within the window before further attempts are refused. */
export const SIGN_IN_LIMIT = { attempts: 5, windowMinutes: 15 } as const;

export async function signUp(db: Database, input: z.infer<typeof signUpSchema>) {
  const passwordHash = await hash(input.password);
  const [user] = await db
    .insert(users)
    .values({ email: input.email, name: input.name, passwordHash })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id, email: users.email, role: users.role });
  if (!user) throw new DomainError("CONFLICT", "An account with this email already exists. Sign in instead.");
  return user;
}

/**
 * Checks a password, refusing further attempts once an email has failed too often recently.
 * Returns the user, or null for a wrong email or password (never says which).
 */
export async function verifyCredentials(db: Database, rawEmail: string, password: string) {
  const email = rawEmail.trim().toLowerCase();
  const since = new Date(Date.now() - SIGN_IN_LIMIT.windowMinutes * 60_000);
  const [recent] = await db
    .select({ failures: count() })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.email, email), eq(signInAttempts.succeeded, false), gte(signInAttempts.at, since)));
  if ((recent?.failures ?? 0) >= SIGN_IN_LIMIT.attempts) {
    throw new DomainError("TOO_MANY_REQUESTS", `Too many failed sign-in attempts. Try again in ${SIGN_IN_LIMIT.windowMinutes} minutes.`);
  }
  const [user] = await db.select().from(users).where(eq(users.email, email));
  const ok = user?.passwordHash ? await verify(user.passwordHash, password) : false;
  await db.insert(signInAttempts).values({ email, succeeded: ok });
  return ok && user ? { id: user.id, email: user.email, name: user.name, role: user.role } : null;
}

export async function setRole(db: Database, email: string, role: UserRole) {
  const [user] = await db.update(users).set({ role }).where(eq(users.email, email.trim().toLowerCase())).returning({ id: users.id, email: users.email, role: users.role });
  if (!user) throw notFound(`A user with email ${email}`);
  return user;
}

export async function getUser(db: Database, id: string) {
  const [user] = await db.select({ id: users.id, email: users.email, name: users.name, role: users.role, image: users.image }).from(users).where(eq(users.id, id));
  return user ?? null;
}

export async function listUsers(db: Database, page: number, pageSize: number) {
  const rows = await db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, createdAt: users.createdAt })
    .from(users)
    .orderBy(users.createdAt, users.id)
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const [total] = await db.select({ total: count() }).from(users);
  return { items: rows, total: total?.total ?? 0 };
}

/** Finds or creates the user behind an OAuth identity (GitHub, ORCID); links by verified email when it matches. */
export async function upsertOAuthUser(
  db: Database,
  identity: { provider: string; providerAccountId: string; email: string | null; name: string | null; image: string | null },
) {
  return db.transaction(async (tx) => {
    const [linked] = await tx
      .select({ id: users.id })
      .from(accounts)
      .innerJoin(users, eq(users.id, accounts.userId))
      .where(and(eq(accounts.provider, identity.provider), eq(accounts.providerAccountId, identity.providerAccountId)));
    if (linked) return linked.id;
    // ORCID does not always share an email; such users get a stable placeholder they can change later.
    const email = (identity.email ?? `${identity.providerAccountId}@${identity.provider}.invalid`).toLowerCase();
    const [user] = await tx
      .insert(users)
      .values({ email, name: identity.name, image: identity.image })
      .onConflictDoUpdate({ target: users.email, set: { image: sql`coalesce(${users.image}, excluded.image)` } })
      .returning({ id: users.id });
    if (!user) throw new Error("user upsert returned no row");
    await tx.insert(accounts).values({ userId: user.id, type: "oauth", provider: identity.provider, providerAccountId: identity.providerAccountId });
    return user.id;
  });
}
