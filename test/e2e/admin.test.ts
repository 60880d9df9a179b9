import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./setup/browser";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseConnection } from "../../db/client";
import { users } from "../../db/schema";
import { DEMO_USERS } from "../../db/seed/demo-users";
import { setRole, signUp } from "../../server/services/users";

const baseUrl = inject("e2eBaseUrl");
const url = (p: string) => new URL(p, baseUrl).toString();
const run = randomBytes(4).toString("hex");
const admin = { email: `admin-${run}@example.test`, password: `admin-password-${run}`, name: `Admin ${run}` };
const target = DEMO_USERS.find((u) => u.role === "member");

let connection: DatabaseConnection;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!target) throw new Error("the demo seed has no member");
  // The first admin is made from the command line in real life (`npm run user -- promote`); here, directly.
  connection = connect(inject("e2eDatabaseUrl"), { max: 1 });
  await signUp(connection.db, admin);
  await setRole(connection.db, admin.email, "admin");
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.setDefaultTimeout(20_000);
});

afterAll(async () => {
  await browser?.close();
  await connection?.close();
});

async function signIn(email: string, password: string) {
  await page.goto(url("/signin"));
  await page.locator("#main").getByLabel("Email").fill(email);
  await page.locator("#main").getByLabel("Password").fill(password);
  await page.locator("#main").getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("account-name").waitFor();
}

describe("admins manage roles", () => {
  it("keeps members out of the admin page", async () => {
    await signIn(target?.email ?? "", target?.password ?? "");
    await page.goto(url("/admin/users"));
    await expect(page.getByTestId("admin-forbidden").textContent()).resolves.toContain("Only admins can manage roles");
    expect(await page.getByRole("link", { name: "Admin", exact: true }).count()).toBe(0);
    await page.context().clearCookies();
  });

  it("lets an admin promote a member, and the change is stored", async () => {
    await signIn(admin.email, admin.password);
    await page.getByRole("link", { name: "Admin", exact: true }).click();
    await page.waitForURL(/\/admin\/users/);
    const row = page.getByRole("form", { name: `Role of ${target?.email}` });
    await row.getByLabel(`Role of ${target?.email}`).selectOption("moderator");
    await row.getByRole("button", { name: "Save" }).click();
    await row.getByText("Saved: now moderator.").waitFor();
    const [stored] = await connection.db.select({ role: users.role }).from(users).where(eq(users.email, target?.email ?? ""));
    expect(stored?.role).toBe("moderator");
    await setRole(connection.db, target?.email ?? "", "member");
  });
});
