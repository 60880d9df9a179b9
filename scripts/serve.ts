/**
 * The production web server: Next.js behind node:cluster, one process per core, because a single
 * Node process uses one core and the app's requests are short and CPU-bound.
 * Usage: tsx scripts/serve.ts --port 3000 [--host 0.0.0.0]; WEB_CONCURRENCY sets the process count.
 */
import cluster from "node:cluster";
import { createServer } from "node:http";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import next from "next";
import { PROJECT_ROOT } from "../db/local-database";
import { CLIENT_IP_HEADER } from "../server/http/client-ip";

const { values } = parseArgs({ options: { port: { type: "string", default: "3000" }, host: { type: "string", default: "127.0.0.1" } } });
const port = Number(values.port);
const workers = Number(process.env.WEB_CONCURRENCY ?? availableParallelism());

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
} else {
  const app = next({ dev: false, dir: PROJECT_ROOT, hostname: values.host, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  createServer((req, res) => {
    // The only trusted source of the client's address for rate limits: overwrite whatever was sent.
    req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? "unknown";
    void handle(req, res);
  }).listen(port, values.host);
  if (cluster.isPrimary || cluster.worker?.id === 1) console.log(`▲ Next.js ready on http://${values.host}:${port} (${workers} process${workers > 1 ? "es" : ""})`);
}
