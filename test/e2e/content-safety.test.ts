import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./setup/browser";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseConnection } from "../../db/client";
import { techniqueRevisions, techniques, users } from "../../db/schema";
import { signUp } from "../../server/services/users";

const baseUrl = inject("e2eBaseUrl");
const url = (p: string) => new URL(p, baseUrl).toString();
const run = randomBytes(4).toString("hex");
const member = { email: `content-${run}@example.test`, password: `content-password-${run}`, name: `Content ${run}` };

let connection: DatabaseConnection;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

/** A technique of this test's own (the others' pages stay as they are), with a description as stored before rendering. */
async function techniqueWith(slug: string, description: string) {
  const [row] = await connection.db
    .insert(techniques)
    .values({ slug: `${slug}-${run}`, name: `${slug} ${run}`, summary: "A technique made by the content-safety test", description })
    .returning({ id: techniques.id, slug: techniques.slug });
  if (!row) throw new Error("insert returned no row");
  return row;
}

async function timedGet(path: string) {
  const start = performance.now();
  const response = await fetch(url(path), { redirect: "manual" });
  const body = await response.text();
  return { status: response.status, body, ms: performance.now() - start };
}

beforeAll(async () => {
  connection = connect(inject("e2eDatabaseUrl"), { max: 1 });
  await signUp(connection.db, member);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.setDefaultTimeout(20_000);
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
  await connection?.close();
});

describe("status codes", () => {
  it.each(["/techniques/nope", "/techniques/NOT_A_SLUG", "/papers/999999", "/papers/abc"])("%s answers 404 with the not-found page", async (path) => {
    const { status, body } = await timedGet(path);
    expect(status).toBe(404);
    expect(body).toContain("Not found");
  });

  it("a page that fails while rendering answers 500 with the error page", async () => {
    const technique = await techniqueWith("broken", "Fine text.");
    const [author] = await connection.db.select({ id: users.id }).from(users).where(eq(users.email, member.email));
    // A malformed row no form can produce: the history's diff cannot be drawn from it.
    const [broken] = await connection.db
      .insert(techniqueRevisions)
      .values({ techniqueId: technique.id, authorId: author!.id, message: "broken", changes: sql`'null'::jsonb`, before: sql`'null'::jsonb` })
      .returning({ id: techniqueRevisions.id });
    try {
      const { status } = await timedGet(`/techniques/${technique.slug}`);
      expect(status).toBe(500);
      // The browser gets the same status and shows the error page (drawn once the page's scripts run).
      const response = await page.goto(url(`/techniques/${technique.slug}`));
      expect(response?.status()).toBe(500);
      await page.getByRole("heading", { name: "Something went wrong" }).waitFor();
    } finally {
      // The malformed row would break every later page that lists pending proposals (the review queue).
      await connection.db.delete(techniqueRevisions).where(eq(techniqueRevisions.id, broken!.id));
    }
  });

  it("known pages still answer 200", async () => {
    for (const path of ["/", "/papers", "/techniques/logit-lens"]) expect((await timedGet(path)).status).toBe(200);
  });
});

describe("descriptions that cannot be rendered", () => {
  it("a description of 19,990 '>' answers 200 with the source, the notice and the edit form", async () => {
    const technique = await techniqueWith("quotes", ">".repeat(19_990));
    const { status, body, ms } = await timedGet(`/techniques/${technique.slug}`);
    expect(status).toBe(200);
    expect(body).toContain("This description could not be rendered");
    expect(ms).toBeLessThan(10_000);

    await page.goto(url("/signin"));
    await page.locator("#main").getByLabel("Email").fill(member.email);
    await page.locator("#main").getByLabel("Password").fill(member.password);
    await page.locator("#main").getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("account-name").waitFor();

    await page.goto(url(`/techniques/${technique.slug}`));
    await expect(page.getByTestId("markdown-source").textContent()).resolves.toContain("could not be rendered (it nests quotes or lists more than 32 levels deep)");
    // The edit form (behind its button) is there and can repair the text.
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const form = page.getByTestId("propose-edit-form");
    await form.getByLabel("Description").fill("A short, *repaired* description.");
    await form.getByLabel("Why this edit? (required)").fill("Replace the broken description");
    await form.getByRole("button", { name: "Submit for review" }).click();
    await page.getByTestId("propose-success").waitFor();
    // The page (ten thousand characters of source) does not widen the layout.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(1280);
  });

  it.each([
    ["matrix", `$$\\begin{matrix}${"a & b \\\\ ".repeat(800)}\\end{matrix}$$`],
    ["stars", "*a".repeat(9_999)],
  ])("a %s bomb costs its CPU once, not on every view", async (name, description) => {
    const technique = await techniqueWith(name, description);
    const first = await timedGet(`/techniques/${technique.slug}`);
    expect(first.status).toBe(200);
    expect(first.ms).toBeLessThan(15_000);
    const [row] = await connection.db.select().from(techniques).where(eq(techniques.id, technique.id));
    expect(row?.descriptionHtml !== null || row?.descriptionRenderError !== null).toBe(true);
    // Later views read the stored result.
    for (let i = 0; i < 3; i++) {
      const again = await timedGet(`/techniques/${technique.slug}`);
      expect(again.status).toBe(200);
      expect(again.ms).toBeLessThan(3_000);
    }
  });

  it("renders markdown without running anything from it", async () => {
    const technique = await techniqueWith(
      "xss",
      [
        "Some *text* and $x^2$.",
        '<img src="x" onerror="alert(\'img\')">',
        "[link](javascript:alert('link'))",
        "$\\href{javascript:alert('katex')}{click}$",
      ].join("\n\n"),
    );
    await page.goto(url(`/techniques/${technique.slug}`));
    const rendered = page.getByTestId("rendered-markdown");
    await expect(rendered.locator("em").textContent()).resolves.toBe("text");
    await expect(rendered.locator(".katex").count()).resolves.toBeGreaterThan(0);
    expect(await rendered.locator("img[onerror], a[href^='javascript']").count()).toBe(0);
    for (const link of await rendered.locator("a").all()) await link.click({ force: true, timeout: 2_000 }).catch(() => undefined);
    await page.goto(url(`/techniques/${technique.slug}`));
    expect(dialogs).toEqual([]);
  });
});
