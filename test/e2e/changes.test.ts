/**
 * The changes feed and watches in Chromium: /changes lists an accepted edit (proposed by the demo
 * member, accepted by the demo moderator through the review service) with both display names and
 * the Atom <link>; the Atom feed is XML that the browser's own XML parser accepts, hostile names
 * included; a member watches a technique, another change is accepted, and the technique page lists
 * it under "Since your last visit" (then marks it seen), as does the Watched techniques page.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { signIn as signInAt } from "./setup/sign-in";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseConnection } from "../../db/client";
import { techniques, users } from "../../db/schema";
import { DEMO_USERS } from "../../db/seed/demo-users";
import { proposeRevision, reviewRevision } from "../../server/services/revisions";
import { launchChromium } from "./setup/browser";

const baseUrl = inject("e2eBaseUrl");
const url = (p: string) => new URL(p, baseUrl).toString();
const run = randomBytes(4).toString("hex");
const ARTIFACTS = path.resolve(import.meta.dirname, "..", "artifacts");
const member = DEMO_USERS.find((u) => u.role === "member")!;
const moderator = DEMO_USERS.find((u) => u.role === "moderator")!;
const HOSTILE_NAME = `Evil ]]> <script>window.__xss=1</script> & "co" ${run}`;

let connection: DatabaseConnection;
let browser: Browser;
const contexts: BrowserContext[] = [];
let memberId = "";
let moderatorId = "";
const slug = `watched-${run}`;
const name = `Watched technique ${run}`;
const hostileSlug = `hostile-${run}`;

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

const signIn = (page: Page, account: { email: string; password: string }) => signInAt(page, url("/signin"), account);

/** A summary edit proposed by the demo member and accepted by the demo moderator, through the services the pages use. */
async function acceptedEdit(techniqueSlug: string, summary: string, message: string) {
  const { db } = connection;
  const proposed = await proposeRevision(db, { authorId: memberId, slug: techniqueSlug, changes: { summary }, message });
  await reviewRevision(db, { reviewerId: moderatorId, revisionId: proposed.id, decision: "accept", comment: "Clearer, thanks" });
}

beforeAll(async () => {
  connection = connect(inject("e2eDatabaseUrl"), { max: 2 });
  const { db } = connection;
  const idOf = async (email: string) => (await db.select({ id: users.id }).from(users).where(eq(users.email, email)))[0]!.id;
  memberId = await idOf(member.email);
  moderatorId = await idOf(moderator.email);
  await db.insert(techniques).values([
    { slug, name, summary: "A technique made by the changes test" },
    { slug: hostileSlug, name: HOSTILE_NAME, summary: "A technique with a hostile name" },
  ]);
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await connection?.close();
});

describe("the changes feed", () => {
  it("/changes shows an accepted edit with who proposed and accepted it, linked to the technique, and the Atom link", async () => {
    await acceptedEdit(slug, `An accepted summary of the technique ${run}`, `Say what it does ${run}`);
    const page = await newPage();
    await page.goto(url("/changes"));
    const change = page.locator("#main").getByTestId("change").filter({ hasText: `Say what it does ${run}` });
    await expect(change.locator(".change-list__title").textContent()).resolves.toContain(`Edited ‘${name}’: summary`);
    await expect(change.locator(".change-list__meta").textContent()).resolves.toMatch(new RegExp(`Proposed by ${member.name}, accepted by ${moderator.name}`));
    await expect(change.getByRole("link").getAttribute("href")).resolves.toBe(`/techniques/${slug}`);
    // The feed is announced in <head> and linked on the page.
    await expect(page.locator('head link[rel="alternate"][type="application/atom+xml"]').getAttribute("href")).resolves.toMatch(/\/changes\/feed\.xml$/);
    await expect(page.getByTestId("atom-link").getAttribute("href")).resolves.toBe("/changes/feed.xml");
    await page.locator("#main").screenshot({ path: path.join(ARTIFACTS, "changes-feed.png") });
    // The header leads here.
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Changes" }).getAttribute("aria-current")).resolves.toBe("page");
  });

  it("filters to one technique from the form, in the URL", async () => {
    await acceptedEdit(hostileSlug, `A hostile technique's new summary ${run}`, `Hostile edit ${run}`);
    const page = await newPage();
    await page.goto(url("/changes"));
    await page.locator("#main").getByLabel("Technique").selectOption(slug);
    await page.locator("#main").getByRole("button", { name: "Show" }).click();
    await page.waitForURL(url(`/changes?technique=${slug}`));
    await expect(page.locator("#main h1").textContent()).resolves.toBe(`Changes to ‘${name}’`);
    const titles = await page.locator("#main").getByTestId("change").locator(".change-list__title").allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    for (const t of titles) expect(t).toContain(name);
    await expect(page.locator('head link[rel="alternate"][type="application/atom+xml"]').getAttribute("href")).resolves.toMatch(new RegExp(`/changes/feed\\.xml\\?technique=${slug}$`));
  });

  it("the Atom feed answers XML that the browser's XML parser accepts, hostile names escaped", async () => {
    const page = await newPage();
    await page.goto(url("/changes"));
    const response = await page.request.get(url("/changes/feed.xml"));
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("application/atom+xml; charset=utf-8");
    const xml = await response.text();
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, "application/xml");
      const ns = "http://www.w3.org/2005/Atom";
      const error = doc.getElementsByTagName("parsererror")[0]?.textContent ?? null;
      const root = doc.documentElement;
      const entries = Array.from(root.getElementsByTagNameNS(ns, "entry")).map((e) => ({
        title: e.getElementsByTagNameNS(ns, "title")[0]?.textContent ?? "",
        link: e.getElementsByTagNameNS(ns, "link")[0]?.getAttribute("href") ?? "",
        author: e.getElementsByTagNameNS(ns, "author")[0]?.textContent?.trim() ?? "",
      }));
      const self = Array.from(root.getElementsByTagNameNS(ns, "link")).find((l) => l.getAttribute("rel") === "self")?.getAttribute("href") ?? "";
      return { error, root: `${root.namespaceURI} ${root.localName}`, entries, self, scripts: doc.getElementsByTagName("script").length };
    }, xml);
    expect(parsed.error).toBeNull();
    expect(parsed.root).toBe("http://www.w3.org/2005/Atom feed");
    expect(parsed.self).toBe(url("/changes/feed.xml"));
    expect(parsed.scripts).toBe(0);
    const hostile = parsed.entries.find((e) => e.title.includes(run) && e.title.includes("Evil"));
    expect(hostile).toEqual({ title: `Edited ‘${HOSTILE_NAME}’: summary`, link: url(`/techniques/${hostileSlug}`), author: member.name });
    expect(parsed.entries.find((e) => e.title === `Edited ‘${name}’: summary`)?.link).toBe(url(`/techniques/${slug}`));
    // One technique's feed.
    const one = await page.request.get(url(`/changes/feed.xml?technique=${hostileSlug}`));
    expect(one.status()).toBe(200);
    expect((await one.text()).match(/<entry>/g)).toHaveLength(1);
    expect((await page.request.get(url("/changes/feed.xml?technique=no-such-technique"))).status()).toBe(404);
  });
});

describe("watching a technique", () => {
  it("visitors get a sign-in link instead of the Watch button", async () => {
    const page = await newPage();
    await page.goto(url(`/techniques/${slug}`));
    await expect(page.getByTestId("watch-sign-in").getAttribute("href")).resolves.toBe(`/signin?callbackUrl=${encodeURIComponent(`/techniques/${slug}`)}`);
    expect(await page.getByTestId("since-visit").count()).toBe(0);
  });

  it("a member watches; a change accepted later is listed since their last visit, on the Watching page and the technique page, then marked seen", async () => {
    const page = await newPage();
    await signIn(page, member);
    await page.goto(url(`/techniques/${slug}`));
    const button = page.getByTestId("watch-button");
    await expect(button.getAttribute("aria-pressed")).resolves.toBe("false");
    await button.click();
    await expect.poll(() => button.getAttribute("aria-pressed")).toBe("true");
    await expect(page.getByTestId("watch-status").textContent()).resolves.toBe(`You are watching ‘${name}’.`);
    // Watching starts now: nothing is new yet.
    await expect(page.getByTestId("since-visit").textContent()).resolves.toContain("Nothing has changed since then.");

    await acceptedEdit(slug, `A summary accepted after watching ${run}`, `After watching ${run}`);

    await page.goto(url("/watching"));
    const row = page.getByTestId("watched-technique").filter({ hasText: name });
    await expect(row.getByTestId("changes-since").textContent()).resolves.toBe("1 change since your last visit");

    await row.getByRole("link", { name }).click();
    await page.waitForURL(url(`/techniques/${slug}`));
    const since = page.getByTestId("since-visit");
    await expect(since.getByRole("heading", { name: "Since your last visit" }).count()).resolves.toBe(1);
    const listed = since.getByTestId("change");
    await expect(listed.count()).resolves.toBe(1);
    await expect(listed.textContent()).resolves.toContain(`Edited ‘${name}’: summary`);
    await expect(listed.textContent()).resolves.toContain(`Proposed by ${member.name}, accepted by ${moderator.name}`);
    await expect.poll(() => page.getByTestId("since-visit-seen").textContent()).toContain("Marked as seen");
    await since.screenshot({ path: path.join(ARTIFACTS, "changes-since-visit.png") });

    // Seen: the next visit lists nothing new, and the Watching page agrees.
    await page.reload();
    await expect(page.getByTestId("since-visit").textContent()).resolves.toContain("Nothing has changed since then.");
    await page.goto(url("/watching"));
    await expect(page.getByTestId("watched-technique").filter({ hasText: name }).getByTestId("changes-since").textContent()).resolves.toBe("No changes since your last visit");

    // Unwatching from the Watching page removes it from the list.
    await page.getByTestId("watched-technique").filter({ hasText: name }).getByTestId("watch-button").click();
    await expect.poll(() => page.getByTestId("watched-technique").filter({ hasText: name }).count()).toBe(0);
  });
});
