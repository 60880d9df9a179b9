/** The worker process: `npm run worker` (started by `npm start`). */
import { resolveDatabaseUrl } from "~/db/local-database";
import { runMigrations } from "~/db/migrate";
import { startJobLoop } from "./job-loop";

const database = await resolveDatabaseUrl();
await runMigrations(database.url);
const loop = await startJobLoop(database.url);
console.log("[worker] waiting for jobs");

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await loop.stop();
  await database.stop();
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
