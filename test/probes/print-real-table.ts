/** Prints the per-layer table of the end-to-end run on the fixture model: npx tsx test/probes/print-real-table.ts [last|mean] */
import { runProbe } from "../../workers/probes/run-probe";
import { fixtureSource, realSpec } from "./real-spec";

type Row = Record<string, unknown> & { layer: number };
const f = (x: unknown, digits = 3) => (typeof x === "number" ? x.toFixed(digits) : String(x));

const t0 = performance.now();
const position = process.argv[2] === "mean" ? ({ kind: "mean" } as const) : ({ kind: "last" } as const);
const run = await runProbe(realSpec(position), { source: await fixtureSource() });
const seconds = (performance.now() - t0) / 1000;
const by = (name: string, index = 0) => run.metrics.methods.filter((m) => m.method === name)[index]!.perLayer as Row[];
const dm = by("diffmean");
const lg = by("logistic");
const dim = by("dimensionality");
const cons = by("consistency");
const cd = by("crossDomain");
const st = by("steering");
const ab = by("ablation");
const an = by("anchors");
console.log(`run: ${seconds.toFixed(1)} s; ${run.metrics.data?.examples ?? 0} prompts; read-out ${position.kind}`);
console.log("| layer | diffmean acc | AUROC | Cohen's d | logistic acc | control acc | selectivity | PCA k80/k90/k95 | PR | INLP | cos(pair, mean) mean ± sd | x-domain cos | x-domain acc | steer slope (Δ log-odds per α) | ablation drop (rel.) |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
for (let i = 0; i < dm.length; i++) {
  console.log(
    `| ${dm[i]!.layer} | ${f(dm[i]!.accuracy)} | ${f(dm[i]!.auroc)} | ${f(dm[i]!.cohensD, 2)} | ${f(lg[i]!.accuracy)} | ${f(lg[i]!.controlAccuracy)} | ${f(lg[i]!.selectivity)} | ${dim[i]!.components80}/${dim[i]!.components90}/${dim[i]!.components95} | ${f(dim[i]!.participationRatio, 2)} | ${dim[i]!.inlpCount} | ${f(cons[i]!.meanCosine)} ± ${f(Math.sqrt(cons[i]!.varianceCosine as number))} | ${f(cd[i]!.meanCosine)} | ${f(cd[i]!.meanTransferAccuracy)} | ${f(st[i]!.slope)} | ${f(ab[i]!.drop)} (${f(ab[i]!.relativeDrop, 2)}) |`,
  );
}
console.log("\nanchors (0 = sunshine and lollipops, 1 = fear and death):");
const qs = (run.artifacts.find((a) => a.method === "anchors")!.artifacts as { queries: Array<{ text: string; label: string | null }> }).queries;
console.log(`| layer | ${qs.map((q) => `${q.text} (${q.label})`).join(" | ")} |`);
console.log(`|---|${qs.map(() => "---").join("|")}|`);
for (const r of an) console.log(`| ${r.layer} | ${(r.positions as number[]).map((p) => f(p, 2)).join(" | ")} |`);
const nm = run.metrics.methods.filter((m) => m.method === "neuronMap");
for (const m of nm) {
  const r = m.perLayer[0] as Row;
  console.log(`\nneuron map ${String(r.hook)}: ${String(r.neurons)} neurons, ${String(r.deadNeurons)} dead, clusters ${JSON.stringify(r.clusterSizes)}, most selective ${JSON.stringify((r.mostSelective as Array<{ neuron: number; cohensD: number }>).slice(0, 3).map((s) => [s.neuron, Number(s.cohensD.toFixed(2))]))}`);
}
const nmArt = run.artifacts.filter((a) => a.method === "neuronMap")[0]!.artifacts as { neurons: Array<{ index: number; top: Array<{ snippet: string; activation: number }> }> };
const sel = (nm[0]!.perLayer[0] as { mostSelective: Array<{ neuron: number }> }).mostSelective[0]!.neuron;
console.log(`top snippets of neuron ${sel}:`, nmArt.neurons[sel]!.top.map((t) => `${t.snippet} (${t.activation.toFixed(2)})`));
