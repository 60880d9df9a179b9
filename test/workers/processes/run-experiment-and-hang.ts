/**
 * A worker that takes an experiment run, computes until it has written some progress, then hangs
 * mid-job for the test to kill with SIGKILL: the job stays active and the run `running`, exactly as
 * when a real worker dies part-way through.
 */
import { connect } from "../../../db/client";
import { startBoss } from "../../../server/jobs/boss";
import { workExperimentRuns } from "../../../workers/jobs/work-experiment-runs";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is required");
const { db } = connect(url, { max: 2 });
const boss = await startBoss(url, { supervise: false });
await workExperimentRuns(boss, db, {
  settings: { concurrency: 1, memoryBytes: 2 ** 28, runTimeLimitMs: 10 * 60_000, pollingIntervalSeconds: 1 },
  cacheDir: process.env.MECHMAP_CACHE_DIR,
  progressIntervalMs: 0,
  log: (line) => process.stdout.write(`${line}\n`),
  hooks: {
    afterProgress: async (_runId, p) => {
      if (p.stage === "reading" && p.examplesDone > 0) {
        process.stdout.write("holding mid-run\n");
        await new Promise<never>(() => {});
      }
    },
  },
});
setInterval(() => {}, 1_000);
