import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, users } from "../../db/schema";
import { CONTROL_CHARACTER_MESSAGE } from "../../server/validation/text";
import { createSession, deleteSession, revokeSessions, sessionUser } from "../../server/auth/sessions";
import { setRole, signUp } from "../../server/services/users";
import { callerFor } from "../setup/callers";
import { createTestDatabase, type TestDatabase } from "../setup/test-database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.dispose());

let n = 0;
async function person() {
  const email = `session-${++n}@example.org`;
  return signUp(t.db, { email, password: "a long passphrase", name: `Session ${n}` });
}

describe("revocable sessions", () => {
  it("a session stands until it is deleted (sign-out)", async () => {
    const user = await person();
    const token = await createSession(t.db, user.id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
    expect(await sessionUser(t.db, token, user.id)).toMatchObject({ id: user.id, role: "member" });
    await deleteSession(t.db, token);
    expect(await sessionUser(t.db, token, user.id)).toBeNull();
  });

  it("an expired session or one claimed by another user id is refused", async () => {
    const user = await person();
    const token = await createSession(t.db, user.id);
    expect(await sessionUser(t.db, token, "someone-else")).toBeNull();
    await t.db.update(sessions).set({ expires: new Date(Date.now() - 1000) }).where(eq(sessions.sessionToken, token));
    expect(await sessionUser(t.db, token, user.id)).toBeNull();
  });

  it("a role change ends every session of that person, not others'", async () => {
    const user = await person();
    const other = await person();
    const [a, b, keep] = [await createSession(t.db, user.id), await createSession(t.db, user.id), await createSession(t.db, other.id)];
    await setRole(t.db, user.email, "moderator");
    expect(await sessionUser(t.db, a)).toBeNull();
    expect(await sessionUser(t.db, b)).toBeNull();
    expect(await sessionUser(t.db, keep)).toMatchObject({ id: other.id });
    // Through the admin procedure too.
    const admin = callerFor(t.db, { id: "x", email: "admin@example.org", name: null, role: "admin" });
    const again = await createSession(t.db, user.id);
    await admin.users.setRole({ email: user.email, role: "member" });
    expect(await sessionUser(t.db, again)).toBeNull();
  });

  it("revokeSessions ends all of a person's sessions and says how many", async () => {
    const user = await person();
    await createSession(t.db, user.id);
    await createSession(t.db, user.id);
    expect(await revokeSessions(t.db, user.id)).toBe(2);
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
  });
});

describe("sign-up refuses control characters in the name", () => {
  it("answers with a field message and writes nothing (no SQL error with the hash)", async () => {
    const before = (await t.db.select().from(users)).length;
    await expect(callerFor(t.db, null).users.signUp({ email: "nul@example.org", password: "a long passphrase", name: "Ada\u0000" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining(CONTROL_CHARACTER_MESSAGE),
    });
    expect((await t.db.select().from(users)).length).toBe(before);
  });
});
