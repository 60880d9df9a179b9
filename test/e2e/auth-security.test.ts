import { randomBytes } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "./setup/browser";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseConnection } from "../../db/client";
import { signInAttempts } from "../../db/schema";
import { setRole, signUp } from "../../server/services/users";

const baseUrl = inject("e2eBaseUrl");
const origin = new URL(baseUrl).origin;
const url = (p: string) => new URL(p, baseUrl).toString();
const run = randomBytes(4).toString("hex");
const person = { email: `auth-${run}@example.test`, password: `auth-password-${run}`, name: `Auth ${run}` };

let connection: DatabaseConnection;
let browser: Browser;

beforeAll(async () => {
  connection = connect(inject("e2eDatabaseUrl"), { max: 1 });
  await signUp(connection.db, person);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await connection?.close();
});

/** A fresh browser context (no cookies) and page, with CSP violations collected from events and the console. */
async function freshPage(): Promise<{ context: BrowserContext; page: Page; violations: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(m.text())) violations.push(m.text().slice(0, 500));
  });
  await page.exposeFunction("reportCspViolation", (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (globalThis as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation;
      report(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return { context, page, violations };
}

/** Waits until React has attached to the element (a click before hydration would do nothing or submit natively). */
async function hydrated(page: Page, selector: string) {
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    return el !== null && Object.keys(el).some((k) => k.startsWith("__reactProps$"));
  }, selector);
}

async function signIn(page: Page, path = "/signin") {
  await page.goto(url(path));
  await hydrated(page, '[data-testid="signin-form"]');
  await page.locator("#main").getByLabel("Email").fill(person.email);
  await page.locator("#main").getByLabel("Password").fill(person.password);
  await page.locator("#main").getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("account-name").waitFor();
}

/** The Cookie header a browser context would send. */
async function cookieHeader(context: BrowserContext): Promise<string> {
  return (await context.cookies(baseUrl)).map((c) => `${c.name}=${c.value}`).join("; ");
}

/** `users.me` over HTTP with the given cookies: the signed-in email, or null. */
async function me(cookie: string): Promise<string | null> {
  const res = await fetch(url("/api/trpc/users.me"), { headers: { cookie } });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { result: { data: { json: { email: string } | null } } };
  return body.result.data.json?.email ?? null;
}

describe("security headers", () => {
  it("pages carry a nonce CSP, API responses a script-free one, and both the other headers", async () => {
    for (const path of ["/", "/api/trpc/users.me"]) {
      const res = await fetch(url(path));
      expect(res.status, path).toBe(200);
      const csp = res.headers.get("content-security-policy") ?? "";
      if (path.startsWith("/api/")) {
        expect(csp, path).toContain("default-src 'none'");
        expect(csp, path).not.toMatch(/script-src/);
      } else {
        expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
        expect(csp, path).not.toMatch(/script-src[^;]*'unsafe-inline'/);
        for (const directive of ["object-src 'none'", "base-uri 'self'"]) expect(csp, path).toContain(directive);
      }
      for (const directive of ["frame-ancestors 'none'", "form-action 'self'"]) expect(csp, path).toContain(directive);
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
    }
  });

  it("every script in a page carries that response's nonce, and the nonce changes per request", async () => {
    const nonces = new Set<string>();
    for (const path of ["/", "/signin"]) {
      const res = await fetch(url(path));
      const nonce = /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1];
      expect(nonce, path).toBeTruthy();
      nonces.add(nonce ?? "");
      const scripts = (await res.text()).match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
    }
    expect(nonces.size).toBe(2);
  });

  it("the main pages run with no CSP violation in Chromium (map, technique, papers, sign-in)", async () => {
    const { context, page, violations } = await freshPage();
    try {
      await page.goto(url("/"));
      await page.locator('#main [data-testid="map-canvas"][data-ready="true"]').waitFor(); // cytoscape ran
      await page.goto(url("/techniques/contrastive-activation-addition"));
      await page.locator("#main h1").waitFor();
      await page.goto(url("/papers"));
      await page.locator("#main h1").waitFor();
      // A client-side navigation loads more chunks through the nonce'd scripts ('strict-dynamic').
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Map" }).click();
      await page.locator('#main [data-testid="map-canvas"][data-ready="true"]').waitFor();
      await signIn(page); // the sign-in form works only once React has hydrated it
      expect(violations).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe("callbackUrl after sign-in", () => {
  it("a tab-smuggled off-site callbackUrl lands on the home page of this site", async () => {
    const { context, page } = await freshPage();
    try {
      await signIn(page, "/signin?callbackUrl=%2F%09%2Fevil.example%2Fphish");
      expect(new URL(page.url()).origin).toBe(origin);
      expect(new URL(page.url()).pathname).toBe("/");
    } finally {
      await context.close();
    }
  });

  it("a line feed in callbackUrl is no server error, and a same-site path is kept", async () => {
    for (const query of ["%0A", "%2F%0A", "https%3A%2F%2Fevil.example"]) {
      expect((await fetch(url(`/signin?callbackUrl=${query}`))).status, query).toBe(200);
      const res = await fetch(url(`/api/auth/signin?callbackUrl=${query}`), { redirect: "manual" });
      expect(res.status, query).toBeLessThan(500);
      const location = res.headers.get("location");
      if (location) expect(new URL(location, baseUrl).origin, query).toBe(origin);
    }
    const { context, page } = await freshPage();
    try {
      await signIn(page, "/signin?callbackUrl=%2Fpapers%3Fx%3D1");
      await page.waitForURL(/\/papers\?x=1$/);
      expect(new URL(page.url()).origin).toBe(origin);
    } finally {
      await context.close();
    }
  });
});

describe("sessions can be revoked", () => {
  it("after signing out, the old cookie is signed out too", async () => {
    const { context, page } = await freshPage();
    try {
      await signIn(page);
      const cookie = await cookieHeader(context);
      expect(await me(cookie)).toBe(person.email);
      await hydrated(page, ".account button");
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("link", { name: "Sign in" }).first().waitFor();
      expect(await me(cookie)).toBeNull();
      // next-auth's own session endpoint agrees.
      const session = await fetch(url("/api/auth/session"), { headers: { cookie } });
      expect(await session.json()).toEqual({});
    } finally {
      await context.close();
    }
  });

  it("a role change ends the person's sessions", async () => {
    const { context, page } = await freshPage();
    try {
      await signIn(page);
      const cookie = await cookieHeader(context);
      expect(await me(cookie)).toBe(person.email);
      await setRole(connection.db, person.email, "moderator");
      expect(await me(cookie)).toBeNull();
      await page.reload();
      await page.getByRole("link", { name: "Sign in" }).first().waitFor();
      await signIn(page);
      await expect(page.getByTestId("account-name").textContent()).resolves.toContain("moderator");
    } finally {
      await setRole(connection.db, person.email, "member");
      await context.close();
    }
  });
});

/** One credentials sign-in over HTTP, as next-auth's client does it (CSRF token and cookie, JSON answer). */
async function postSignIn(email: string, password: string, csrf: { token: string; cookie: string }) {
  const body = new URLSearchParams({ email, password, csrfToken: csrf.token, callbackUrl: baseUrl, json: "true" });
  const res = await fetch(url("/api/auth/callback/credentials"), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrf.cookie },
    body,
    redirect: "manual",
  });
  return { status: res.status, body: (await res.json()) as { url: string } };
}

async function csrf() {
  const res = await fetch(url("/api/auth/csrf"));
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { token: csrfToken, cookie };
}

describe("password sign-in throttling over HTTP", () => {
  it("40 concurrent wrong passwords: only the free attempts reach the password check", async () => {
    const target = `hammered-${run}@example.test`;
    await signUp(connection.db, { email: target, password: `right-password-${run}`, name: "Hammered" });
    const token = await csrf();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => postSignIn(target, `guess ${i}`, token)));
    for (const a of answers) expect(a.status).toBeLessThan(500);
    const errors = answers.map((a) => new URL(a.body.url, baseUrl).searchParams.get("error") ?? "");
    expect(errors.filter((e) => e === "CredentialsSignin")).toHaveLength(5);
    expect(errors.filter((e) => /Too many failed sign-in attempts/.test(e))).toHaveLength(35);
    const rows = await connection.db.select().from(signInAttempts).where(eq(signInAttempts.email, target));
    expect(rows).toHaveLength(5);
  });

  it("the sign-in form says how long to wait", async () => {
    const { context, page } = await freshPage();
    try {
      await page.goto(url("/signin"));
      await hydrated(page, '[data-testid="signin-form"]');
      await page.locator("#main").getByLabel("Email").fill(`nobody-${run}@example.test`);
      // Wrong passwords until the form reports the backoff (the 6th, unless the machine is very slow).
      let alert = "";
      for (let i = 0; i < 10 && !alert.startsWith("Too many"); i++) {
        await page.locator("#main").getByLabel("Password").fill(`guess number ${i}`);
        const answered = page.waitForResponse((r) => r.url().includes("/api/auth/callback/credentials"));
        await page.locator("#main").getByRole("button", { name: "Sign in" }).click();
        await answered;
        await page.locator("#main button[type=submit]:not([disabled])").waitFor(); // busy and error are set together
        alert = ((await page.locator("#main").getByRole("alert").textContent()) ?? "").trim();
        if (i < 5) expect(alert).toBe("Wrong email or password.");
      }
      expect(alert).toMatch(/^Too many failed sign-in attempts for this account\. Try again in \d+ seconds?\.$/);
    } finally {
      await context.close();
    }
  });
});

describe("password sign-in records the client address", () => {
  it("a failed attempt is stored with the address the server saw", async () => {
    const { context, page } = await freshPage();
    try {
      await page.goto(url("/signin"));
      await hydrated(page, '[data-testid="signin-form"]');
      await page.locator("#main").getByLabel("Email").fill(person.email);
      await page.locator("#main").getByLabel("Password").fill("not the password");
      await page.locator("#main").getByRole("button", { name: "Sign in" }).click();
      await page.locator("#main").getByText("Wrong email or password.").waitFor();
      const [last] = await connection.db.select().from(signInAttempts).where(eq(signInAttempts.email, person.email)).orderBy(desc(signInAttempts.id)).limit(1);
      expect(last?.succeeded).toBe(false);
      expect(last?.ip).toMatch(/127\.0\.0\.1|::1/);
    } finally {
      await context.close();
    }
  });
});
