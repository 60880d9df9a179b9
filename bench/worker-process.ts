/** One worker process for `npm run bench -- worker`: takes experiment runs until SIGTERM. */
import { connect } from "../db/client";
import { startBoss } from "../server/jobs/boss";
import { workExperimentRuns } from "../workers/jobs/work-experiment-runs";
import { workerSettings } from "../workers/settings";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is required");
const { db, close } = connect(url, { max: 4 });
const boss = await startBoss(url, { supervise: false });
const workers = await workExperimentRuns(boss, db, { settings: workerSettings(), cacheDir: process.env.MECHMAP_CACHE_DIR, log: () => {} });
process.stdout.write("ready\n");
process.once("SIGTERM", () => {
  void (async () => {
    await workers.stop();
    await boss.stop({ graceful: false, wait: true });
    await close();
    process.exit(0);
  })();
});
