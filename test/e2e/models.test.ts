import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { eq, inArray } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseConnection } from "../../db/client";
import { experiments, experimentVersions, models, runs } from "../../db/schema";
import { DEMO_USERS } from "../../db/seed/demo-users";
import { PROBE_ENGINE_VERSION } from "../../server/probes/engine-version";
import { runKey } from "../../server/services/runs/queue";
import { parseCsv } from "../../server/services/datasets/csv";
import { signUp } from "../../server/services/users";
import { DEMO_MODEL } from "../../workers/models/registry";
import { launchChromium } from "./setup/browser";

/**
 * The models pages in Chromium: the list shows the demo model with its facts (numbers as the
 * registry stored them), its page shows the facts and the experiments run on it, the CSV export
 * downloads, and a moderator queues every published experiment on a model.
 */

const baseUrl = inject("e2eBaseUrl");
const url = (p: string) => new URL(p, baseUrl).toString();
const salt = randomBytes(4).toString("hex");
const moderator = DEMO_USERS.find((u) => u.role === "moderator");
const title = `Models page sentiment ${salt}`;
const spareModel = `e2e-models-${salt}`;

let connection: DatabaseConnection;
let browser: Browser;
let page: Page;
let demo: typeof models.$inferSelect;
let doneRunId: number;
let experimentId: number;
let spareModelId: number;
const queuedByTest: number[] = [];

const en = (n: number) => n.toLocaleString("en-US");

beforeAll(async () => {
  if (!moderator) throw new Error("the demo seed has no moderator");
  connection = connect(inject("e2eDatabaseUrl"), { max: 1 });
  const [row] = await connection.db.select().from(models).where(eq(models.name, DEMO_MODEL.name));
  if (!row || row.status !== "ready") throw new Error("e2e: the demo model is not ready");
  demo = row;
  // A published experiment with a finished, checked run on the demo model (as the worker leaves it).
  const owner = await signUp(connection.db, { email: `models-${salt}@example.test`, password: `models-password-${salt}`, name: `Models ${salt}` });
  const [experiment] = await connection.db.insert(experiments).values({ ownerId: owner.id, state: "published", publishedAt: new Date() }).returning({ id: experiments.id });
  experimentId = experiment!.id;
  const [version] = await connection.db
    .insert(experimentVersions)
    .values({ experimentId, version: 1, authorId: owner.id, title, spec: { version: 1 }, publishedAt: new Date() })
    .returning({ id: experimentVersions.id });
  const [run] = await connection.db
    .insert(runs)
    .values({
      versionId: version!.id, modelId: demo.id, modelSha256: demo.sha256!, engineVersion: PROBE_ENGINE_VERSION, runKey: runKey(version!.id, demo.sha256!), attempt: 0,
      status: "done", verdict: "reproduced", headlineMetric: "diffmean.accuracy", headlineValue: 0.958, headlineLayer: 4, finishedAt: new Date(),
    })
    .returning({ id: runs.id });
  doneRunId = run!.id;
  // A ready model with no runs, for the moderator to queue on (its runs are removed after the test).
  const [spare] = await connection.db.insert(models).values({ name: spareModel, source: "/tmp/none.gguf", sha256: "e".repeat(64), status: "ready", layers: 2, dModel: 8 }).returning({ id: models.id });
  spareModelId = spare!.id;

  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true })).newPage();
  page.setDefaultTimeout(20_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (connection) {
    // Queued runs on the spare model would otherwise wait for a worker in later files.
    if (queuedByTest.length) await connection.db.delete(runs).where(inArray(runs.id, queuedByTest));
    await connection.db.delete(runs).where(eq(runs.modelId, spareModelId));
    await connection.db.delete(models).where(eq(models.id, spareModelId));
    await connection.close();
  }
});

async function signIn(email: string, password: string) {
  await page.goto(url("/signin"));
  await page.locator("#main").getByLabel("Email").fill(email);
  await page.locator("#main").getByLabel("Password").fill(password);
  await page.locator("#main").getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("account-name").waitFor();
}

describe("models pages", () => {
  it("the list shows the demo model with its facts, status and verdicts", async () => {
    const response = await page.goto(url("/models"));
    expect(response?.status()).toBe(200);
    const row = page.locator(`[data-testid="model-row"][data-model="${DEMO_MODEL.name}"]`);
    await row.waitFor();
    expect(demo.parameterCount).toBeGreaterThan(1000);
    await expect(row.getByTestId("model-parameters").textContent()).resolves.toBe(en(demo.parameterCount!));
    const text = (await row.textContent()) ?? "";
    expect(text).toContain("Ready");
    expect(text).toContain(demo.architecture ?? "missing architecture");
    expect(text).toContain(`${demo.sha256!.slice(0, 12)}…`);
    expect(text).toContain(`Licence: ${DEMO_MODEL.licence}`);
    await expect(row.getByTestId("model-loss").textContent()).resolves.toBe(demo.heldOutLoss === null ? "—" : `${demo.heldOutLoss.toFixed(3)} nats/token`);
    // At least this file's reproduced run is counted.
    expect(await row.locator('[data-verdict-count="reproduced"]').count()).toBe(1);
    await expect(row.getByRole("link", { name: "Compare" }).getAttribute("href")).resolves.toBe(`/compare?model=${DEMO_MODEL.name}`);
  });

  it("sorts and filters through the URL without JavaScript state", async () => {
    await page.goto(url("/models"));
    await page.getByLabel("Status").selectOption("failed");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/status=failed/);
    // Other e2e files may leave a failed model behind: the filter must show exactly the failed ones.
    const failed = (await connection.db.select({ name: models.name }).from(models).where(eq(models.status, "failed"))).map((m) => m.name).sort();
    if (failed.length === 0) {
      await page.getByTestId("models-empty").waitFor();
      expect(await page.getByTestId("models-empty").textContent()).toContain("No model is failed right now");
    } else {
      await page.locator('[data-testid="model-row"]').first().waitFor();
      const shown = await page.locator('[data-testid="model-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute("data-model")));
      expect(shown.sort()).toEqual(failed);
    }
    await page.goto(url("/models?sort=layers&order=desc"));
    const names = await page.locator('[data-testid="model-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute("data-model")));
    const layers = await connection.db.select({ name: models.name, layers: models.layers }).from(models);
    const layersOf = new Map(layers.map((m) => [m.name, m.layers ?? -1]));
    const shown = names.map((n) => layersOf.get(n ?? "") ?? -1);
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
    expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain("Layers");
  });

  it("the CSV export link downloads the list as CSV", async () => {
    await page.goto(url("/models"));
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
    expect(download.suggestedFilename()).toBe("models.csv");
    const csv = await readFile((await download.path())!, "utf8");
    const [header, ...rows] = parseCsv(csv, { maxRows: 1000, maxFieldChars: 10_000 });
    const col = (name: string) => header!.indexOf(name);
    const demoRow = rows.find((r) => r[col("name")] === DEMO_MODEL.name)!;
    expect(demoRow[col("parameters")]).toBe(String(demo.parameterCount));
    expect(demoRow[col("layers")]).toBe(String(demo.layers));
    expect(demoRow[col("sha256")]).toBe(demo.sha256);
    const res = await page.request.get(url("/api/models/no-such-model-here?format=csv"));
    expect(res.status()).toBe(404);
    expect(res.headers()["content-type"]).toContain("application/json");
  });

  it("opens the model page: facts, the experiments run on it, and no queue button for visitors", async () => {
    await page.goto(url("/models"));
    await page.locator(`[data-testid="model-row"][data-model="${DEMO_MODEL.name}"]`).getByRole("link", { name: DEMO_MODEL.name, exact: true }).click();
    await page.waitForURL(new RegExp(`/models/${DEMO_MODEL.name}$`));
    await expect(page.getByTestId("model-name").textContent()).resolves.toBe(DEMO_MODEL.name);
    // Next.js may stream the page's metadata after the body: wait for the title rather than read it once.
    await page.waitForFunction((name) => document.title.includes(name), DEMO_MODEL.name);
    await expect(page.getByTestId("fact-parameters").textContent()).resolves.toBe(en(demo.parameterCount!));
    await expect(page.getByTestId("fact-layers").textContent()).resolves.toBe(String(demo.layers));
    await expect(page.getByTestId("fact-sha256").textContent()).resolves.toBe(DEMO_MODEL.sha256);
    const row = page.getByTestId("model-run-row").filter({ hasText: title });
    await expect(row.textContent()).resolves.toMatch(/diffmean\.accuracy 0\.958 at layer 4 \(relative depth 1\.00\)/);
    expect(await row.getByTestId("verdict-badge").textContent()).toContain("Reproduced");
    await expect(row.getByRole("link", { name: `Run #${doneRunId}` }).getAttribute("href")).resolves.toBe(`/runs/${doneRunId}`);
    await expect(row.getByRole("link", { name: title }).getAttribute("href")).resolves.toBe(`/experiments/${experimentId}`);
    await expect(page.getByTestId("not-yet-run").textContent()).resolves.toMatch(/published experiments? ha(s|ve) not run on it yet|Every published experiment has a run/);
    expect(await page.getByRole("button", { name: "Queue all published experiments" }).count()).toBe(0);
    expect(await page.getByTestId("queue-explainer").textContent()).toContain("moderators queue every published experiment");
    await page.goto(url("/models/no-such-model-here"));
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Not found");
  });

  it("a model with no runs says so; a moderator queues every published experiment on it, once", async () => {
    await signIn(moderator!.email, moderator!.password);
    await page.goto(url(`/models/${spareModel}`));
    await page.getByTestId("model-runs-empty").waitFor();
    const published = await connection.db.select({ id: experiments.id }).from(experiments).where(eq(experiments.state, "published"));
    const missing = published.length;
    await expect(page.getByTestId("not-yet-run").textContent()).resolves.toBe(`${missing} published experiment${missing === 1 ? " has" : "s have"} not run on it yet.`);
    await page.getByRole("button", { name: "Queue all published experiments" }).click();
    await expect(page.getByTestId("queue-all-result").filter({ hasText: "Queued" }).textContent()).resolves.toBe(`Queued ${missing} run${missing === 1 ? "" : "s"}. Workers pick them up in order.`);
    const queued = await connection.db.select({ id: runs.id, status: runs.status }).from(runs).where(eq(runs.modelId, spareModelId));
    queuedByTest.push(...queued.map((r) => r.id));
    expect(queued).toHaveLength(missing);
    expect(queued.every((r) => r.status === "queued")).toBe(true);
    // The page is read again: nothing is missing, and the runs are listed.
    await page.getByText("Every published experiment has a run on this model.").waitFor();
    expect(await page.getByTestId("model-run-row").count()).toBe(Math.min(missing, 20));
    await page.getByRole("button", { name: "Queue all published experiments" }).click();
    await expect(page.getByTestId("queue-all-result").filter({ hasText: "Nothing to queue" }).textContent()).resolves.toContain("every published experiment already has a run");
    await page.context().clearCookies();
  });
});
