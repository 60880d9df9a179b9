import { eq } from "drizzle-orm";
import type { Account, Profile, User } from "next-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts, users } from "../../db/schema";
import { githubPrimaryEmail, OAUTH_EMAIL_IN_USE, providerEmail } from "../../server/auth/oauth-email";
import { signUp, upsertOAuthUser } from "../../server/services/users";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.dispose());

async function rowCounts() {
  return { users: (await t.db.select().from(users)).length, accounts: (await t.db.select().from(accounts)).length };
}

describe("OAuth sign-in links by email only when the provider verified it", () => {
  it("links a verified email to the existing account", async () => {
    const existing = await signUp(t.db, { email: "ada@example.org", password: "a long passphrase", name: "Ada" });
    const id = await upsertOAuthUser(t.db, { provider: "github", providerAccountId: "101", email: "Ada@Example.org", emailVerified: true, name: "Ada L", image: null });
    expect(id).toBe(existing.id);
    const [row] = await t.db.select().from(users).where(eq(users.id, id));
    expect(row?.emailVerified).toBeInstanceOf(Date);
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/); // the password still works
    expect(await t.db.select().from(accounts).where(eq(accounts.userId, id))).toHaveLength(1);
  });

  it("refuses an unverified email that an account uses, writing nothing", async () => {
    await signUp(t.db, { email: "grace@example.org", password: "a long passphrase", name: "Grace" });
    const before = await rowCounts();
    await expect(
      upsertOAuthUser(t.db, { provider: "github", providerAccountId: "202", email: "grace@example.org", emailVerified: false, name: "Mallory", image: null }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/An account with this email already exists/) });
    expect(await rowCounts()).toEqual(before);
  });

  it("creates a new user for an unverified new email, under a placeholder address", async () => {
    const id = await upsertOAuthUser(t.db, { provider: "github", providerAccountId: "303", email: "new@example.org", emailVerified: false, name: "New", image: null });
    const [row] = await t.db.select().from(users).where(eq(users.id, id));
    expect(row).toMatchObject({ email: "303@github.invalid", emailVerified: null, name: "New" });
    // The unverified address stays free for its owner.
    await expect(signUp(t.db, { email: "new@example.org", password: "a long passphrase", name: "Owner" })).resolves.toMatchObject({ email: "new@example.org" });
    // The same identity signs in to the same user next time.
    expect(await upsertOAuthUser(t.db, { provider: "github", providerAccountId: "303", email: "new@example.org", emailVerified: true, name: "New", image: null })).toBe(id);
  });

  it("creates a new user with a verified new email", async () => {
    const id = await upsertOAuthUser(t.db, { provider: "orcid", providerAccountId: "0000-0002-1825-0097", email: "josiah@example.org", emailVerified: true, name: "Josiah", image: null });
    const [row] = await t.db.select().from(users).where(eq(users.id, id));
    expect(row?.email).toBe("josiah@example.org");
    expect(row?.emailVerified).toBeInstanceOf(Date);
  });

  it("reads the provider's verification flag from the profile", () => {
    expect(providerEmail({ email: "a@example.org", email_verified: true })).toEqual({ email: "a@example.org", verified: true });
    expect(providerEmail({ email: "a@example.org", email_verified: "true" })).toEqual({ email: "a@example.org", verified: true });
    expect(providerEmail({ email: "a@example.org" })).toEqual({ email: "a@example.org", verified: false });
    expect(providerEmail({ email: "a@example.org", email_verified: false })).toEqual({ email: "a@example.org", verified: false });
    expect(providerEmail(undefined)).toEqual({ email: null, verified: false });
    const emails = [
      { email: "old@example.org", primary: false, verified: true },
      { email: "main@example.org", primary: true, verified: false },
    ];
    expect(githubPrimaryEmail(emails)).toEqual({ email: "main@example.org", verified: false });
    expect(githubPrimaryEmail({ message: "Bad credentials" })).toBeNull();
  });
});

describe("next-auth's signIn callback", () => {
  it("sends a refused OAuth sign-in back to the sign-in page with a readable error", async () => {
    // The callbacks use the app's database handle, which reads DATABASE_URL when first imported.
    process.env.DATABASE_URL = t.url;
    const { authOptions } = await import("../../server/auth/options");
    const signIn = authOptions.callbacks?.signIn;
    if (!signIn) throw new Error("no signIn callback");
    await signUp(t.db, { email: "linus@example.org", password: "a long passphrase", name: "Linus" });
    const account: Account = { provider: "github", providerAccountId: "404", type: "oauth" };
    const user: User = { id: "404", name: "Someone", email: "linus@example.org", image: null };
    const unverified: Profile & { email_verified: boolean } = { email: "linus@example.org", email_verified: false };
    expect(await signIn({ user, account, profile: unverified })).toBe(`/signin?error=${OAUTH_EMAIL_IN_USE}`);
    expect(await t.db.select().from(accounts).where(eq(accounts.providerAccountId, "404"))).toHaveLength(0);
    const verified: Profile & { email_verified: boolean } = { email: "linus@example.org", email_verified: true };
    expect(await signIn({ user, account, profile: verified })).toBe(true);
    expect(await t.db.select().from(accounts).where(eq(accounts.providerAccountId, "404"))).toHaveLength(1);
  });
});
