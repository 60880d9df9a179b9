import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import type PgBoss from "pg-boss";
import type { Browser, Page } from "playwright-core";
import { signIn as signInAt } from "./setup/sign-in";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseConnection } from "../../db/client";
import { experiments, experimentVersions, steerResults } from "../../db/schema";
import { startBoss } from "../../server/jobs/boss";
import { insertFirstRuns } from "../../server/services/runs/queue";
import { signUp } from "../../server/services/users";
import { type SteerWorkers, workSteerJobs } from "../../workers/jobs/steer-generate";
import { DEMO_MODEL, getModel } from "../../workers/models/registry";
import { launchChromium } from "./setup/browser";
import { computeRuns } from "./setup/worker-runs";

/**
 * /steer in Chromium, generated for real: a published diffmean experiment is computed on the demo
 * model by the platform's worker; a member opens /steer, picks the model and that run's direction,
 * generates (a steer worker takes the job), shares the permalink, and a signed-out visitor reopens
 * it and reads the same text; submitting the same parameters again lands on the same permalink.
 */

const baseUrl = inject("e2eBaseUrl");
const databaseUrl = inject("e2eDatabaseUrl");
const url = (p: string) => new URL(p, baseUrl).toString();
const salt = randomBytes(4).toString("hex");
const title = `Steer happy vs sad (e2e ${salt})`;
const prompt = `Once upon a time, Lily went to the park ${salt}.`;
const login = { email: `steer-${salt}@example.test`, password: `steer-password-${salt}` };

let connection: DatabaseConnection;
let browser: Browser;
let page: Page;
let boss: PgBoss;
let steerWorkers: SteerWorkers;
let modelId = 0;
let runId = 0;
const cacheDir = mkdtempSync(path.join(tmpdir(), "mechmap-e2e-steer-"));

function pairs() {
  const things = ["dog", "cat", "ball", "kite", "cake", "tree", "boat", "bird", "doll", "hat", "sun", "cup"];
  return things.map((t, i) => ({ positive: `Lily saw the ${t} and she was very happy ${i}.`, negative: `Lily saw the ${t} and she was very sad ${i}.` }));
}

beforeAll(async () => {
  connection = connect(databaseUrl, { max: 2 });
  const { db } = connection;
  const demo = await getModel(db, DEMO_MODEL.name);
  if (!demo || demo.status !== "ready" || !demo.sha256) throw new Error("e2e: the demo model is not ready");
  modelId = demo.id;

  // A direction to steer with: diffmean computed by the platform's worker on a published experiment.
  const owner = await signUp(db, { ...login, name: `Steer ${salt}` });
  const now = new Date();
  const [experiment] = await db.insert(experiments).values({ ownerId: owner.id, state: "published", publishedAt: now }).returning({ id: experiments.id });
  const [version] = await db
    .insert(experimentVersions)
    .values({ experimentId: experiment!.id, version: 1, authorId: owner.id, title, spec: { version: 1, data: { kind: "pairs", pairs: pairs() }, methods: [{ method: "diffmean" }], seed: 1 }, publishedAt: now })
    .returning({ id: experimentVersions.id });
  const [queued] = await insertFirstRuns(db, [{ versionId: version!.id, model: { id: demo.id, sha256: demo.sha256 } }], owner.id);
  if (queued === undefined) throw new Error("e2e: the steering experiment got no run");
  runId = queued;
  await computeRuns(databaseUrl, db, [runId], 110_000);

  // Steer jobs only (the queue the web app sends them to), taken in this process.
  boss = await startBoss(databaseUrl, { supervise: false });
  steerWorkers = await workSteerJobs(boss, db, { cacheDir, log: () => {}, pollingIntervalSeconds: 0.5 });

  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  page.setDefaultTimeout(20_000);
  page.on("console", (m) => {
    if (m.type() === "error") console.log(`[browser] ${m.text().slice(0, 1500)}`);
  });
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await steerWorkers?.stop();
  await boss?.stop({ graceful: false, wait: true });
  await connection?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

/** Fills the /steer form with this test's parameters and submits it. */
async function generate() {
  await page.goto(url("/steer"));
  const form = page.getByTestId("steer-form");
  await form.getByLabel("Model", { exact: true }).selectOption(String(modelId));
  await form.getByLabel("Prompt", { exact: true }).fill(prompt);
  await form.getByLabel("Search directions", { exact: true }).fill(salt);
  const choice = form.getByTestId("steer-directions").getByRole("radio", { name: new RegExp(`${title.replace(/[()]/g, "\\$&")}.*run #${runId}\\b`) });
  await choice.check();
  await form.getByLabel("Layer", { exact: true }).selectOption("2");
  await form.getByLabel("Strength", { exact: true }).fill("12");
  await form.getByLabel("New tokens", { exact: true }).fill("12");
  await form.getByRole("button", { name: "Generate" }).click();
  await page.waitForURL((u) => /^\/steer\/\d+$/.test(u.pathname));
  return Number(new URL(page.url()).pathname.split("/").pop());
}

async function continuations(p: Page) {
  await p.locator('[data-testid="steer-status"][data-status="done"]').waitFor({ timeout: 60_000 });
  return {
    default: await p.getByTestId("steer-default").textContent(),
    steered: await p.getByTestId("steer-steered").textContent(),
    baseline: await p.getByTestId("steer-baseline").textContent(),
  };
}

describe("steer", () => {
  it("open /steer, generate, share the permalink, reopen it; the same parameters land on the same permalink", async () => {
    await signInAt(page, url("/signin"), login);
    // Reached from the site navigation.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Steer" }).click();
    await page.waitForURL((u) => u.pathname === "/steer");

    const id = await generate();
    const shown = await continuations(page);
    expect(shown.default?.length).toBeGreaterThan(0);
    expect(shown.steered?.length).toBeGreaterThan(0);
    expect(shown.baseline?.length).toBeGreaterThan(0);
    expect(shown.steered).not.toBe(shown.default);
    await expect(page.getByTestId("steer-prompt").textContent()).resolves.toBe(prompt);
    await expect(page.getByTestId("steer-params").textContent()).resolves.toContain(`run #${runId}`);

    // What was shown is what the worker stored.
    const [row] = await connection.db.select().from(steerResults).where(eq(steerResults.id, id));
    expect(row?.status).toBe("done");
    const stored = row!.result as { streams: Record<"default" | "steered" | "baseline", { text: string }> };
    expect(shown).toEqual({ default: stored.streams.default.text, steered: stored.streams.steered.text, baseline: stored.streams.baseline.text });

    // The permalink, opened by someone signed out, shows the same text.
    const permalink = await page.getByTestId("steer-permalink").inputValue();
    expect(permalink).toBe(url(`/steer/${id}`));
    const visitor = await (await browser.newContext()).newPage();
    const response = await visitor.goto(permalink);
    expect(response?.status()).toBe(200);
    expect(await continuations(visitor)).toEqual(shown);
    await visitor.context().close();

    // The same parameters again: the stored result's permalink, no second row.
    expect(await generate()).toBe(id);
    expect(await continuations(page)).toEqual(shown);
    expect(await connection.db.select({ id: steerResults.id }).from(steerResults).where(eq(steerResults.id, id))).toHaveLength(1);
    const same = (await connection.db.select({ params: steerResults.params }).from(steerResults)).filter((r) => (r.params as { prompt?: string }).prompt === prompt);
    expect(same).toHaveLength(1);
  });

  it("unknown permalinks are 404s", async () => {
    for (const p of ["/steer/2000000000", "/steer/abc", "/steer/0"]) {
      const response = await page.goto(url(p));
      expect(response?.status(), p).toBe(404);
    }
  });
});
