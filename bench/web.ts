import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { connect } from "../db/client";
import { dropDatabase, ensureDatabase } from "../db/create-database";
import { withDatabase } from "../db/database-url";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
import { PROJECT_ROOT } from "../db/local-database";
import { runMigrations } from "../db/migrate";
import { seedDemo } from "../db/seed/seed";
import { buildIsStale, buildWebApp, freePort, startWebServer } from "../scripts/lib/web-app";
import { insertGeneratedPapers } from "./generated-papers";

const CONNECTIONS = 50;
const DURATION_S = 10;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Runs autocannon and keeps every response time, so p50/p95 are exact rather than histogram buckets. */
function measure(url: string): Promise<{ result: autocannon.Result; latencies: number[] }> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon({ url, connections: CONNECTIONS, duration: DURATION_S }, (error: Error | null, result: autocannon.Result) =>
      error ? reject(error) : resolve({ result, latencies: latencies.sort((a, b) => a - b) }),
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

function trpcGet(procedure: string, input?: unknown): string {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return `/api/trpc/${procedure}${query}`;
}

export async function runWebBench(): Promise<void> {
  const server = process.env.DATABASE_URL
    ? { url: withDatabase(process.env.DATABASE_URL, "postgres"), stop: async () => {} }
    : await startEmbeddedPostgres({ dataDir: path.join(PROJECT_ROOT, ".data", "bench-postgres"), port: 54349, quiet: true });
  const url = withDatabase(server.url, `mechmap_bench_${Date.now()}`);
  await ensureDatabase(url);
  await runMigrations(url);
  const { db, close } = connect(url, { max: 4 });
  await seedDemo(db);
  await insertGeneratedPapers(db, 5_000);
  await close();

  const port = await freePort();
  const env = { ...process.env, DATABASE_URL: url, NEXTAUTH_URL: `http://127.0.0.1:${port}`, NEXTAUTH_SECRET: "bench-secret-bench-secret-0123456789", NEXT_TELEMETRY_DISABLED: "1" };
  if (buildIsStale()) await buildWebApp(env);
  const web = await startWebServer({ port, env, quiet: true });
  const base = web.url;
  try {
    const targets = [
      { name: "trpc taxonomy.graph", path: trpcGet("taxonomy.graph") },
      { name: "trpc papers.list (page 1)", path: trpcGet("papers.list", { page: 1, pageSize: 20 }) },
      { name: "trpc papers.list (search 'sparse circuit')", path: trpcGet("papers.list", { query: "sparse circuit", page: 1, pageSize: 20 }) },
      { name: "map page /", path: "/" },
    ];
    const results = [];
    for (const target of targets) {
      // Warm caches and JIT before measuring.
      for (let i = 0; i < 20; i++) await fetch(`${base}${target.path}`);
      const { result: r, latencies } = await measure(`${base}${target.path}`);
      const row = {
        name: target.name,
        path: target.path,
        p50_ms: Number(percentile(latencies, 50).toFixed(1)),
        p95_ms: Number(percentile(latencies, 95).toFixed(1)),
        p99_ms: Number(percentile(latencies, 99).toFixed(1)),
        requests_per_s: r.requests.average,
        non_2xx: r.non2xx,
        errors: r.errors,
      };
      results.push(row);
    }
    const report = { date: new Date().toISOString(), connections: CONNECTIONS, duration_s: DURATION_S, papers: "seed + 5000 generated", results };
    mkdirSync(path.join(PROJECT_ROOT, "bench", "results"), { recursive: true });
    writeFileSync(path.join(PROJECT_ROOT, "bench", "results", "web.json"), JSON.stringify(report, null, 2));
    console.table(results.map(({ path: _p, ...r }) => r));
  } finally {
    await web.stop();
    await dropDatabase(url);
    await server.stop();
  }
}
