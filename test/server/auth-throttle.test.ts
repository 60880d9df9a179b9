import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInAttempts } from "../../db/schema";
import { SIGN_IN_LIMIT, signUp, verifyCredentials } from "../../server/services/users";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.dispose());

const PASSWORD = "the right passphrase";
let n = 0;
async function account() {
  const email = `person-${++n}@example.org`;
  await signUp(t.db, { email, password: PASSWORD, name: `Person ${n}` });
  return email;
}

/** Attempts recorded for an email from an address: each one is a password check that ran. */
async function attempts(email: string, ip: string) {
  return t.db.select().from(signInAttempts).where(and(eq(signInAttempts.email, email), eq(signInAttempts.ip, ip)));
}

/** Moves an address's attempts for an email back in time, as if `seconds` had passed. */
async function age(email: string, ip: string, seconds: number) {
  for (const row of await attempts(email, ip)) {
    await t.db.update(signInAttempts).set({ at: new Date(row.at.getTime() - seconds * 1000) }).where(eq(signInAttempts.id, row.id));
  }
}

describe("password sign-in throttling", () => {
  it("checks at most the free attempts when 40 wrong passwords arrive at once", async () => {
    const email = await account();
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => verifyCredentials(t.db, email, `guess ${i}`, "198.51.100.1")));
    const checked = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    expect(checked.every((r) => r.status === "fulfilled" && r.value === null)).toBe(true);
    expect(checked.length).toBe(SIGN_IN_LIMIT.attempts);
    expect(refused.length).toBe(40 - SIGN_IN_LIMIT.attempts);
    for (const r of refused) expect(r.status === "rejected" && String(r.reason)).toMatch(/Too many failed sign-in attempts/);
    // One row per password check that ran, none for the refused ones.
    expect((await attempts(email, "198.51.100.1")).length).toBe(SIGN_IN_LIMIT.attempts);
  });

  it("lets the owner in from another address while one address hammers the account", async () => {
    const email = await account();
    for (let i = 0; i < 12; i++) await verifyCredentials(t.db, email, `guess ${i}`, "203.0.113.66").catch(() => null);
    await expect(verifyCredentials(t.db, email, PASSWORD, "203.0.113.66")).rejects.toThrow(/Too many failed sign-in attempts/);
    expect(await verifyCredentials(t.db, email, PASSWORD, "192.0.2.10")).toMatchObject({ email });
  });

  it("backs off exponentially per (email, address) instead of locking the account", async () => {
    const email = await account();
    const ip = "198.51.100.2";
    for (let i = 0; i < SIGN_IN_LIMIT.attempts; i++) expect(await verifyCredentials(t.db, email, `guess ${i}`, ip)).toBeNull();
    await expect(verifyCredentials(t.db, email, PASSWORD, ip)).rejects.toThrow(/Try again in 2 seconds/);
    await age(email, ip, 3);
    expect(await verifyCredentials(t.db, email, "guess 6", ip)).toBeNull(); // the 6th failure: now 4 s
    await expect(verifyCredentials(t.db, email, PASSWORD, ip)).rejects.toThrow(/Try again in 4 seconds/);
    await age(email, ip, 5);
    expect(await verifyCredentials(t.db, email, PASSWORD, ip)).toMatchObject({ email });
    // A success forgives the failures before it.
    for (let i = 0; i < SIGN_IN_LIMIT.attempts - 1; i++) expect(await verifyCredentials(t.db, email, `again ${i}`, ip)).toBeNull();
    expect(await verifyCredentials(t.db, email, PASSWORD, ip)).toMatchObject({ email });
  });

  it("caps the backoff and forgets failures after the window", async () => {
    const email = await account();
    const ip = "198.51.100.3";
    // 20 recent failures: 2^16 s uncapped.
    await t.db.insert(signInAttempts).values(Array.from({ length: 20 }, (_, i) => ({ email, ip, succeeded: false, at: new Date(Date.now() - i * 1000) })));
    await expect(verifyCredentials(t.db, email, PASSWORD, ip)).rejects.toThrow(/Try again in 10 minutes/);
    await age(email, ip, SIGN_IN_LIMIT.windowMinutes * 60 + 1);
    expect(await verifyCredentials(t.db, email, PASSWORD, ip)).toMatchObject({ email });
  });

  it("limits failures per address across emails", async () => {
    const ip = "198.51.100.4";
    for (let i = 0; i < SIGN_IN_LIMIT.perAddressFailures; i++) expect(await verifyCredentials(t.db, `nobody-${i}@example.org`, "a guess", ip)).toBeNull();
    const email = await account();
    await expect(verifyCredentials(t.db, email, PASSWORD, ip)).rejects.toThrow(/Too many failed sign-in attempts from your address/);
    expect(await verifyCredentials(t.db, email, PASSWORD, "198.51.100.5")).toMatchObject({ email });
  });

  it("treats unknown emails like known ones (recorded, throttled, same answer)", async () => {
    const ip = "198.51.100.6";
    for (let i = 0; i < SIGN_IN_LIMIT.attempts; i++) expect(await verifyCredentials(t.db, "ghost@example.org", "a guess", ip)).toBeNull();
    await expect(verifyCredentials(t.db, "ghost@example.org", "a guess", ip)).rejects.toThrow(/Too many failed sign-in attempts/);
  });
});
