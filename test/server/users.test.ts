import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInAttempts, users } from "../../db/schema";
import { SIGN_IN_LIMIT, upsertOAuthUser, verifyCredentials } from "../../server/services/users";
import { callerFor } from "../setup/callers";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.dispose());

describe("accounts", () => {
  it("signs up with an argon2id hash and signs in with the right password only", async () => {
    const anonymous = callerFor(t.db, null);
    const user = await anonymous.users.signUp({ email: "Ada@Example.org ", password: "a long passphrase", name: "Ada" });
    expect(user).toMatchObject({ email: "ada@example.org", role: "member" });
    const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyCredentials(t.db, "ada@example.org", "a long passphrase")).toMatchObject({ id: user.id });
    expect(await verifyCredentials(t.db, "ADA@example.org", "wrong passphrase")).toBeNull();
    expect(await verifyCredentials(t.db, "nobody@example.org", "a long passphrase")).toBeNull();
  });

  it("refuses a second account for the same email", async () => {
    const anonymous = callerFor(t.db, null);
    await anonymous.users.signUp({ email: "dup@example.org", password: "a long passphrase", name: "One" });
    await expect(anonymous.users.signUp({ email: "DUP@example.org", password: "another passphrase", name: "Two" })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("throttles an address after repeated failures for one email, even for the right password, until the window passes", async () => {
    await callerFor(t.db, null).users.signUp({ email: "target@example.org", password: "the right passphrase", name: "T" });
    for (let i = 0; i < SIGN_IN_LIMIT.attempts; i++) expect(await verifyCredentials(t.db, "target@example.org", `guess ${i}`)).toBeNull();
    await expect(verifyCredentials(t.db, "target@example.org", "the right passphrase")).rejects.toThrow(/Too many failed sign-in attempts/);
    // Old failures fall out of the window.
    await t.db.update(signInAttempts).set({ at: new Date(Date.now() - (SIGN_IN_LIMIT.windowMinutes + 1) * 60_000) }).where(eq(signInAttempts.email, "target@example.org"));
    expect(await verifyCredentials(t.db, "target@example.org", "the right passphrase")).not.toBeNull();
  });

  it("links an OAuth identity to one user, reusing it on the next sign-in", async () => {
    const identity = { provider: "github", providerAccountId: "12345", email: "octo@example.org", name: "Octo", image: null };
    const first = await upsertOAuthUser(t.db, identity);
    const second = await upsertOAuthUser(t.db, identity);
    expect(second).toBe(first);
    const orcid = await upsertOAuthUser(t.db, { provider: "orcid", providerAccountId: "0000-0002-1825-0097", email: null, name: "Josiah Carberry", image: null });
    const [row] = await t.db.select().from(users).where(eq(users.id, orcid));
    expect(row?.email).toBe("0000-0002-1825-0097@orcid.invalid");
  });

  it("lets an admin change roles, and the change applies at once", async () => {
    const admin = callerFor(t.db, { id: "x", email: "admin@example.org", name: null, role: "admin" });
    await callerFor(t.db, null).users.signUp({ email: "promote@example.org", password: "a long passphrase", name: "P" });
    expect(await admin.users.setRole({ email: "promote@example.org", role: "moderator" })).toMatchObject({ role: "moderator" });
    await expect(admin.users.setRole({ email: "ghost@example.org", role: "admin" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
