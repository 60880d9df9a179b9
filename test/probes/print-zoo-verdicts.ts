/**
 * The demo experiments' claim verdicts on every fixture model (stories260K and the zoo), as a
 * markdown table: `npx tsx test/probes/print-zoo-verdicts.ts`. Uses the product's checkClaims.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { DEMO_EXPERIMENTS, demoDatasetJsonl, demoSpec } from "../../db/seed/data/experiments";
import { checkClaims } from "../../server/experiments/verdicts";
import { parseProbeSpec } from "../../server/probes/spec";
import { parseDatasetFile } from "../../server/services/datasets/parse-dataset";
import { HostedActivationSource } from "../../workers/probes/hosted-activation-source";
import { runProbe } from "../../workers/probes/run-probe";
import { createHostedModel } from "../../workers/runtime/hosted-model";
import { loadModelWeights } from "../../workers/runtime/load-weights";
import { loadTokenizer } from "../../workers/runtime/tokenizers/load-tokenizer";
import { FIXTURES_DIR, STORIES_GGUF } from "../runtime/fixtures";

const zoo = path.join(FIXTURES_DIR, "zoo");
const files = [STORIES_GGUF, ...readdirSync(zoo).filter((f) => f.endsWith(".gguf")).sort().map((f) => path.join(zoo, f))];
const names = files.map((f) => path.basename(f, ".gguf"));
const rows: string[][] = DEMO_EXPERIMENTS.map((e) => [e.title]);
for (const file of files) {
  const source = new HostedActivationSource(createHostedModel(await loadModelWeights(file), loadTokenizer(file), { name: path.basename(file) }), { batchSize: 64 });
  for (const [i, experiment] of DEMO_EXPERIMENTS.entries()) {
    const spec = parseProbeSpec(demoSpec(experiment, 1));
    if (!spec.ok) throw new Error(spec.errors.join("\n"));
    const parsed = parseDatasetFile(new TextEncoder().encode(demoDatasetJsonl(experiment.dataset)), "jsonl");
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const run = await runProbe(spec.spec, { source, resolveDataset: async () => parsed.dataset });
    const { verdict, checks } = checkClaims(experiment.claims.map((c) => c.claim), run.metrics, run.metrics.model.nLayers);
    const held = checks.filter((c) => c.verdict === "reproduced").length;
    rows[i]!.push(`${verdict.replace("_", " ")} (${held}/${checks.length})`);
  }
}
console.log(`| experiment | ${names.join(" | ")} |`);
console.log(`|---|${names.map(() => "---").join("|")}|`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
process.exit(0);
