/** `npm run bench [-- web|runtime|probes|worker|compare|generate|all]`: benchmarks, not tests. Results go to bench/results/*.json. */
export {};
const suites = {
  web: async () => (await import("./web")).runWebBench(),
  runtime: async () => (await import("./runtime")).runRuntimeBench(),
  probes: async () => (await import("./probes")).runProbesBench(),
  worker: async () => (await import("./worker")).runWorkerBench(),
  compare: async () => (await import("./compare")).runCompareBench(),
  generate: async () => (await import("./generate")).runGenerateBench(),
} as const;

type Suite = keyof typeof suites;
const requested = process.argv[2] ?? "web";
const names: Suite[] = requested === "all" ? (Object.keys(suites) as Suite[]) : [requested as Suite];
for (const name of names) {
  const suite = suites[name];
  if (!suite) {
    console.error(`Unknown benchmark “${requested}”. Choose one of: ${Object.keys(suites).join(", ")}, all.`);
    process.exit(2);
  }
  console.log(`\n== bench: ${name} ==`);
  await suite();
}
process.exit(0);
