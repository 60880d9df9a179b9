/**
 * The map in Chromium: labels readable at the default view on a laptop and a phone (every drawn
 * label at least 11 px on screen), label level of detail when zoomed out, keyboard selection with
 * spatial arrow keys, the URL as a shareable view (selection, colour, zoom restored on reload), the
 * side panel's papers and relations, and cross-links drawn only when asked for.
 *
 * The map's cytoscape instance is read from cytoscape's own registry on its container element
 * (`_cyreg.cy`, set by cytoscape itself), so the page carries no test hooks.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Core } from "cytoscape";
import { eq, or } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseConnection } from "../../db/client";
import { paperTechniques, papers, techniqueRelations, techniques } from "../../db/schema";
import { launchChromium } from "./setup/browser";

const baseUrl = inject("e2eBaseUrl");
const ARTIFACTS = path.resolve(import.meta.dirname, "..", "artifacts");
const url = (p: string) => new URL(p, baseUrl).toString();
const MIN_PX = 11;

let browser: Browser;
let connection: DatabaseConnection;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
  connection = connect(inject("e2eDatabaseUrl"), { max: 2 });
});

afterAll(async () => {
  await browser?.close();
  await connection?.close();
});

async function freshPage(viewport: { width: number; height: number }, isMobile = false): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, isMobile, hasTouch: isMobile, deviceScaleFactor: isMobile ? 2 : 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") console.log(`[browser] ${m.text().slice(0, 800)}`);
  });
  return { context, page, errors };
}

const main = (page: Page) => page.locator("#main");

async function openMap(page: Page, pathAndQuery = "/") {
  await page.goto(url(pathAndQuery));
  await main(page).locator('[data-testid="map-canvas"][data-ready="true"]').waitFor();
}

interface LabelStats {
  zoom: number;
  /** Labels drawn and at least partly on screen, with their on-screen font size. */
  drawn: Array<{ label: string; px: number }>;
  /** Nodes on screen whose label is not drawn (level of detail). */
  unnamed: number;
  stage: { width: number; height: number };
}

/** What cytoscape will draw: per visible node on screen, its label text and font size × zoom. */
function labelStats(page: Page): Promise<LabelStats> {
  return page.evaluate(() => {
    const el = document.querySelector('#main [data-testid="map-canvas"]') as (HTMLElement & { _cyreg?: { cy?: Core } }) | null;
    const cy = el?._cyreg?.cy;
    if (!cy) throw new Error("no cytoscape instance on the map canvas");
    const zoom = cy.zoom();
    const w = cy.width();
    const h = cy.height();
    const drawn: Array<{ label: string; px: number }> = [];
    let unnamed = 0;
    cy.nodes().forEach((n) => {
      if (!n.visible()) return;
      const bb = n.renderedBoundingBox({ includeLabels: false });
      if (bb.x2 < 0 || bb.y2 < 0 || bb.x1 > w || bb.y1 > h) return;
      const label = String(n.style("label") ?? "");
      if (label === "") unnamed++;
      else drawn.push({ label, px: n.numericStyle("font-size") * zoom });
    });
    return { zoom, drawn, unnamed, stage: { width: w, height: h } };
  });
}

/** Positions of the visible nodes, and the selected node's id (cytoscape ids are technique ids). */
function nodePositions(page: Page): Promise<{ nodes: Array<{ id: number; x: number; y: number }>; selected: number | null }> {
  return page.evaluate(() => {
    const el = document.querySelector('#main [data-testid="map-canvas"]') as (HTMLElement & { _cyreg?: { cy?: Core } }) | null;
    const cy = el?._cyreg?.cy;
    if (!cy) throw new Error("no cytoscape instance on the map canvas");
    const nodes: Array<{ id: number; x: number; y: number }> = [];
    cy.nodes().forEach((n) => {
      if (n.visible()) nodes.push({ id: Number(n.id()), ...n.position() });
    });
    const sel = cy.nodes(":selected");
    return { nodes, selected: sel.nonempty() ? Number(sel.first().id()) : null };
  });
}

function viewOf(page: Page): Promise<{ zoom: number; x: number; y: number }> {
  return page.evaluate(() => {
    const el = document.querySelector('#main [data-testid="map-canvas"]') as (HTMLElement & { _cyreg?: { cy?: Core } }) | null;
    const cy = el?._cyreg?.cy;
    if (!cy) throw new Error("no cytoscape instance on the map canvas");
    const zoom = cy.zoom();
    const pan = cy.pan();
    return { zoom, x: (cy.width() / 2 - pan.x) / zoom, y: (cy.height() / 2 - pan.y) / zoom };
  });
}

const param = (page: Page, key: string) => new URL(page.url()).searchParams.get(key);

/** Waits until the URL's `key` equals `expected` (null = absent), or is present at all. */
async function waitForParam(page: Page, key: string, expected: string | null | { present: true }) {
  await page.waitForFunction(
    ({ key, expected }) => {
      const value = new URL(window.location.href).searchParams.get(key);
      return typeof expected === "object" && expected !== null ? value !== null : value === expected;
    },
    { key, expected },
  );
}

async function slugOf(id: number): Promise<string> {
  const [row] = await connection.db.select({ slug: techniques.slug }).from(techniques).where(eq(techniques.id, id));
  if (!row) throw new Error(`no technique ${id}`);
  return row.slug;
}

describe("map: readable at the default view", () => {
  for (const device of [
    { name: "desktop", viewport: { width: 1280, height: 800 }, mobile: false, minNamed: 12 },
    { name: "mobile", viewport: { width: 390, height: 844 }, mobile: true, minNamed: 4 },
  ]) {
    it(`${device.name} ${device.viewport.width}×${device.viewport.height}: every drawn label is at least ${MIN_PX} px, and enough are named`, async () => {
      const { context, page, errors } = await freshPage(device.viewport, device.mobile);
      try {
        await openMap(page);
        const stats = await labelStats(page);
        expect(stats.stage.width).toBeGreaterThan(device.viewport.width * 0.6);
        expect(stats.drawn.length).toBeGreaterThanOrEqual(device.minNamed);
        for (const d of stats.drawn) expect(d.px, d.label).toBeGreaterThanOrEqual(MIN_PX);
        await page.screenshot({ path: path.join(ARTIFACTS, `map-${device.name}.png`) });

        // Zoomed out to the whole map, small labels give way (level of detail); the drawn ones stay readable.
        await main(page).getByRole("button", { name: "Fit" }).click();
        await page.waitForFunction(() => {
          const el = document.querySelector('#main [data-testid="map-canvas"]') as (HTMLElement & { _cyreg?: { cy?: Core } }) | null;
          const cy = el?._cyreg?.cy;
          return cy !== undefined && !cy.animated();
        });
        // Labels follow the zoom on the next animation frame.
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        const fit = await labelStats(page);
        expect(fit.zoom).toBeLessThan(stats.zoom);
        expect(fit.unnamed).toBeGreaterThan(0);
        for (const d of fit.drawn) expect(d.px, d.label).toBeGreaterThanOrEqual(MIN_PX);
        await page.screenshot({ path: path.join(ARTIFACTS, `map-${device.name}-fit.png`) });
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});

describe("map: keyboard, side panel and shareable URL", () => {
  it("selects with the keyboard, moves by arrow keys to the spatial neighbour, lists papers and relations, restores the view on reload, Enter opens the page", async () => {
    const { context, page, errors } = await freshPage({ width: 1280, height: 800 });
    try {
      await openMap(page);
      const canvas = main(page).getByTestId("map-canvas");
      const panel = main(page).getByTestId("technique-panel");
      await canvas.focus();

      // The first arrow only moves the focus ring (the canvas shows keyboard focus); Enter selects.
      await page.keyboard.press("ArrowRight");
      await expect(canvas.evaluate((el) => el.matches(":focus-visible"))).resolves.toBe(true);
      const ringed = await page.evaluate(() => {
        const el = document.querySelector('#main [data-testid="map-canvas"]') as (HTMLElement & { _cyreg?: { cy?: Core } }) | null;
        return el!._cyreg!.cy!.nodes(".kb-focus").length;
      });
      expect(ringed).toBe(1);
      expect(param(page, "selected")).toBeNull();
      await page.keyboard.press("Enter");
      await panel.waitFor();
      await waitForParam(page, "selected", { present: true });
      let current = (await nodePositions(page)).selected;
      expect(current).not.toBeNull();
      expect(param(page, "selected")).toBe(await slugOf(current!));
      await expect(panel.getByRole("heading", { level: 2 }).textContent()).resolves.toBe(
        (await connection.db.select({ name: techniques.name }).from(techniques).where(eq(techniques.id, current!)))[0]?.name,
      );

      // ArrowDown moves the selection to the nearest technique below (by position), until one with
      // papers and other relations is selected.
      let withBoth: number | null = null;
      for (let step = 0; step < 30 && withBoth === null; step++) {
        const { nodes } = await nodePositions(page);
        const from = nodes.find((n) => n.id === current)!;
        const below = nodes.filter((n) => n.y - from.y > 0.5 && Math.abs(n.x - from.x) <= n.y - from.y);
        if (below.length === 0) break;
        const expected = below.reduce((a, b) => (Math.hypot(a.x - from.x, a.y - from.y) <= Math.hypot(b.x - from.x, b.y - from.y) ? a : b));
        const expectedSlug = await slugOf(expected.id);
        await page.keyboard.press("ArrowDown");
        await waitForParam(page, "selected", expectedSlug);
        current = expected.id;
        const [linked] = await connection.db.select({ n: techniques.id }).from(paperTechniques).innerJoin(techniques, eq(techniques.id, paperTechniques.techniqueId)).where(eq(paperTechniques.techniqueId, current)).limit(1);
        const [related] = await connection.db
          .select({ kind: techniqueRelations.kind })
          .from(techniqueRelations)
          .where(or(eq(techniqueRelations.fromId, current), eq(techniqueRelations.toId, current)))
          .then((rows) => rows.filter((r) => r.kind !== "kind_of"));
        if (linked && related) withBoth = current;
      }
      expect(withBoth, "an arrow walk down the first column reaches a technique with papers and relations").not.toBeNull();

      // The side panel lists its papers with their relation, and its other relations in both directions.
      const expectedPapers = await connection.db
        .select({ title: papers.title, relation: paperTechniques.relation })
        .from(paperTechniques)
        .innerJoin(papers, eq(papers.id, paperTechniques.paperId))
        .where(eq(paperTechniques.techniqueId, withBoth!));
      const paperList = panel.getByTestId("panel-papers");
      await paperList.waitFor();
      const paperText = (await paperList.textContent()) ?? "";
      for (const p of expectedPapers) {
        expect(paperText).toContain(p.title);
        expect(paperText.toLowerCase()).toContain(p.relation);
      }
      const other = (
        await connection.db
          .select({ from: techniqueRelations.fromId, to: techniqueRelations.toId, kind: techniqueRelations.kind })
          .from(techniqueRelations)
          .where(or(eq(techniqueRelations.fromId, withBoth!), eq(techniqueRelations.toId, withBoth!)))
      ).filter((r) => r.kind !== "kind_of");
      const relationText = (await panel.getByTestId("panel-relations").textContent()) ?? "";
      for (const r of other) {
        const [far] = await connection.db.select({ name: techniques.name }).from(techniques).where(eq(techniques.id, r.from === withBoth ? r.to : r.from));
        expect(relationText).toContain(far!.name);
      }
      await page.screenshot({ path: path.join(ARTIFACTS, "map-panel-papers.png") });

      // Colour and zoom go into the URL too.
      await main(page).getByTestId("color-by-reproduction").check();
      await waitForParam(page, "color", "reproduction");
      await canvas.focus();
      await page.keyboard.press("+");
      await waitForParam(page, "zoom", { present: true });
      const before = await viewOf(page);
      const sharedUrl = page.url();
      const selectedSlug = param(page, "selected");
      expect(Number(param(page, "zoom"))).toBeCloseTo(before.zoom, 2);

      // A reload (or anyone opening the shared URL) gets the same view.
      await page.reload();
      await main(page).locator('[data-testid="map-canvas"][data-ready="true"]').waitFor();
      expect(page.url()).toBe(sharedUrl);
      await panel.waitFor();
      expect((await nodePositions(page)).selected).toBe(withBoth);
      await expect(main(page).getByTestId("color-by-reproduction").isChecked()).resolves.toBe(true);
      const after = await viewOf(page);
      expect(after.zoom).toBeCloseTo(before.zoom, 2);
      expect(Math.abs(after.x - before.x)).toBeLessThanOrEqual(1);
      expect(Math.abs(after.y - before.y)).toBeLessThanOrEqual(1);
      // After a reload the selection is still drawn readable.
      for (const d of (await labelStats(page)).drawn) expect(d.px, d.label).toBeGreaterThanOrEqual(MIN_PX);

      // Escape clears the selection (and the URL); Enter on a selection opens its page.
      await page.keyboard.press("Escape");
      await panel.waitFor({ state: "detached" });
      await waitForParam(page, "selected", null);
      await canvas.focus();
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("Enter");
      await panel.waitFor();
      await waitForParam(page, "selected", { present: true });
      const opened = param(page, "selected");
      await page.keyboard.press("Enter");
      await page.waitForURL(url(`/techniques/${opened}`));
      await main(page).getByTestId("technique-name").waitFor();
      expect(selectedSlug).not.toBeNull();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("draws other relations only for the selection until asked for all, and keeps that choice in the URL", async () => {
    const { context, page, errors } = await freshPage({ width: 1280, height: 800 });
    try {
      await openMap(page);
      const crossEdges = () =>
        page.evaluate(() => {
          const el = document.querySelector('#main [data-testid="map-canvas"]') as (HTMLElement & { _cyreg?: { cy?: Core } }) | null;
          const cy = el!._cyreg!.cy!;
          const cross = cy.edges(".cross");
          return { total: cross.length, drawn: cross.filter((e) => e.visible()).length };
        });
      const initial = await crossEdges();
      expect(initial.total).toBeGreaterThan(0);
      expect(initial.drawn).toBe(0);
      await main(page).getByTestId("show-relations").check();
      await waitForParam(page, "show", "relations");
      await expect(crossEdges()).resolves.toEqual({ total: initial.total, drawn: initial.total });
      await page.reload();
      await main(page).locator('[data-testid="map-canvas"][data-ready="true"]').waitFor();
      await expect(main(page).getByTestId("show-relations").isChecked()).resolves.toBe(true);
      await expect(crossEdges()).resolves.toEqual({ total: initial.total, drawn: initial.total });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("a shared URL opens its selection; following the header's Map link from there resets the map", async () => {
    const { context, page, errors } = await freshPage({ width: 1280, height: 800 });
    try {
      const [target] = await connection.db.select({ id: techniques.id, slug: techniques.slug, name: techniques.name }).from(techniques).where(eq(techniques.slug, "causal-tracing"));
      await openMap(page, `/?selected=${target!.slug}&color=unit`);
      const panel = main(page).getByTestId("technique-panel");
      await expect(panel.getByRole("heading", { level: 2 }).textContent()).resolves.toBe(target!.name);
      await expect(main(page).getByTestId("color-by-unit").isChecked()).resolves.toBe(true);
      // The shared selection is on screen and named.
      const named = (await labelStats(page)).drawn.map((d) => d.label);
      expect(named).toContain(target!.name);
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Map" }).click();
      await panel.waitFor({ state: "detached" });
      await page.waitForURL(url("/"));
      await expect(main(page).getByTestId("color-by-approach").isChecked()).resolves.toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("a URL with garbage opens the default map without errors", async () => {
    const { context, page, errors } = await freshPage({ width: 1280, height: 800 });
    try {
      await openMap(page, "/?selected=no-such-technique&color=purple&zoom=abc&x=1&y=2&hide=approach:nonsense&show=everything");
      await expect(main(page).getByTestId("technique-panel").count()).resolves.toBe(0);
      await expect(main(page).getByTestId("color-by-approach").isChecked()).resolves.toBe(true);
      const stats = await labelStats(page);
      expect(stats.drawn.length).toBeGreaterThan(0);
      for (const d of stats.drawn) expect(d.px, d.label).toBeGreaterThanOrEqual(MIN_PX);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
