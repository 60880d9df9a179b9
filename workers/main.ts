/** The worker process: `npm run worker` (started and supervised by `npm start`). */
import { INSTALLATION_ENV } from "~/db/installation";
import { preparePlatformDatabase } from "~/db/local-database";
import { onSupervisorGone } from "~/scripts/lib/supervisor";
import { startJobLoop, type JobLoop } from "./job-loop";

let loop: JobLoop | null = null;
let stopDatabase = async () => {};
let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await loop?.stop().catch((error: unknown) => console.error("[worker] stopping:", error));
  await stopDatabase();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
onSupervisorGone(() => void stop(0));

try {
  // Checks the database is this installation's (MECHMAP_INSTALLATION_ID, set by `npm start`) before any job.
  const database = await preparePlatformDatabase({ installation: process.env[INSTALLATION_ENV] ? "verify" : "ensure" });
  stopDatabase = database.stop;
  loop = await startJobLoop(database.url, {
    installationId: database.installationId,
    onWrongDatabase: () => void stop(1),
  });
  console.log(`[worker] ${loop.workerId} waiting for jobs`);
} catch (error) {
  console.error(`[worker] cannot start: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}
