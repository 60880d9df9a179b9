import axe from "axe-core";
import type { Page } from "playwright-core";

/** The WCAG 2.0/2.1/2.2 level A and AA rules: what "accessible" means for these pages. */
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

type AxeViolation = {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
};

/**
 * The page's WCAG A/AA violations found by axe-core, one readable block per rule: its id, impact,
 * what it asks, and each failing element's selector with axe's summary of what is wrong. Empty when
 * the page passes. axe's source is added as a script element; the context must be created with
 * `bypassCSP: true`, since the pages' policy runs only nonce'd scripts.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const present = await page.evaluate(() => "axe" in window);
  if (!present) await page.addScriptTag({ content: axe.source });
  const violations = await page.evaluate(async (tags) => {
    const w = window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: unknown[] }> } };
    const result = await w.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return JSON.parse(JSON.stringify(result.violations)) as unknown[];
  }, WCAG_TAGS);
  return (violations as AxeViolation[]).map((v) => {
    const nodes = v.nodes.map((n) => `  - ${n.target.map(String).join(" > ")}\n    ${(n.failureSummary ?? "").replace(/\n/g, "\n    ")}`);
    return `${v.id} (${v.impact ?? "no impact"}): ${v.help}\n${nodes.join("\n")}`;
  });
}
