/**
 * The production web server: Next.js behind node:cluster, one process per core, because a single
 * Node process uses one core and the app's requests are short and CPU-bound.
 * Usage: tsx scripts/serve.ts --port 3000 [--host 0.0.0.0]; WEB_CONCURRENCY sets the process count.
 *
 * Each web process also watches its database (server/services/health.ts): while the database is
 * down, or is not this installation's, pages answer 503 with a page saying so and the API 503 JSON,
 * instead of 500s; /api/health reports web, database and worker state.
 */
import cluster from "node:cluster";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import next from "next";
import { INSTALLATION_ENV } from "../db/installation";
import { PROJECT_ROOT } from "../db/local-database";
import { CLIENT_IP_HEADER } from "../server/http/client-ip";
import { createDatabaseMonitor, type DatabaseMonitor, type DatabaseState } from "../server/services/health";
import { onSupervisorGone } from "./lib/supervisor";

const { values } = parseArgs({ options: { port: { type: "string", default: "3000" }, host: { type: "string", default: "127.0.0.1" } } });
const port = Number(values.port);
const workers = Number(process.env.WEB_CONCURRENCY ?? availableParallelism());
const RETRY_AFTER_SECONDS = 5;

function unavailablePage(state: DatabaseState): string {
  const reason = state.installation === "mismatch"
    ? "MechMap's database server is answering for another installation, so this server refuses to use it. The operator has to restart MechMap."
    : "MechMap's database is unavailable; this page will work again when it is back.";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${RETRY_AFTER_SECONDS * 2}"><title>MechMap is unavailable</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}</style></head>
<body><h1>MechMap is unavailable</h1><p>${reason}</p></body></html>`;
}

function answerUnavailable(req: IncomingMessage, res: ServerResponse, state: DatabaseState): void {
  const api = (req.url ?? "/").startsWith("/api/");
  const message = state.installation === "mismatch" ? "The database is not this installation's; the server refuses to use it." : "The database is unavailable; try again shortly.";
  res.writeHead(503, {
    "content-type": api ? "application/json" : "text/html; charset=utf-8",
    "retry-after": String(RETRY_AFTER_SECONDS),
    "cache-control": "no-store",
  });
  res.end(api ? JSON.stringify({ error: { code: "SERVICE_UNAVAILABLE", message } }) : unavailablePage(state));
}

async function answerHealth(res: ServerResponse, monitor: DatabaseMonitor | null): Promise<void> {
  const report = monitor ? await monitor.report() : { web: "ok", database: "down", installation: "unchecked", worker: { seen: 0, lastSeenSecondsAgo: null }, detail: "DATABASE_URL is not set" };
  res.writeHead(report.database === "ok" ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(report));
}

/** Next's static assets never touch the database: they are served whatever its state. */
function needsDatabase(url: string): boolean {
  return !url.startsWith("/_next/static/") && url !== "/favicon.ico";
}

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  let stopping = false;
  cluster.on("exit", (worker, code) => {
    // A crashed web process is replaced; the others keep serving meanwhile.
    if (!stopping) {
      console.error(`web process ${worker.process.pid} exited (${code}); starting another`);
      cluster.fork();
    }
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGTERM");
    setTimeout(() => process.exit(0), 5_000).unref();
    cluster.on("exit", () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  onSupervisorGone(stop);
} else {
  if (cluster.isPrimary) onSupervisorGone(() => process.exit(0));
  // A query that fails while the database restarts must not take the whole process down.
  process.on("unhandledRejection", (reason) => console.error("[web] unhandled rejection:", reason instanceof Error ? reason.message : reason));
  const databaseUrl = process.env.DATABASE_URL;
  const monitor = databaseUrl
    ? createDatabaseMonitor({
        url: databaseUrl,
        expectedInstallationId: process.env[INSTALLATION_ENV] || undefined,
        log: (line) => console.error(`[web ${process.pid}] ${line}`),
      })
    : null;
  const app = next({ dev: false, dir: PROJECT_ROOT, hostname: values.host, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  createServer((req, res) => {
    // The only trusted source of the client's address for rate limits: overwrite whatever was sent.
    req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? "unknown";
    const url = req.url ?? "/";
    if (url === "/api/health" || url.startsWith("/api/health?")) {
      void answerHealth(res, monitor);
      return;
    }
    const state = monitor?.state();
    if (state && state.database !== "ok" && needsDatabase(url)) {
      // Visitors retrying are also how a recovery is noticed before the next scheduled check.
      monitor?.checkSoon();
      answerUnavailable(req, res, state);
      return;
    }
    // A failing request is often the first sign of an outage: check now rather than in 2 s.
    res.once("finish", () => {
      if (res.statusCode >= 500) monitor?.checkSoon();
    });
    void handle(req, res);
  }).listen(port, values.host);
  if (cluster.isPrimary || cluster.worker?.id === 1) console.log(`▲ Next.js ready on http://${values.host}:${port} (${workers} process${workers > 1 ? "es" : ""})`);
}
