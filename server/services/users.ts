import { hash, verify } from "@node-rs/argon2";
import { and, count, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "~/db/client";
import { accounts, users, type UserRole } from "~/db/schema";
import { UNVERIFIED_EMAIL_IN_USE } from "../auth/oauth-email";
import { revokeSessions } from "../auth/sessions";
import { beginSignInAttempt, markAttemptSucceeded } from "../auth/sign-in-throttle";
import { DomainError, notFound } from "../errors";
import { singleLine } from "../validation/text";
import { USER_LIMITS } from "./user-input";

export { SIGN_IN_LIMIT } from "../auth/sign-in-throttle";

export const emailSchema = z.string().trim().toLowerCase().email("Enter a valid email address.").max(USER_LIMITS.email);
export const passwordSchema = z
  .string()
  .min(USER_LIMITS.passwordMin, `Use a password of at least ${USER_LIMITS.passwordMin} characters.`)
  .max(USER_LIMITS.password, `Use a password of at most ${USER_LIMITS.password} characters.`);

export const signUpSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: singleLine({ min: 1, max: USER_LIMITS.name, label: "Your name", minMessage: "Tell us your name." }),
});

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

// Unknown emails still cost one hash check, so response time does not tell which emails have accounts.
let dummyHash: Promise<string> | undefined;
async function verifyAgainstNothing(password: string): Promise<false> {
  dummyHash ??= hash("no account has this password");
  await verify(await dummyHash, password);
  return false;
}

/**
 * Checks a password for a sign-in from `address` (the client IP), throttled per (email, address)
 * and per address; throws TOO_MANY_REQUESTS while throttled. Returns the user, or null for a wrong
 * email or password (never says which).
 */
export async function verifyCredentials(db: Database, rawEmail: string, password: string, address = "unknown") {
  const email = rawEmail.trim().toLowerCase();
  const attemptId = await beginSignInAttempt(db, email, address);
  const [user] = await db.select().from(users).where(eq(users.email, email));
  const ok = user?.passwordHash ? await verify(user.passwordHash, password) : await verifyAgainstNothing(password);
  if (!ok || !user) return null;
  await markAttemptSucceeded(db, attemptId);
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** Changes a role and ends the person's sign-ins, so no session carries the old role on. */
export async function setRole(db: Database, email: string, role: UserRole) {
  return db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ role })
      .where(eq(users.email, email.trim().toLowerCase()))
      .returning({ id: users.id, email: users.email, role: users.role });
    if (!user) throw notFound(`A user with email ${email}`);
    await revokeSessions(tx, user.id);
    return user;
  });
}

export async function getUser(db: Database, id: string) {
  const [user] = await db.select({ id: users.id, email: users.email, name: users.name, role: users.role, image: users.image }).from(users).where(eq(users.id, id));
  return user ?? null;
}

export async function getUserByEmail(db: Database, email: string) {
  const [user] = await db.select({ id: users.id, email: users.email, role: users.role }).from(users).where(eq(users.email, email.trim().toLowerCase()));
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

export interface OAuthIdentity {
  provider: string;
  providerAccountId: string;
  email: string | null;
  /** True only when the provider says it verified `email` (GitHub's verified flag, OIDC `email_verified`). */
  emailVerified?: boolean;
  name: string | null;
  image: string | null;
}

/**
 * Finds or creates the user behind an OAuth identity (GitHub, ORCID).
 *
 * An identity is linked to an existing account by email only when the provider verified that email;
 * otherwise anyone could claim an account by putting its email on a provider profile. With an
 * unverified email that an account uses, this refuses (CONFLICT, nothing written). A new user with
 * an unverified (or no) email gets a placeholder address `<id>@<provider>.invalid`, so an
 * unverified address never occupies someone else's email.
 */
export async function upsertOAuthUser(db: Database, identity: OAuthIdentity): Promise<string> {
  return db.transaction(async (tx) => {
    const [linked] = await tx
      .select({ id: users.id })
      .from(accounts)
      .innerJoin(users, eq(users.id, accounts.userId))
      .where(and(eq(accounts.provider, identity.provider), eq(accounts.providerAccountId, identity.providerAccountId)));
    if (linked) return linked.id;

    const claimed = identity.email?.trim().toLowerCase() || null;
    const verified = claimed !== null && identity.emailVerified === true;
    let userId: string;
    if (verified) {
      const [user] = await tx
        .insert(users)
        .values({ email: claimed, name: identity.name, image: identity.image, emailVerified: new Date() })
        .onConflictDoUpdate({
          target: users.email,
          set: { image: sql`coalesce(${users.image}, excluded.image)`, emailVerified: sql`coalesce(${users.emailVerified}, excluded.email_verified)` },
        })
        .returning({ id: users.id });
      if (!user) throw new Error("user upsert returned no row");
      userId = user.id;
    } else {
      if (claimed) {
        const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, claimed));
        if (existing) throw new DomainError("CONFLICT", UNVERIFIED_EMAIL_IN_USE);
      }
      const placeholder = `${identity.providerAccountId}@${identity.provider}.invalid`.toLowerCase();
      const [user] = await tx
        .insert(users)
        .values({ email: placeholder, name: identity.name, image: identity.image })
        .onConflictDoUpdate({ target: users.email, set: { image: sql`coalesce(${users.image}, excluded.image)` } })
        .returning({ id: users.id });
      if (!user) throw new Error("user upsert returned no row");
      userId = user.id;
    }
    await tx.insert(accounts).values({ userId, type: "oauth", provider: identity.provider, providerAccountId: identity.providerAccountId });
    return userId;
  });
}
